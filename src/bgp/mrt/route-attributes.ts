// Path attributes of one TABLE_DUMP_V2 RIB entry, decoded with the BGP wire codec. RFC 6396
// §4.3.4: AS_PATH uses 4-octet ASNs whatever the session had, and MP_REACH_NLRI is cut down
// to Next Hop Length + Next Hop (no AFI/SAFI, no NLRI). The codec decodes UPDATEs, so the
// entry is wrapped in one: the short MP_REACH_NLRI is restored to its full form and the
// record's prefix becomes the UPDATE's NLRI.
import { attributeSpec, codecContext, decodeMessage, encodeMessage, type AttributeError, type PathAttributes } from '../wire/index.js';

const MP_REACH_NLRI = 14;
const FLAG_EXTENDED_LENGTH = 0x10;
const FLAG_OPTIONAL_TRANSITIVE = 0xc0;
/** The UPDATE a RIB entry is decoded from may exceed 4096 bytes (attributes up to 65535). */
const CTX = codecContext({ fourOctetAs: true, ibgp: true, extendedMessage: true });

export interface RibRoute {
  readonly afi: 1 | 2;
  readonly prefixLength: number;
  readonly prefix: Uint8Array;
}

export interface DecodedRibAttributes {
  readonly attributes: PathAttributes;
  readonly errors: AttributeError[];
}

/** The NLRI encoding of a prefix (RFC 4271 §4.3): length in bits, then the significant octets. */
function nlriBytes(route: RibRoute): number[] {
  return [route.prefixLength, ...route.prefix];
}

/**
 * Optional/Transitive bits of a known attribute as RFC 4271 defines them. A dump is a
 * snapshot, not a session: BIRD 2.0 writes flags 0 for attributes set by its own filters or
 * static routes, which an UPDATE check would reject; the bits carry nothing for a reader.
 */
function normalFlags(flags: number, type: number): number {
  const spec = attributeSpec(type);
  return spec === undefined ? flags : (flags & ~FLAG_OPTIONAL_TRANSITIVE) | spec.flags;
}

/** Rewrites an abbreviated MP_REACH_NLRI to the full RFC 4760 form; other attributes are copied. */
function expandAttributes(raw: Uint8Array, route: RibRoute): { bytes: number[]; hasMpReach: boolean } {
  const out: number[] = [];
  let hasMpReach = false;
  let at = 0;
  while (at < raw.length) {
    const type = raw[at + 1] ?? 0;
    const flags = normalFlags(raw[at] ?? 0, type);
    const extended = (flags & FLAG_EXTENDED_LENGTH) !== 0;
    const headerLength = extended ? 4 : 3;
    const length = extended ? ((raw[at + 2] ?? 0) << 8) | (raw[at + 3] ?? 0) : (raw[at + 2] ?? 0);
    const value = raw.subarray(at + headerLength, at + headerLength + length);
    if (at + headerLength > raw.length || at + headerLength + length > raw.length) {
      out.push(...raw.subarray(at)); // let the codec report the framing error
      break;
    }
    const abbreviated = type === MP_REACH_NLRI && value.length > 0 && (value[0] ?? 0) + 1 === value.length;
    if (abbreviated) {
      hasMpReach = true;
      const full = [0, route.afi, 1, ...value, 0, ...nlriBytes(route)];
      out.push(flags | FLAG_EXTENDED_LENGTH, type, full.length >> 8, full.length & 0xff, ...full);
    } else {
      if (type === MP_REACH_NLRI) hasMpReach = true;
      out.push(flags, ...raw.subarray(at + 1, at + headerLength + length));
    }
    at += headerLength + length;
  }
  return { bytes: out, hasMpReach };
}

/** Throws BgpDecodeError when the attributes are beyond RFC 7606's survivable errors. */
export function decodeRibAttributes(raw: Uint8Array, route: RibRoute): DecodedRibAttributes {
  const { bytes: attributes, hasMpReach } = expandAttributes(raw, route);
  const nlri = route.afi === 1 && !hasMpReach ? nlriBytes(route) : [];
  const length = 19 + 4 + attributes.length + nlri.length;
  const message = new Uint8Array(length);
  message.fill(0xff, 0, 16);
  message[16] = length >> 8;
  message[17] = length & 0xff;
  message[18] = 2; // UPDATE
  message[21] = attributes.length >> 8;
  message[22] = attributes.length & 0xff;
  message.set(attributes, 23);
  message.set(nlri, 23 + attributes.length);
  const decoded = decodeMessage(message, CTX);
  if (decoded.message.type !== 'UPDATE') throw new Error('unreachable: an UPDATE was built');
  const attrs = { ...decoded.message.attributes };
  // The prefix is the record's; the wrapper's NLRI copy is noise in the output.
  if (attrs.mpReach) {
    const { nlri: _nlri, ...rest } = attrs.mpReach;
    attrs.mpReach = rest as typeof attrs.mpReach;
  }
  return { attributes: attrs, errors: decoded.errors };
}

const WRITE_CTX = codecContext({ fourOctetAs: true, ibgp: true, extendedMessage: true });

/**
 * The attribute bytes of a RIB entry (RFC 6396 §4.3.4): encoded as for a 4-octet-AS session,
 * with MP_REACH_NLRI cut to Next Hop Length + Next Hop. `attributes.mpReach.nlri` is ignored.
 *
 * `fullMpReachFor`: write the whole RFC 4760 MP_REACH_NLRI instead, with this prefix as its
 * NLRI. Not RFC 6396, but what Quagga and GoBGP before 3.17 write, and the only form GoBGP
 * 3.10's `mrt inject` reads (it decodes the abbreviated one as AFI = next hop length << 8 | …).
 */
export function encodeRibAttributes(attributes: PathAttributes, fullMpReachFor?: string): Uint8Array {
  const { mpUnreach: _withdrawn, ...attrs } = attributes;
  const nlri = fullMpReachFor === undefined ? [] : [{ prefix: fullMpReachFor }];
  const message = encodeMessage({ type: 'UPDATE', withdrawn: [], attributes: attrs.mpReach ? { ...attrs, mpReach: { ...attrs.mpReach, nlri } } : attrs, nlri: [] }, WRITE_CTX);
  const attributeLength = ((message[21] ?? 0) << 8) | (message[22] ?? 0);
  const raw = message.subarray(23, 23 + attributeLength);
  const out: number[] = [];
  let at = 0;
  while (at < raw.length) {
    const flags = raw[at] ?? 0;
    const type = raw[at + 1] ?? 0;
    const extended = (flags & FLAG_EXTENDED_LENGTH) !== 0;
    const headerLength = extended ? 4 : 3;
    const length = extended ? ((raw[at + 2] ?? 0) << 8) | (raw[at + 3] ?? 0) : (raw[at + 2] ?? 0);
    if (type === MP_REACH_NLRI && fullMpReachFor === undefined) {
      // AFI (2) + SAFI (1), then Next Hop Length and Next Hop; reserved octet and NLRI dropped.
      const nextHopLength = raw[at + headerLength + 3] ?? 0;
      const short = raw.subarray(at + headerLength + 3, at + headerLength + 4 + nextHopLength);
      out.push(flags & ~FLAG_EXTENDED_LENGTH, type, short.length, ...short);
    } else {
      out.push(...raw.subarray(at, at + headerLength + length));
    }
    at += headerLength + length;
  }
  return Uint8Array.from(out);
}
