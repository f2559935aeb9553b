/**
 * What every policy translator (BIRD, FRR, GoBGP) needs from the vendor-neutral model before
 * writing its own syntax: chains resolved to policies (with the built-ins `all` / `none`),
 * list-or-single conditions normalised to lists, communities parsed, prefix matches split by
 * address family, and the sessions of one node seen from that node's side.
 *
 * The semantics being translated are in src/bgp/policy/model.ts and docs/policy.md.
 */
import type { Policy, PolicyMatch, PolicyTerm } from '../bgp/policy/model.js';
import { parsePrefixMatch, wellKnownCommunities } from '../bgp/policy/model.js';
import type { AddressFamily, BgpSession, BgpSessionEnd, Lab, LabNode } from '../topology/lab.js';
import { FlatlabError } from '../config/diagnostics.js';

/** A policy construct a daemon cannot express; names node, policy and term so the user can find it. */
export class PolicyTranslationError extends FlatlabError {
  constructor(where: { daemon: string; node: string; policy?: string; term?: number; termName?: string }, what: string, hint: string) {
    const term = where.term === undefined ? '' : `, term ${where.term + 1}${where.termName ? ` (${where.termName})` : ''}`;
    const policy = where.policy === undefined ? '' : ` policy "${where.policy}"${term}`;
    super('emit.policy-unsupported', `${where.daemon} cannot express${policy} on node ${where.node}: ${what}`, { hint });
  }
}

/** The lab cannot be written for this daemon for a reason other than policy (missing data, unsupported setting). */
export class ConfigWriterError extends FlatlabError {
  constructor(daemon: string, node: string, what: string, hint: string) {
    super('emit.config-unsupported', `${daemon} config for node ${node}: ${what}`, { hint });
  }
}

export const BUILTIN_POLICY_TERMS: Readonly<Record<'all' | 'none', Policy>> = {
  all: [{ action: 'accept' }],
  none: [{ action: 'reject' }],
};

/** The policy named `name` in the lab, or a built-in; throws when neither exists (the topology validator should have caught it). */
export function resolvePolicy(lab: Lab, node: LabNode, name: string): Policy {
  const own = lab.policies[name];
  if (own) return own;
  if (name === 'all' || name === 'none') return BUILTIN_POLICY_TERMS[name];
  throw new ConfigWriterError('policy', node.name, `unknown policy "${name}"`, `define it under policies: in the topology, or use the built-ins all / none`);
}

/**
 * Every policy name used by this node's sessions, in first-use order. Two names that become the
 * same identifier in a daemon's config (`a-b` and `a_b`) would collide there, so that is reported.
 */
export function policiesUsedBy(sessions: readonly NodeSession[]): string[] {
  const seen = new Set<string>();
  for (const s of sessions) for (const name of [...s.local.import, ...s.local.export]) seen.add(name);
  const byIdentifier = new Map<string, string>();
  for (const name of seen) {
    const other = byIdentifier.get(identifier(name));
    const node = sessions[0]?.local.node ?? '?';
    if (other !== undefined) throw new ConfigWriterError('policy', node, `policy names "${other}" and "${name}" differ only in punctuation and would collide in daemon configs`, 'rename one of them');
    byIdentifier.set(identifier(name), name);
  }
  return [...seen];
}

/** A BGP session seen from one of its ends. */
export interface NodeSession {
  session: BgpSession;
  family: AddressFamily;
  type: 'ebgp' | 'ibgp';
  /** Over loopbacks (multihop) rather than a link. */
  loopback: boolean;
  local: BgpSessionEnd;
  remote: BgpSessionEnd;
  /** Bare addresses (no prefix length). */
  localAddress: string;
  remoteAddress: string;
  /** This node treats the peer as a route-reflector client. */
  reflectsToPeer: boolean;
}

export function bareAddress(address: string): string {
  const slash = address.indexOf('/');
  return slash < 0 ? address : address.slice(0, slash);
}

export function addressFamilyOf(address: string): AddressFamily {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/** The node's sessions in lab order (the lab sorts them deterministically). */
/** Sessions by node, built once per lab: writers ask for every node, and a scan each is quadratic. */
const sessionsByNode = new WeakMap<Lab['sessions'], Map<string, Lab['sessions']>>();

function sessionsTouching(lab: Lab, node: string): Lab['sessions'] {
  let index = sessionsByNode.get(lab.sessions);
  if (!index) {
    index = new Map();
    for (const s of lab.sessions) {
      for (const end of s.a.node === s.b.node ? [s.a.node] : [s.a.node, s.b.node]) {
        const list = index.get(end);
        if (list) list.push(s);
        else index.set(end, [s]);
      }
    }
    sessionsByNode.set(lab.sessions, index);
  }
  return index.get(node) ?? [];
}

export function sessionsOf(lab: Lab, node: LabNode): NodeSession[] {
  const out: NodeSession[] = [];
  for (const session of sessionsTouching(lab, node.name)) {
    const mine = session.a.node === node.name ? session.a : session.b.node === node.name ? session.b : undefined;
    if (!mine) continue;
    const other = mine === session.a ? session.b : session.a;
    out.push({
      session,
      family: session.family,
      type: session.type,
      loopback: session.via === 'loopback',
      local: mine,
      remote: other,
      localAddress: bareAddress(mine.address),
      remoteAddress: bareAddress(other.address),
      reflectsToPeer: mine.routeReflectorClient,
    });
  }
  return out;
}

/** `undefined | T | T[]` → `T[]`. */
export function listOf<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export interface FamilyPrefix {
  family: AddressFamily;
  prefix: string;
  length: number;
  /** Inclusive length range, clamped so `ge` is at least the prefix length (shorter prefixes cannot lie inside it anyway). */
  ge: number;
  le: number;
  exact: boolean;
}

export function parsePrefixMatches(texts: readonly string[]): FamilyPrefix[] {
  return texts.map((text) => {
    const p = parsePrefixMatch(text);
    if (!p) throw new FlatlabError('emit.bad-prefix-match', `"${text}" is not a prefix match`, { hint: 'write PREFIX/LEN [ge N] [le M]' });
    const family: AddressFamily = p.prefix.includes(':') ? 'ipv6' : 'ipv4';
    const ge = Math.max(p.ge, p.length);
    const le = Math.max(p.le, ge);
    return { family, prefix: p.prefix, length: p.length, ge, le, exact: ge === p.length && le === p.length };
  });
}

/** A standard community pattern: `undefined` halves are wildcards. */
export interface CommunityPattern {
  asn?: number;
  value?: number;
  /** The well-known name it was written as, if any. */
  name?: string;
}

export function parseCommunityPattern(text: string): CommunityPattern {
  const known = (wellKnownCommunities as Record<string, number>)[text];
  if (known !== undefined) return { asn: known >>> 16, value: known & 0xffff, name: text };
  const [a, v] = text.split(':');
  return { ...(a !== '*' ? { asn: Number(a) } : {}), ...(v !== '*' ? { value: Number(v) } : {}) };
}

export function isWildcardCommunity(p: CommunityPattern): boolean {
  return p.asn === undefined || p.value === undefined;
}

/** A large community pattern (RFC 8092): `undefined` parts are wildcards. */
export type LargeCommunityPattern = [number | undefined, number | undefined, number | undefined];

export function parseLargeCommunityPattern(text: string): LargeCommunityPattern {
  const parts = text.split(':').map((p) => (p === '*' ? undefined : Number(p)));
  return [parts[0], parts[1], parts[2]];
}

export function isWildcardLarge(p: LargeCommunityPattern): boolean {
  return p.some((x) => x === undefined);
}

/** The conditions of a term that restrict the address family, resolved: which families can this term match at all? */
export function termFamilies(match: PolicyMatch | undefined): AddressFamily[] {
  const all: AddressFamily[] = ['ipv4', 'ipv6'];
  if (!match) return all;
  let fams = all;
  if (match.family) fams = fams.filter((f) => f === match.family);
  if (match.prefix !== undefined) {
    const pf = new Set(parsePrefixMatches(listOf(match.prefix)).map((p) => p.family));
    fams = fams.filter((f) => pf.has(f));
  }
  return fams;
}

/** The ASN a `prepend` set action prepends, and how many times. */
export function prependOf(set: NonNullable<PolicyTerm['set']>['prepend'], ownAsn: number): { asn: number; count: number } | undefined {
  if (set === undefined) return undefined;
  if (typeof set === 'number') return { asn: ownAsn, count: set };
  return { asn: set.asn ?? ownAsn, count: set.count };
}

/** A name safe as an identifier in every daemon's config language: letters, digits and `_`. */
export function identifier(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

export const ORIGIN_KEYWORDS = ['igp', 'egp', 'incomplete'] as const;

/**
 * The AS-path conditions of a term as regular expressions in the FRR/GoBGP dialect (ASNs
 * separated by spaces, `_` for a boundary), one per condition that needs one. neighbor-as and
 * origin-as together become one expression. Both daemons match at most one AS-path list per
 * route-map entry / statement, so the translators report a term that needs more than one.
 */
export function asPathRegexes(m: PolicyMatch, opts: { nativeLength: boolean }): Array<{ condition: string; regex: string }> {
  const out: Array<{ condition: string; regex: string }> = [];
  const alt = (asns: number[]): string => (asns.length === 1 ? String(asns[0]) : `(${asns.join('|')})`);
  if (m['as-path-regex'] !== undefined) out.push({ condition: 'as-path-regex', regex: m['as-path-regex'] });
  if (m['as-path-contains'] !== undefined) out.push({ condition: 'as-path-contains', regex: `_${alt(listOf(m['as-path-contains']))}_` });
  const n = m['neighbor-as'] === undefined ? undefined : listOf(m['neighbor-as']);
  const o = m['origin-as'] === undefined ? undefined : listOf(m['origin-as']);
  if (n && o) {
    const both = n.filter((a) => o.includes(a));
    const single = both.length > 0 ? `|^${alt(both)}$` : '';
    out.push({ condition: 'neighbor-as and origin-as', regex: `^${alt(n)}_(.*_)?${alt(o)}$${single}` });
  } else if (n) out.push({ condition: 'neighbor-as', regex: `^${alt(n)}_` });
  else if (o) out.push({ condition: 'origin-as', regex: `_${alt(o)}$` });
  const len = m['as-path-length'];
  if (len && !(opts.nativeLength && nativeLengthBound(len))) {
    const regex = asPathLengthRegex(len.ge ?? 0, len.le);
    if (regex !== undefined) out.push({ condition: 'as-path-length', regex });
  }
  return out;
}

/** GoBGP's as-path-length condition takes one operator: eq, ge or le. */
export function nativeLengthBound(len: { ge?: number; le?: number }): { operator: 'eq' | 'ge' | 'le'; value: number } | undefined {
  if (len.ge !== undefined && len.le !== undefined) return len.ge === len.le ? { operator: 'eq', value: len.ge } : undefined;
  if (len.ge !== undefined) return { operator: 'ge', value: len.ge };
  if (len.le !== undefined) return { operator: 'le', value: len.le };
  return undefined;
}

/** One AS_PATH element as the daemons print it: an ASN or an AS_SET `{a,b}` (which counts 1, as RFC 4271 §9.1.2.2). */
const AS_TOKEN = '([0-9]+|\\{[0-9, ]+\\})';

/** A regex matching paths of `min`..`max` elements; undefined when every path matches. */
export function asPathLengthRegex(min: number, max: number | undefined): string | undefined {
  if (max === undefined) return min === 0 ? undefined : `^${AS_TOKEN}( ${AS_TOKEN}){${min - 1},}$`;
  if (max < min) return '^x$'; // empty range: a path never contains x
  if (max === 0) return '^$';
  if (min === 0) return `^(${AS_TOKEN}( ${AS_TOKEN}){0,${max - 1}})?$`;
  return `^${AS_TOKEN}( ${AS_TOKEN}){${min - 1},${max - 1}}$`;
}

/** Whether a community value (`A:B`) is matched by a pattern whose halves may be `*`. */
export function communityMatches(pattern: string, value: string): boolean {
  const p = parseCommunityPattern(pattern);
  const v = parseCommunityPattern(value);
  return (p.asn === undefined || p.asn === v.asn) && (p.value === undefined || p.value === v.value);
}

/** Whether a large community value (`G:D1:D2`) is matched by a pattern whose parts may be `*`. */
export function largeMatches(pattern: string, value: string): boolean {
  const p = parseLargeCommunityPattern(pattern);
  const v = parseLargeCommunityPattern(value);
  return p.every((x, i) => x === undefined || x === v[i]);
}
