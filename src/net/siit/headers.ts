/**
 * IPv4 and IPv6 header reading and writing for the translator: only what RFC 7915 needs,
 * every read bounds-checked into a typed `SiitError`. An embedded packet (inside an ICMP
 * error) is read leniently: it is usually cut short, so its length fields may exceed the bytes
 * in hand (RFC 7915 §4.3, §5.3).
 */
import { checksumOf, readU16, readU32, sumWords, writeU16, writeU32 } from './checksum.js';
import { SiitError } from './errors.js';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const DEST_OPTS = 60;

export interface Ipv4Header {
  headerLength: number;
  tos: number;
  totalLength: number;
  id: number;
  df: boolean;
  mf: boolean;
  /** Fragment offset in bytes. */
  offset: number;
  ttl: number;
  protocol: number;
  src: Uint8Array;
  dst: Uint8Array;
}

export interface FragmentInfo {
  id: number;
  /** In bytes. */
  offset: number;
  more: boolean;
}

export interface Ipv6Header {
  trafficClass: number;
  payloadLength: number;
  hopLimit: number;
  src: Uint8Array;
  dst: Uint8Array;
  /** The upper-layer protocol after the extension headers we skip. */
  nextHeader: number;
  /** Offset of the upper-layer header (after every extension header). */
  headerEnd: number;
  fragment?: FragmentInfo;
}

export function isFragment4(h: Ipv4Header): boolean {
  return h.mf || h.offset !== 0;
}

/** `embedded`: inside an ICMP error, where the packet may be cut short and the header checksum is not ours to check. */
export function readIpv4(buf: Uint8Array, embedded: boolean): Ipv4Header {
  if (buf.length < 20) throw new SiitError('truncated', `IPv4 header needs 20 bytes, have ${buf.length}`);
  if (buf[0]! >> 4 !== 4) throw new SiitError('malformed', `IP version ${buf[0]! >> 4} where 4 was expected`);
  const headerLength = (buf[0]! & 0x0f) * 4;
  if (headerLength < 20) throw new SiitError('malformed', `IPv4 IHL ${headerLength / 4} is below 5`);
  if (buf.length < headerLength) throw new SiitError('truncated', `IPv4 header is ${headerLength} bytes, have ${buf.length}`);
  const totalLength = readU16(buf, 2);
  if (totalLength < headerLength) throw new SiitError('malformed', `IPv4 total length ${totalLength} is shorter than its header (${headerLength})`);
  if (!embedded) {
    if (totalLength > buf.length) throw new SiitError('truncated', `IPv4 total length ${totalLength}, have ${buf.length} bytes`);
    if (checksumOf(sumWords(buf, 0, headerLength)) !== 0) throw new SiitError('bad-checksum', 'IPv4 header checksum does not verify');
  }
  const flags = readU16(buf, 6);
  return {
    headerLength,
    tos: buf[1]!,
    totalLength,
    id: readU16(buf, 4),
    df: (flags & 0x4000) !== 0,
    mf: (flags & 0x2000) !== 0,
    offset: (flags & 0x1fff) * 8,
    ttl: buf[8]!,
    protocol: buf[9]!,
    src: buf.slice(12, 16),
    dst: buf.slice(16, 20),
  };
}

/** RFC 7915 §4.1: options are ignored, except that an unexpired source route discards the packet. */
export function checkIpv4Options(buf: Uint8Array, headerLength: number): void {
  for (let i = 20; i < headerLength; ) {
    const type = buf[i]!;
    if (type === 0) return; // end of option list
    if (type === 1) {
      i++;
      continue;
    }
    const len = buf[i + 1];
    if (len === undefined || len < 2 || i + len > headerLength) throw new SiitError('malformed', `IPv4 option ${type} at offset ${i} has a bad length`);
    // LSRR (131) and SSRR (137): unexpired while the pointer is within the option.
    if ((type === 131 || type === 137) && len >= 3 && buf[i + 2]! <= len) throw new SiitError('source-route', `unexpired ${type === 131 ? 'loose' : 'strict'} source route option`);
    i += len;
  }
}

export function writeIpv4(h: Omit<Ipv4Header, 'headerLength'>): Uint8Array {
  const out = new Uint8Array(20);
  out[0] = 0x45;
  out[1] = h.tos;
  writeU16(out, 2, h.totalLength);
  writeU16(out, 4, h.id);
  writeU16(out, 6, (h.df ? 0x4000 : 0) | (h.mf ? 0x2000 : 0) | (h.offset / 8));
  out[8] = h.ttl;
  out[9] = h.protocol;
  out.set(h.src, 12);
  out.set(h.dst, 16);
  writeU16(out, 10, checksumOf(sumWords(out, 0, 20)));
  return out;
}

/**
 * Reads the fixed header and walks Hop-by-Hop, Routing, Destination Options and Fragment
 * headers (RFC 7915 §5.1: these are not translated). `embedded`: see `readIpv4`.
 */
export function readIpv6(buf: Uint8Array, embedded: boolean): Ipv6Header {
  if (buf.length < 40) throw new SiitError('truncated', `IPv6 header needs 40 bytes, have ${buf.length}`);
  if (buf[0]! >> 4 !== 6) throw new SiitError('malformed', `IP version ${buf[0]! >> 4} where 6 was expected`);
  const payloadLength = readU16(buf, 4);
  let nextHeader = buf[6]!;
  if (payloadLength === 0 && nextHeader === HOP_BY_HOP) throw new SiitError('unsupported', 'IPv6 jumbograms (payload length 0 with Hop-by-Hop) are not translated');
  if (!embedded && 40 + payloadLength > buf.length) throw new SiitError('truncated', `IPv6 payload length ${payloadLength}, have ${buf.length - 40} bytes`);
  const end = Math.min(buf.length, 40 + payloadLength);
  let at = 40;
  let fragment: FragmentInfo | undefined;
  while (nextHeader === HOP_BY_HOP || nextHeader === ROUTING || nextHeader === DEST_OPTS || nextHeader === FRAGMENT) {
    if (fragment) throw new SiitError('extension-after-fragment', `extension header ${nextHeader} after the Fragment header`);
    if (at + 8 > end) throw new SiitError('truncated', `IPv6 extension header ${nextHeader} at offset ${at} is cut short`);
    if (nextHeader === FRAGMENT) {
      const word = readU16(buf, at + 2);
      fragment = { id: readU32(buf, at + 4), offset: word & 0xfff8, more: (word & 1) === 1 };
      nextHeader = buf[at]!;
      at += 8;
      // Past the first fragment, what follows is payload, not headers.
      if (fragment.offset !== 0) break;
      continue;
    }
    if (nextHeader === ROUTING && buf[at + 3]! !== 0) throw new SiitError('routing-header', `IPv6 Routing header with ${buf[at + 3]} segments left`);
    const len = (buf[at + 1]! + 1) * 8;
    nextHeader = buf[at]!;
    at += len;
    if (at > end) throw new SiitError('truncated', `IPv6 extension headers run past the payload (${at} > ${end})`);
  }
  return {
    trafficClass: ((buf[0]! & 0x0f) << 4) | (buf[1]! >> 4),
    payloadLength,
    hopLimit: buf[7]!,
    src: buf.slice(8, 24),
    dst: buf.slice(24, 40),
    nextHeader,
    headerEnd: at,
    ...(fragment ? { fragment } : {}),
  };
}

export function writeIpv6(h: { trafficClass: number; payloadLength: number; nextHeader: number; hopLimit: number; src: Uint8Array; dst: Uint8Array; fragment?: FragmentInfo & { nextHeader: number } }): Uint8Array {
  const out = new Uint8Array(h.fragment ? 48 : 40);
  out[0] = 0x60 | (h.trafficClass >> 4);
  out[1] = (h.trafficClass & 0x0f) << 4;
  writeU16(out, 4, h.payloadLength);
  out[6] = h.fragment ? FRAGMENT : h.nextHeader;
  out[7] = h.hopLimit;
  out.set(h.src, 8);
  out.set(h.dst, 24);
  if (h.fragment) {
    out[40] = h.fragment.nextHeader;
    writeU16(out, 42, h.fragment.offset | (h.fragment.more ? 1 : 0));
    writeU32(out, 44, h.fragment.id);
  }
  return out;
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
