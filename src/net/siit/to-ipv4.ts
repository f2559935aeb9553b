/**
 * IPv6 → IPv4, RFC 7915 §5: the header (§5.1, extension headers dropped, the Fragment header
 * carried over per §5.1.1), ICMPv6 → ICMPv4 (§5.2) with the packet in error translated one
 * level deep (§5.3), and transport checksums updated for the new pseudo-header (§5.5).
 */
import type { AddressMapper } from './address-map.js';
import { adjustChecksum, checksumOf, checksumValid, pseudoSum6, readU16, readU32, sumWords, writeU16 } from './checksum.js';
import { SiitError } from './errors.js';
import { concat, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, readIpv6, writeIpv4, type Ipv6Header } from './headers.js';
import { mapIcmp6, pointer6to4 } from './icmp-map.js';
import { resolveOptions, type ResolvedOptions, type SiitOptions } from './options.js';

/** Linux's limit for ICMPv4 errors (RFC 1812 §4.3.2.3: 576 bytes at most). */
const ICMPV4_ERROR_MAX = 576;
/** §5.1: DF is set only on packets larger than this (1280 − 20: the IPv6 minimum MTU less the header difference). */
const DF_THRESHOLD = 1260;

/** One IPv6 packet in, the IPv4 packet out (as a one-element list, like `translate4to6`); throws `SiitError` when it must be dropped. */
export function translate6to4(packet: Uint8Array, options: SiitOptions): Uint8Array[] {
  const o = resolveOptions(options);
  const h = readIpv6(packet, false);
  if (o.decrementTtl && h.hopLimit <= 1) throw new SiitError('ttl-exceeded', `hop limit ${h.hopLimit} expires at the translator`);
  const src = mapTo4(o.mapper, h.src, 'source');
  const dst = mapTo4(o.mapper, h.dst, 'destination');
  const upper = packet.slice(h.headerEnd, 40 + h.payloadLength);
  const translated = translatePayload6(h, upper, src, dst, o);
  return [concat(ipv4HeaderFor(h, src, dst, translated.length, o.decrementTtl ? h.hopLimit - 1 : h.hopLimit, o), translated)];
}

function ipv4HeaderFor(h: Ipv6Header, src: Uint8Array, dst: Uint8Array, upperLength: number, ttl: number, o: ResolvedOptions): Uint8Array {
  const totalLength = 20 + upperLength;
  const f = h.fragment;
  return writeIpv4({
    tos: h.trafficClass,
    totalLength,
    // §5.1.1: a fragment keeps the low 16 bits of its identification and may be fragmented further.
    id: f ? f.id & 0xffff : o.nextIpv4Id() & 0xffff,
    df: f ? false : totalLength > DF_THRESHOLD,
    mf: f ? f.more : false,
    offset: f ? f.offset : 0,
    ttl,
    protocol: h.nextHeader === PROTO_ICMPV6 ? PROTO_ICMP : h.nextHeader,
    src,
    dst,
  });
}

function mapTo4(mapper: AddressMapper, a: Uint8Array, which: string): Uint8Array {
  const r = mapper.toIpv4(a);
  if (!r) throw new SiitError('no-mapping', `no IPv4 mapping for IPv6 ${which} ${hex(a)}`);
  return r;
}

function hex(a: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i + 1 < a.length; i += 2) groups.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  return groups.join(':');
}

function translatePayload6(h: Ipv6Header, upper: Uint8Array, src4: Uint8Array, dst4: Uint8Array, o: ResolvedOptions): Uint8Array {
  if (h.fragment && h.fragment.offset !== 0) return upper;
  const addrs6 = sumWords(h.dst, 0, 16, sumWords(h.src, 0, 16));
  const addrs4 = sumWords(dst4, 0, 4, sumWords(src4, 0, 4));
  switch (h.nextHeader) {
    case PROTO_TCP:
      if (upper.length >= 18) writeU16(upper, 16, adjustChecksum(readU16(upper, 16), addrs6, addrs4));
      return upper;
    case PROTO_UDP:
      if (upper.length < 8) return upper;
      // RFC 8200 §8.1: IPv6 UDP must carry a checksum; a zero one cannot be adjusted into a valid one.
      if (readU16(upper, 6) === 0) throw new SiitError('udp-zero-checksum', 'IPv6 UDP datagram with a zero checksum');
      writeU16(upper, 6, adjustChecksum(readU16(upper, 6), addrs6, addrs4) || 0xffff);
      return upper;
    case PROTO_ICMPV6:
      if (h.fragment) throw new SiitError('fragmented-icmp', 'ICMPv6 in fragments');
      return translateIcmp6(h, upper, o);
    default:
      return upper;
  }
}

function translateIcmp6(h: Ipv6Header, icmp: Uint8Array, o: ResolvedOptions): Uint8Array {
  if (icmp.length < 8) throw new SiitError('truncated', `ICMPv6 message of ${icmp.length} bytes`);
  const map = mapIcmp6(icmp[0]!, icmp[1]!);
  if (!map) throw new SiitError('untranslatable-icmp', `ICMPv6 type ${icmp[0]} code ${icmp[1]} has no ICMPv4 translation`);
  const pseudo = pseudoSum6(h.src, h.dst, PROTO_ICMPV6, icmp.length);
  if (map.class === 'echo') {
    const out = icmp.slice();
    out[0] = map.type;
    out[1] = map.code;
    writeU16(out, 2, adjustChecksum(readU16(icmp, 2), readU16(icmp, 0) + pseudo, readU16(out, 0)));
    return out;
  }
  if (!checksumValid(sumWords(icmp, 0, icmp.length, pseudo))) throw new SiitError('bad-checksum', `ICMPv6 type ${icmp[0]} checksum does not verify`);
  const inner = translateEmbedded6(icmp.subarray(8), o);
  const header = new Uint8Array(8);
  header[0] = map.type;
  header[1] = map.code;
  if (map.rest === 'mtu') {
    let mtu = readU32(icmp, 4) - 20;
    if (o.ipv4NextHopMtu !== undefined) mtu = Math.min(mtu, o.ipv4NextHopMtu);
    if (o.ipv6NextHopMtu !== undefined) mtu = Math.min(mtu, o.ipv6NextHopMtu - 20);
    writeU16(header, 6, Math.max(0, Math.min(0xffff, mtu)));
  } else if (map.rest === 'pointer') {
    const p = pointer6to4(readU32(icmp, 4));
    if (p === undefined) throw new SiitError('untranslatable-icmp', `ICMPv6 parameter problem pointer ${readU32(icmp, 4)} has no IPv4 counterpart`);
    header[4] = p;
  }
  const room = ICMPV4_ERROR_MAX - 20 - 8;
  const out = concat(header, inner.length > room ? inner.subarray(0, room) : inner);
  writeU16(out, 2, checksumOf(sumWords(out, 0, out.length)));
  return out;
}

/** The packet in error (§5.3): translated like a normal packet, hop limit kept, lengths as its header says. */
function translateEmbedded6(bytes: Uint8Array, o: ResolvedOptions): Uint8Array {
  const h = readIpv6(bytes, true);
  const src = mapTo4(o.mapper, h.src, 'embedded source');
  const dst = mapTo4(o.mapper, h.dst, 'embedded destination');
  const upperLength = 40 + h.payloadLength - h.headerEnd;
  const upper = bytes.slice(h.headerEnd, Math.max(h.headerEnd, Math.min(bytes.length, 40 + h.payloadLength)));
  if (!h.fragment || h.fragment.offset === 0) {
    const addrs6 = sumWords(h.dst, 0, 16, sumWords(h.src, 0, 16));
    const addrs4 = sumWords(dst, 0, 4, sumWords(src, 0, 4));
    if (h.nextHeader === PROTO_TCP && upper.length >= 18) writeU16(upper, 16, adjustChecksum(readU16(upper, 16), addrs6, addrs4));
    if (h.nextHeader === PROTO_UDP && upper.length >= 8 && readU16(upper, 6) !== 0) writeU16(upper, 6, adjustChecksum(readU16(upper, 6), addrs6, addrs4) || 0xffff);
    if (h.nextHeader === PROTO_ICMPV6 && upper.length >= 4) {
      const map = mapIcmp6(upper[0]!, upper[1]!);
      if (map?.class === 'error') throw new SiitError('nested-icmp-error', 'an ICMPv6 error inside an ICMPv6 error');
      if (!map) throw new SiitError('untranslatable-icmp', `embedded ICMPv6 type ${upper[0]} has no ICMPv4 translation`);
      const removed = readU16(upper, 0) + pseudoSum6(h.src, h.dst, PROTO_ICMPV6, upperLength);
      upper[0] = map.type;
      upper[1] = map.code;
      writeU16(upper, 2, adjustChecksum(readU16(upper, 2), removed, readU16(upper, 0)));
    }
  }
  return concat(ipv4HeaderFor(h, src, dst, upperLength, h.hopLimit, o), upper);
}
