/**
 * Why a packet cannot be translated. RFC 7915 says what a translator does with each: most are
 * dropped silently, some earn an ICMP error back to the sender (`icmpError` names which).
 */
import { FlatlabError } from '../../config/diagnostics.js';

export type SiitDropReason =
  | 'truncated'            // shorter than its headers say
  | 'malformed'            // a header field that cannot be (version, IHL, lengths)
  | 'bad-checksum'         // IPv4 header checksum or an ICMP checksum we would otherwise recompute
  | 'ttl-exceeded'         // TTL / Hop Limit would reach zero (§4.1, §5.1: the translator is a router)
  | 'source-route'         // unexpired IPv4 LSRR/SSRR option (§4.1)
  | 'routing-header'       // IPv6 Routing header with Segments Left ≠ 0 (§5.1)
  | 'extension-after-fragment' // extension header after the Fragment header (§5.1.1)
  | 'no-mapping'           // an address the mapper cannot translate
  | 'untranslatable-icmp'  // an ICMP type/code the RFC says to drop (§4.2, §5.2)
  | 'nested-icmp-error'    // an ICMP error inside an ICMP error (§4.3, §5.3)
  | 'fragmented-icmp'      // ICMP in fragments: its new checksum covers bytes we do not have
  | 'udp-zero-checksum'    // fragmented IPv4 UDP without checksum (§4.5), or IPv6 UDP with zero checksum
  | 'packet-too-big'       // DF set and the IPv6 next hop's MTU is smaller (§4.1)
  | 'unsupported';         // jumbograms and the like

export class SiitError extends FlatlabError {
  constructor(
    readonly reason: SiitDropReason,
    message: string,
    /** For `packet-too-big`: the MTU to report back. */
    readonly mtu?: number,
  ) {
    super(`siit.${reason}`, message, { hint: hints[reason] });
  }
}

const hints: Record<SiitDropReason, string> = {
  truncated: 'the packet is shorter than its length fields say; capture it again with a full snap length',
  malformed: 'this is not a well-formed IPv4/IPv6 packet',
  'bad-checksum': 'a router drops packets with a bad checksum; check the sender',
  'ttl-exceeded': 'the translator decrements TTL/Hop Limit like any router; send with a larger TTL',
  'source-route': 'RFC 7915 §4.1: packets with an unexpired source route are discarded (ICMPv4 3/5)',
  'routing-header': 'RFC 7915 §5.1: a Routing header with Segments Left ≠ 0 is not translated (ICMPv6 4/0)',
  'extension-after-fragment': 'RFC 7915 §5.1.1: extension headers after the Fragment header are dropped',
  'no-mapping': 'the address is outside the translation prefix and the static/dynamic map',
  'untranslatable-icmp': 'RFC 7915 §4.2/§5.2 lists the ICMP messages that are silently dropped',
  'nested-icmp-error': 'RFC 7915 §4.3/§5.3: translation stops at the first embedded header',
  'fragmented-icmp': 'reassemble before translating ICMP (the ICMPv6 checksum covers the whole message)',
  'udp-zero-checksum': 'RFC 7915 §4.5: a stateless translator cannot compute the checksum of a fragmented UDP datagram',
  'packet-too-big': 'RFC 7915 §4.1: DF is set and the packet does not fit the IPv6 MTU; the sender gets ICMPv4 3/4',
  unsupported: 'this packet uses a feature the translator does not implement',
};
