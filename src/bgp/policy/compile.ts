/**
 * Compiles the vendor-neutral policy model (model.ts) once into conditions and actions as
 * discriminated unions, so evaluation never parses text: prefixes are bigints, communities
 * numbers, the AS-path regex a RegExp.
 */
import type { Origin } from '../wire/types.js';
import type { Policy, PolicyMatch, PolicySet } from './model.js';
import { parsePrefixMatch, wellKnownCommunities } from './model.js';
import { FAMILY_BITS, parseAddress, parsePrefix, type AddressFamily } from './address.js';
import { PolicyCompileError } from './errors.js';

export interface PrefixRange {
  family: AddressFamily;
  /** The pattern's network, shifted right so only its `length` significant bits remain. */
  top: bigint;
  length: number;
  ge: number;
  le: number;
}

/** `undefined` halves are wildcards. */
export interface CommunityPattern { asn: number | undefined; value: number | undefined }
export type LargeCommunityPattern = readonly [number | undefined, number | undefined, number | undefined];

export type Condition =
  | { kind: 'prefix'; ranges: PrefixRange[] }
  | { kind: 'family'; family: AddressFamily }
  | { kind: 'community'; patterns: CommunityPattern[] }
  | { kind: 'large-community'; patterns: LargeCommunityPattern[] }
  | { kind: 'as-path-contains'; asns: ReadonlySet<number> }
  | { kind: 'origin-as'; asns: ReadonlySet<number> }
  | { kind: 'neighbor-as'; asns: ReadonlySet<number> }
  | { kind: 'as-path-length'; ge: number; le: number }
  | { kind: 'as-path-regex'; source: string; regex: RegExp }
  | { kind: 'origin'; origin: Origin }
  | { kind: 'next-hop'; ranges: PrefixRange[] };

export type Action =
  | { kind: 'local-pref'; value: number }
  | { kind: 'med'; value: number }
  | { kind: 'origin'; origin: Origin }
  | { kind: 'next-hop-self' }
  | { kind: 'next-hop'; address: string }
  | { kind: 'prepend'; asn: number | undefined; count: number }
  | { kind: 'community-set'; communities: number[] }
  | { kind: 'community-remove'; patterns: CommunityPattern[] }
  | { kind: 'community-add'; communities: number[] }
  | { kind: 'large-community-set'; communities: Array<readonly [number, number, number]> }
  | { kind: 'large-community-remove'; patterns: LargeCommunityPattern[] }
  | { kind: 'large-community-add'; communities: Array<readonly [number, number, number]> };

export interface CompiledTerm {
  name: string | undefined;
  conditions: Condition[];
  actions: Action[];
  verdict: 'accept' | 'reject' | 'next';
}

export interface CompiledPolicy {
  terms: CompiledTerm[];
}

export const ORIGIN_CODES: Record<'igp' | 'egp' | 'incomplete', Origin> = { igp: 0, egp: 1, incomplete: 2 };

const listOf = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * FRR's `_` (bgpd/bgp_regex.c): start, end, or one of `,{}()` and space; GoBGP follows it.
 * The boundary character is consumed, as in FRR, so `_65001_65002_` matches "65001 65002".
 */
export const AS_PATH_BOUNDARY = '(?:^|[,{}() ]|$)';

export function asPathRegex(source: string): RegExp {
  return new RegExp(source.replace(/_/g, AS_PATH_BOUNDARY));
}

const cache = new WeakMap<Policy, CompiledPolicy>();

/** Compile (memoised per policy object: the same resolved policy is shared by many peers). */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const hit = cache.get(policy);
  if (hit) return hit;
  const compiled: CompiledPolicy = {
    terms: policy.map((term, t) => ({
      name: term.name,
      conditions: term.match ? compileMatch(term.match, t) : [],
      actions: term.set ? compileSet(term.set, t) : [],
      verdict: term.action,
    })),
  };
  cache.set(policy, compiled);
  return compiled;
}

function compileRanges(texts: string[], term: number, key: string, containment: boolean): PrefixRange[] {
  return texts.map((text) => {
    const m = parsePrefixMatch(text);
    const p = m ? parsePrefix(m.prefix) : undefined;
    if (!m || !p) throw new PolicyCompileError({ term, key }, `"${text}" is not a prefix match`, 'write PREFIX/LEN [ge N] [le M], e.g. "203.0.113.0/24 le 28"');
    const bits = FAMILY_BITS[p.family];
    // A next-hop condition asks whether the address lies inside the prefix: any host length.
    const ge = containment ? p.length : Math.max(m.ge, p.length);
    const le = containment ? bits : Math.min(m.le, bits);
    return { family: p.family, top: p.value >> BigInt(bits - p.length), length: p.length, ge, le };
  });
}

function communityPattern(text: string): CommunityPattern {
  const known = (wellKnownCommunities as Record<string, number>)[text];
  if (known !== undefined) return { asn: known >>> 16, value: known & 0xffff };
  const [a, v] = text.split(':');
  return { asn: a === '*' ? undefined : Number(a), value: v === '*' ? undefined : Number(v) };
}

export function communityValue(text: string, term: number, key: string): number {
  const p = communityPattern(text);
  if (p.asn === undefined || p.value === undefined || p.asn > 0xffff || p.value > 0xffff || Number.isNaN(p.asn) || Number.isNaN(p.value)) {
    throw new PolicyCompileError({ term, key }, `"${text}" is not a community`, 'write ASN:VALUE with both halves 0-65535, or a well-known name such as no-export');
  }
  return ((p.asn << 16) | p.value) >>> 0;
}

function largePattern(text: string): LargeCommunityPattern {
  const parts = text.split(':').map((x) => (x === '*' ? undefined : Number(x)));
  return [parts[0], parts[1], parts[2]];
}

function largeValue(text: string, term: number, key: string): readonly [number, number, number] {
  const [g, a, b] = largePattern(text);
  for (const x of [g, a, b]) {
    if (x === undefined || !(x >= 0 && x <= 0xffffffff)) throw new PolicyCompileError({ term, key }, `"${text}" is not a large community`, 'write GLOBAL:DATA1:DATA2, each 0-4294967295');
  }
  return [g!, a!, b!];
}

function compileMatch(match: PolicyMatch, term: number): Condition[] {
  const out: Condition[] = [];
  // One entry per key, in a fixed order: cheap checks first, the regex last.
  if (match.family !== undefined) out.push({ kind: 'family', family: match.family });
  if (match.origin !== undefined) out.push({ kind: 'origin', origin: ORIGIN_CODES[match.origin] });
  if (match.prefix !== undefined) out.push({ kind: 'prefix', ranges: compileRanges(listOf(match.prefix), term, 'prefix', false) });
  if (match['next-hop'] !== undefined) out.push({ kind: 'next-hop', ranges: compileRanges(listOf(match['next-hop']), term, 'next-hop', true) });
  if (match.community !== undefined) out.push({ kind: 'community', patterns: listOf(match.community).map(communityPattern) });
  if (match['large-community'] !== undefined) out.push({ kind: 'large-community', patterns: listOf(match['large-community']).map(largePattern) });
  if (match['as-path-contains'] !== undefined) out.push({ kind: 'as-path-contains', asns: new Set(listOf(match['as-path-contains'])) });
  if (match['origin-as'] !== undefined) out.push({ kind: 'origin-as', asns: new Set(listOf(match['origin-as'])) });
  if (match['neighbor-as'] !== undefined) out.push({ kind: 'neighbor-as', asns: new Set(listOf(match['neighbor-as'])) });
  const len = match['as-path-length'];
  if (len !== undefined) out.push({ kind: 'as-path-length', ge: len.ge ?? 0, le: len.le ?? Number.POSITIVE_INFINITY });
  const re = match['as-path-regex'];
  if (re !== undefined) {
    let regex: RegExp;
    try {
      regex = asPathRegex(re);
    } catch (err) {
      throw new PolicyCompileError({ term, key: 'as-path-regex' }, `"${re}" is not a valid regular expression (${(err as Error).message})`, 'ASNs are separated by spaces; "_" matches a boundary, e.g. "^65001_" or "_65002$"');
    }
    out.push({ kind: 'as-path-regex', source: re, regex });
  }
  return out;
}

function compileSet(set: PolicySet, term: number): Action[] {
  const out: Action[] = [];
  if (set['local-pref'] !== undefined) out.push({ kind: 'local-pref', value: set['local-pref'] });
  if (set.med !== undefined) out.push({ kind: 'med', value: set.med });
  if (set.origin !== undefined) out.push({ kind: 'origin', origin: ORIGIN_CODES[set.origin] });
  const nh = set['next-hop'];
  if (nh !== undefined) {
    if (nh === 'self') out.push({ kind: 'next-hop-self' });
    else if (parseAddress(nh)) out.push({ kind: 'next-hop', address: nh });
    else throw new PolicyCompileError({ term, key: 'set.next-hop' }, `"${nh}" is neither "self" nor an IP address`, 'write next-hop: self, or an IPv4/IPv6 address');
  }
  if (set.prepend !== undefined) {
    const p = set.prepend;
    out.push(typeof p === 'number' ? { kind: 'prepend', asn: undefined, count: p } : { kind: 'prepend', asn: p.asn, count: p.count });
  }
  // Communities: replace, then remove, then add (a term may combine them; this order lets
  // `community-set: []` plus `community-add` mean "exactly these", as BIRD's statement order would).
  if (set['community-set'] !== undefined) out.push({ kind: 'community-set', communities: set['community-set'].map((c) => communityValue(c, term, 'set.community-set')) });
  if (set['community-remove'] !== undefined) out.push({ kind: 'community-remove', patterns: listOf(set['community-remove']).map(communityPattern) });
  if (set['community-add'] !== undefined) out.push({ kind: 'community-add', communities: listOf(set['community-add']).map((c) => communityValue(c, term, 'set.community-add')) });
  if (set['large-community-set'] !== undefined) out.push({ kind: 'large-community-set', communities: set['large-community-set'].map((c) => largeValue(c, term, 'set.large-community-set')) });
  if (set['large-community-remove'] !== undefined) out.push({ kind: 'large-community-remove', patterns: listOf(set['large-community-remove']).map(largePattern) });
  if (set['large-community-add'] !== undefined) out.push({ kind: 'large-community-add', communities: listOf(set['large-community-add']).map((c) => largeValue(c, term, 'set.large-community-add')) });
  return out;
}
