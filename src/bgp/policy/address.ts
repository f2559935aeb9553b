/**
 * Addresses and prefixes as bigints for the policy engine. Patterns are parsed once at compile
 * time; a route's prefix and next hop are parsed once per evaluation, then every prefix
 * condition is a shift and compare.
 */

export type AddressFamily = 'ipv4' | 'ipv6';

export interface ParsedAddress {
  family: AddressFamily;
  value: bigint;
}

export interface ParsedPrefix extends ParsedAddress {
  length: number;
}

export const FAMILY_BITS: Record<AddressFamily, number> = { ipv4: 32, ipv6: 128 };

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!IPV4_OCTET.test(p)) return undefined;
    v = v * 256 + Number(p);
  }
  return BigInt(v);
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tail: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  // RFC 4291 §2.2 form 3: an embedded IPv4 tail counts as two groups.
  if (text.slice(lastColon + 1).includes('.')) {
    tail = parseIpv4(text.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const wanted = tail === undefined ? 8 : 6;
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === '') return [];
    const g = s.split(':');
    return g.every((x) => IPV6_GROUP.test(x)) ? g : undefined;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (!left || !right) return undefined;
  let all: string[];
  if (halves.length === 2) {
    const fill = wanted - left.length - right.length;
    if (fill < 1) return undefined;
    all = [...left, ...new Array<string>(fill).fill('0'), ...right];
  } else {
    all = left;
  }
  if (all.length !== wanted) return undefined;
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(parseInt(g, 16));
  if (tail !== undefined) v = (v << 32n) | tail;
  return v;
}

export function parseAddress(text: string): ParsedAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 'ipv6', value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 'ipv4', value };
}

/** `addr/len`; host bits are cleared (a route's prefix has them zero already; a pattern may not). */
export function parsePrefix(text: string): ParsedPrefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddress(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(lenText)) return undefined;
  const length = Number(lenText);
  const bits = FAMILY_BITS[addr.family];
  if (length > bits) return undefined;
  const shift = BigInt(bits - length);
  return { family: addr.family, value: (addr.value >> shift) << shift, length };
}
