/**
 * IP addresses and CIDR ranges as bytes: what the DNS64 synthesis works on (A and AAAA
 * rdata are raw 4 and 16 bytes). IPv6 text goes through the project's one parser and
 * RFC 5952 formatter (src/net/ip.ts).
 */
import { isIPv4 } from 'node:net';
import { formatIpv6 as formatIpv6Value, parseIpv6 as parseIpv6Value } from '../../net/ip.js';

export function parseIpv4(text: string): Uint8Array | undefined {
  if (!isIPv4(text)) return undefined;
  return Uint8Array.from(text.split('.').map(Number));
}

export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

export function parseIpv6(text: string): Uint8Array | undefined {
  if (text.includes('%')) return undefined;
  const value = parseIpv6Value(text);
  if (value === undefined) return undefined;
  const out = new Uint8Array(16);
  for (let i = 15, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export function formatIpv6(b: Uint8Array): string {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[i] ?? 0);
  return formatIpv6Value(v);
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
