/**
 * IP addresses and prefixes as bigints: parse, format (RFC 5952 for IPv6), and the little
 * arithmetic address planning needs (containment, overlap, offsets, alignment).
 *
 * Small and allocation-light on purpose: the topology compiler formats tens of thousands of
 * addresses for a large lab, and bigint arithmetic on plain records keeps that in milliseconds.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface IpPrefix {
  family: IpFamily;
  /** The network address (host bits zero). */
  network: bigint;
  length: number;
}

export const FAMILY_BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!IPV4_OCTET.test(p)) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function ipv6Groups(s: string): string[] | undefined {
  if (s === '') return [];
  const g = s.split(':');
  return g.every((x) => IPV6_GROUP.test(x)) ? g : undefined;
}

export function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  // An embedded IPv4 tail (`::ffff:192.0.2.1`, RFC 4291 §2.2 form 3) counts as two groups.
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const doubleColon = head.indexOf('::');
  if (doubleColon >= 0 && head.indexOf('::', doubleColon + 1) >= 0) return undefined;
  const wanted = tailV4 === undefined ? 8 : 6;
  let groups: string[];
  if (doubleColon >= 0) {
    const left = ipv6Groups(head.slice(0, doubleColon));
    const right = ipv6Groups(head.slice(doubleColon + 2));
    if (!left || !right) return undefined;
    const missing = wanted - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<string>(missing).fill('0'), ...right];
  } else {
    const all = ipv6Groups(head);
    if (!all || all.length !== wanted) return undefined;
    groups = all;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(parseInt(g, 16));
  if (tailV4 !== undefined) v = (v << 32n) | tailV4;
  return v;
}

/** Parse a bare address (no prefix length). */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const v = parseIpv6(text);
    return v === undefined ? undefined : { family: 'ipv6', value: v };
  }
  const v = parseIpv4(text);
  return v === undefined ? undefined : { family: 'ipv4', value: v };
}

export function formatIpv4(v: bigint): string {
  const n = Number(v);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952 §4: lowercase, no leading zeros, the longest run (≥ 2, leftmost on a tie) of zero groups as `::`. */
export function formatIpv6(v: bigint): string {
  // Four 32-bit words: far fewer bigint operations than eight 16-bit shifts (hot in big labs).
  const groups: number[] = new Array<number>(8);
  for (let w = 0; w < 4; w++) {
    const word = Number((v >> BigInt(96 - 32 * w)) & 0xffffffffn);
    groups[2 * w] = word >>> 16;
    groups[2 * w + 1] = word & 0xffff;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return hexGroups(groups, 0, 8);
  return `${hexGroups(groups, 0, bestStart)}::${hexGroups(groups, bestStart + bestLen, 8)}`;
}

function hexGroups(groups: readonly number[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += i === from ? groups[i]!.toString(16) : `:${groups[i]!.toString(16)}`;
  return out;
}

export function formatIp(family: IpFamily, v: bigint): string {
  return family === 'ipv4' ? formatIpv4(v) : formatIpv6(v);
}

export type PrefixParse =
  | { ok: true; prefix: IpPrefix }
  /** Syntactically a prefix but with host bits set (`203.0.113.1/24`); `network` is what was probably meant. */
  | { ok: false; reason: 'host-bits'; network: IpPrefix; address: IpAddress }
  | { ok: false; reason: 'syntax' | 'length' };

/** Parse `ADDRESS/LEN`; a prefix with host bits set is reported, not silently masked. */
export function parsePrefix(text: string): PrefixParse {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, reason: 'syntax' };
  const addr = parseIp(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(lenText)) return { ok: false, reason: 'syntax' };
  const length = Number(lenText);
  if (length > FAMILY_BITS[addr.family]) return { ok: false, reason: 'length' };
  const network = addr.value & prefixMask(addr.family, length);
  const prefix: IpPrefix = { family: addr.family, network, length };
  if (network !== addr.value) return { ok: false, reason: 'host-bits', network: prefix, address: addr };
  return { ok: true, prefix };
}

/** Parse `ADDRESS/LEN` keeping host bits (an interface address); undefined when malformed. */
export function parseInterfaceAddress(text: string): { address: IpAddress; length: number } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIp(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(lenText)) return undefined;
  const length = Number(lenText);
  return length > FAMILY_BITS[address.family] ? undefined : { address, length };
}

export function prefixMask(family: IpFamily, length: number): bigint {
  const bits = BigInt(FAMILY_BITS[family]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(length))) & all;
}

/** Number of addresses in the prefix. */
export function prefixSize(p: IpPrefix): bigint {
  return 1n << BigInt(FAMILY_BITS[p.family] - p.length);
}

/** Last address in the prefix. */
export function prefixLast(p: IpPrefix): bigint {
  return p.network + prefixSize(p) - 1n;
}

export function formatPrefix(p: IpPrefix): string {
  return `${formatIp(p.family, p.network)}/${p.length}`;
}

export function prefixContainsAddress(p: IpPrefix, a: IpAddress): boolean {
  return p.family === a.family && a.value >= p.network && a.value <= prefixLast(p);
}

/** True when `outer` contains all of `inner`. */
export function prefixContains(outer: IpPrefix, inner: IpPrefix): boolean {
  return outer.family === inner.family && outer.length <= inner.length && inner.network >= outer.network && prefixLast(inner) <= prefixLast(outer);
}

export function prefixesOverlap(a: IpPrefix, b: IpPrefix): boolean {
  return a.family === b.family && a.network <= prefixLast(b) && b.network <= prefixLast(a);
}

/** `value` rounded up to a multiple of `block` (a power of two). */
export function alignUp(value: bigint, block: bigint): bigint {
  const rem = value % block;
  return rem === 0n ? value : value + (block - rem);
}
