/** Plain reference formatters for address and prefix text, for the wire tests to compare with. */
import { formatIpv6 } from '../../../../src/net/ip.js';

/** Dotted quad of the 4 bytes at b[at], by template. */
export const ipv4Reference = (b: ArrayLike<number>, at = 0): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** RFC 5952 text of the 16 bytes at b[at], by src/net/ip.ts (bigint). */
export function ipv6Reference(b: ArrayLike<number>, at = 0): string {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[at + i]!);
  return formatIpv6(v);
}

/** The first `bits` bits of `bytes` (width bytes long), the rest zero. */
export function masked(bytes: Uint8Array, bits: number, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    out[i] = (bytes[i] ?? 0) & ((0xff00 >> keep) & 0xff);
  }
  return out;
}
