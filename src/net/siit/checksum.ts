/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624 eq. 3), over byte
 * arrays with explicit offsets. Sums are kept unfolded (plain numbers well below 2^53) until
 * `fold`, so callers can add pseudo-header sums and data sums in any order.
 */

/** Ones' complement sum of the 16-bit big-endian words in `buf[start, end)` (odd tail padded with zero), added to `acc`. */
export function sumWords(buf: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) s += buf[i]! << 8;
  return s;
}

/** Fold carries back into 16 bits (end-around carry). */
export function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum field value for data (and pseudo-header) summing to `sum`. */
export function checksumOf(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** True when the region, checksum field included, sums to all ones (or all zeros: both zeros of ones' complement). */
export function checksumValid(sum: number): boolean {
  const f = fold(sum);
  return f === 0xffff || f === 0;
}

/**
 * RFC 1624 eq. 3: HC' = ~(~HC + ~m + m'), where `removed` is the (unfolded) sum of the words
 * that left the checksummed data and `added` the sum of those that joined it.
 */
export function adjustChecksum(old: number, removed: number, added: number): number {
  return ~fold((~old & 0xffff) + (~fold(removed) & 0xffff) + fold(added)) & 0xffff;
}

/** IPv4 pseudo-header (RFC 768/793): source, destination, zero + protocol, upper-layer length. */
export function pseudoSum4(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  return sumWords(dst, 0, 4, sumWords(src, 0, 4)) + protocol + length;
}

/** IPv6 pseudo-header (RFC 8200 §8.1): source, destination, 32-bit length, next header. */
export function pseudoSum6(src: Uint8Array, dst: Uint8Array, nextHeader: number, length: number): number {
  return sumWords(dst, 0, 16, sumWords(src, 0, 16)) + Math.floor(length / 0x10000) + (length & 0xffff) + nextHeader;
}

export function readU16(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}

export function writeU16(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 8) & 0xff;
  buf[at + 1] = v & 0xff;
}

export function readU32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) >>> 0) + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
}

export function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 24) & 0xff;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}
