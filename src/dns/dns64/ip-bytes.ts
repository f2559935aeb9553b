/**
 * IP addresses and CIDR ranges as bytes: what the DNS64 synthesis works on (A and AAAA
 * rdata are raw 4 and 16 bytes). Text output follows RFC 5952 (lower case, the longest
 * run of two or more zero groups compressed, the first one on a tie).
 */
import { isIPv4, isIPv6 } from 'node:net';

export function parseIpv4(text: string): Uint8Array | undefined {
  if (!isIPv4(text)) return undefined;
  return Uint8Array.from(text.split('.').map(Number));
}

export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

export function parseIpv6(text: string): Uint8Array | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let s = text;
  const lastColon = s.lastIndexOf(':');
  const dotted = s.slice(lastColon + 1);
  if (dotted.includes('.')) {
    // An embedded dotted quad (`::ffff:192.0.2.1`) is two groups.
    const v4 = parseIpv4(dotted);
    if (!v4) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16)}:${(((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16)}`;
  }
  const halves = s.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)) : []);
  const head = groups(halves[0]);
  const rest = halves.length > 1 ? groups(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  const all = halves.length > 1 ? [...head, ...new Array<number>(Math.max(fill, 0)).fill(0), ...rest] : head;
  if (all.length !== 8) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[i * 2] ?? 0) << 8) | (b[i * 2 + 1] ?? 0));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/** An IPv4 or IPv6 prefix: bytes (host bits zero) and length. */
export interface IpRange {
  family: 4 | 6;
  bytes: Uint8Array;
  length: number;
  text: string;
}

/** `10.0.0.0/8`, `::ffff:0:0/96`, or a bare address (a host range); undefined when malformed or host bits are set. */
export function parseRange(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const v4 = parseIpv4(addrText);
  const bytes = v4 ?? parseIpv6(addrText);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  const lengthText = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > max) return undefined;
  for (let bit = length; bit < max; bit++) if (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) return undefined;
  const family = v4 ? 4 : 6;
  return { family, bytes, length, text: `${family === 4 ? formatIpv4(bytes) : formatIpv6(bytes)}/${length}` };
}

export function rangeContains(range: IpRange, addr: Uint8Array): boolean {
  if (addr.length !== range.bytes.length) return false;
  const full = range.length >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== range.bytes[i]) return false;
  const rest = range.length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((addr[full] ?? 0) & mask) === ((range.bytes[full] ?? 0) & mask);
}

export function anyContains(ranges: readonly IpRange[], addr: Uint8Array): boolean {
  for (const r of ranges) if (rangeContains(r, addr)) return true;
  return false;
}
