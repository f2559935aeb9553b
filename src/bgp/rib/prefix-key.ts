/**
 * Map keys for prefixes in the RIB's tables. A canonical IPv4 prefix of length 0-24 (the text
 * the wire decoder builds: dotted quad without leading zeros, host bits zero) is keyed by a
 * small integer, (address >>> 8) * 32 + length, below 2^29 and so a V8 small integer: a Map
 * hashes and compares it without reading a string, and no prefix text need be kept per route.
 * Every other text (IPv6, IPv4 longer than /24, anything not in canonical form) is its own
 * key. Two texts have the same key exactly when they are the same text.
 */
import { formatIpv4Prefix } from '../wire/address.js';

export type PrefixKey = number | string;

/** The key of a prefix text. */
export function prefixKey(text: string): PrefixKey {
  const n = text.length;
  // Shortest '0.0.0.0/0' (9), longest '255.255.255.0/24' (16).
  if (n < 9 || n > 16) return text;
  let address = 0; // as a signed 32-bit value: only bit operations read it
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return text;
      address = (address << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c === 47) {
      break;
    } else {
      const d = c - 48;
      // Not a digit, a leading zero, or past 255.
      if (d < 0 || d > 9 || (digits === 1 && octet === 0)) return text;
      octet = octet * 10 + d;
      if (octet > 255) return text;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0 || n - i < 2 || n - i > 3) return text;
  address = (address << 8) | octet;
  const d1 = text.charCodeAt(i + 1) - 48;
  if (d1 < 0 || d1 > 9) return text;
  let length = d1;
  if (n - i === 3) {
    const d2 = text.charCodeAt(i + 2) - 48;
    if (d1 === 0 || d2 < 0 || d2 > 9) return text;
    length = d1 * 10 + d2;
  }
  // Host bits set: what is left after shifting out the network bits (all of it for /0).
  if (length > 24 || address << length !== 0) return text;
  return ((address >>> 8) << 5) | length;
}

/** The text a key stands for. */
export function prefixText(key: PrefixKey): string {
  if (typeof key === 'string') return key;
  return formatIpv4Prefix(((key >>> 5) << 8) >>> 0, key & 31);
}
