/**
 * Addresses and prefixes as bigints for the policy engine, on the project's one IP parser
 * (src/net/ip.ts). Patterns are parsed once at compile time; a route's prefix and next hop
 * are parsed once per evaluation, then every prefix condition is a shift and compare.
 */
import { FAMILY_BITS, parseInterfaceAddress, parseIp, prefixMask, type IpAddress, type IpFamily } from '../../net/ip.js';

export { FAMILY_BITS };
export type AddressFamily = IpFamily;
export type ParsedAddress = IpAddress;

export interface ParsedPrefix extends ParsedAddress {
  length: number;
}

export function parseAddress(text: string): ParsedAddress | undefined {
  return parseIp(text);
}

/** `addr/len`; host bits are cleared (a route's prefix has them zero already; a pattern may not). */
export function parsePrefix(text: string): ParsedPrefix | undefined {
  const parsed = parseInterfaceAddress(text);
  if (!parsed) return undefined;
  const { address, length } = parsed;
  return { family: address.family, value: address.value & prefixMask(address.family, length), length };
}
