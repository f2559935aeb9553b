/**
 * IPv4-embedded IPv6 addresses (RFC 6052 §2.2): the IPv4 address sits right after the
 * prefix, skipping bits 64–71 (the "u" octet, kept zero for compatibility with the
 * RFC 4291 interface-identifier format); the bits after it (the suffix) are zero.
 *
 *   PL | 0 ........ 32 ... 40 ... 48 ... 56 ... 64 | u | ... 96 ............ 128
 *   32 | prefix        | v4(32)                    | u | suffix
 *   40 | prefix              | v4(24)              | u | v4(8) | suffix
 *   48 | prefix                     | v4(16)       | u | v4(16) | suffix
 *   56 | prefix                            | v4(8) | u | v4(24) | suffix
 *   64 | prefix                                    | u | v4(32) | suffix
 *   96 | prefix                                                 | v4(32)
 */
import { FlatlabError } from '../../config/diagnostics.js';
import { formatIpv6, parseIpv6 } from './ip-bytes.js';

/** RFC 6052 §2.2: the only prefix lengths the format defines. */
export const RFC6052_LENGTHS = [32, 40, 48, 56, 64, 96] as const;
export type Rfc6052Length = (typeof RFC6052_LENGTHS)[number];

export interface Nat64Prefix {
  /** The 16 address bytes; bits past `length` are zero. */
  bytes: Uint8Array;
  length: Rfc6052Length;
  /** Canonical text, e.g. `64:ff9b::/96`. */
  text: string;
}

/** A prefix the RFC 6052 format cannot use: a bad length, host bits set, or a non-zero u-octet. */
export class Nat64PrefixError extends FlatlabError {}

/** RFC 6052 §2.1: the Well-Known Prefix. */
export const WELL_KNOWN_PREFIX_TEXT = '64:ff9b::/96';
/** RFC 8215: the local-use IPv4/IPv6 translation prefix, for network-specific prefixes inside it. */
export const LOCAL_USE_PREFIX_TEXT = '64:ff9b:1::/48';

export function parseNat64Prefix(text: string): Nat64Prefix {
  const slash = text.indexOf('/');
  const hint = `write an IPv6 prefix of length ${RFC6052_LENGTHS.join(', ')}, e.g. ${WELL_KNOWN_PREFIX_TEXT} or ${LOCAL_USE_PREFIX_TEXT}`;
  if (slash < 0) throw new Nat64PrefixError('dns64.bad-prefix', `NAT64 prefix "${text}" has no /length`, { hint });
  const bytes = parseIpv6(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  const length = Number(lengthText);
  if (!bytes) throw new Nat64PrefixError('dns64.bad-prefix', `NAT64 prefix "${text}" is not an IPv6 address/length`, { hint });
  if (!/^\d+$/.test(lengthText) || !(RFC6052_LENGTHS as readonly number[]).includes(length)) {
    throw new Nat64PrefixError('dns64.bad-prefix-length', `NAT64 prefix "${text}": RFC 6052 §2.2 allows only /${RFC6052_LENGTHS.join(', /')}`, { hint });
  }
  for (let bit = length; bit < 128; bit++) {
    if (bitAt(bytes, bit)) {
      throw new Nat64PrefixError('dns64.prefix-host-bits', `NAT64 prefix "${text}" has bits set past /${length}`, { hint: `did you mean ${formatIpv6(maskTo(bytes, length))}/${length}?` });
    }
  }
  // For /96 the u-octet is part of the prefix and must still be zero (RFC 6052 §2.2).
  if (length === 96 && bytes[8] !== 0) {
    throw new Nat64PrefixError('dns64.prefix-u-octet', `NAT64 prefix "${text}": bits 64-71 (the u-octet) must be zero (RFC 6052 §2.2)`, { hint: 'pick a /96 whose ninth byte is 00' });
  }
  return { bytes, length: length as Rfc6052Length, text: `${formatIpv6(bytes)}/${length}` };
}

export const WELL_KNOWN_PREFIX: Nat64Prefix = parseNat64Prefix(WELL_KNOWN_PREFIX_TEXT);
export const LOCAL_USE_PREFIX: Nat64Prefix = parseNat64Prefix(LOCAL_USE_PREFIX_TEXT);

export function isWellKnownPrefix(p: Nat64Prefix): boolean {
  return p.length === 96 && p.text === WELL_KNOWN_PREFIX.text;
}

/** Byte positions that carry the IPv4 address for each prefix length (byte 8 is the u-octet). */
const V4_POSITIONS: Record<Rfc6052Length, readonly number[]> = {
  32: [4, 5, 6, 7],
  40: [5, 6, 7, 9],
  48: [6, 7, 9, 10],
  56: [7, 9, 10, 11],
  64: [9, 10, 11, 12],
  96: [12, 13, 14, 15],
};

/** The IPv4-embedded IPv6 address of `ipv4` (4 bytes) under `prefix`; u-octet and suffix zero. */
export function embedIpv4(prefix: Nat64Prefix, ipv4: Uint8Array): Uint8Array {
  if (ipv4.length !== 4) throw new Nat64PrefixError('dns64.bad-ipv4', `an IPv4 address has 4 bytes, not ${ipv4.length}`);
  const out = new Uint8Array(16);
  out.set(prefix.bytes.subarray(0, prefix.length / 8));
  const at = V4_POSITIONS[prefix.length];
  for (let i = 0; i < 4; i++) out[at[i] as number] = ipv4[i] as number;
  return out;
}

/**
 * The IPv4 address embedded in `ipv6` under `prefix`, or undefined when the address is not
 * under the prefix or is not in the RFC 6052 form (non-zero u-octet or suffix).
 */
export function extractIpv4(prefix: Nat64Prefix, ipv6: Uint8Array): Uint8Array | undefined {
  if (ipv6.length !== 16) return undefined;
  const n = prefix.length / 8;
  for (let i = 0; i < n; i++) if (ipv6[i] !== prefix.bytes[i]) return undefined;
  const at = V4_POSITIONS[prefix.length];
  const v4 = new Uint8Array(4);
  for (let i = 0; i < 4; i++) v4[i] = ipv6[at[i] as number] as number;
  for (let i = n; i < 16; i++) if (!at.includes(i) && ipv6[i] !== 0) return undefined;
  return v4;
}

function bitAt(bytes: Uint8Array, bit: number): boolean {
  return (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) === 1;
}

function maskTo(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let bit = 0; bit < length; bit++) if (bitAt(bytes, bit)) out[bit >> 3] = (out[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return out;
}
