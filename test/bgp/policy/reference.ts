/**
 * A deliberately simple, slow reference interpreter of the policy model, written apart from
 * src/bgp/policy/ and sharing none of its code: everything is strings. Prefixes become strings
 * of bits, communities "a:b" text, the AS path a list of "seq"/"set" pieces. The property test
 * checks that the compiled engine agrees with it on random policies and routes.
 */
import type { Policy, PolicyTerm } from '../../../src/bgp/policy/model.js';

export interface RefSegment { kind: 'seq' | 'set' | 'confed-seq' | 'confed-set'; asns: number[] }

export interface RefRoute {
  prefix: string;
  origin: 'igp' | 'egp' | 'incomplete';
  asPath: RefSegment[];
  nextHop: string;
  med?: number;
  localPref?: number;
  /** "a:b" text. */
  communities: string[];
  /** "g:l1:l2" text. */
  largeCommunities: string[];
}

export interface RefResult {
  verdict: 'accept' | 'reject';
  route: RefRoute;
  trace: string[];
}

const WELL_KNOWN: Record<string, string> = {
  'no-export': '65535:65281', 'no-advertise': '65535:65282', 'no-export-subconfed': '65535:65283',
  'no-peer': '65535:65284', blackhole: '65535:666', 'graceful-shutdown': '65535:0',
};

function many<T>(x: T | T[] | undefined): T[] {
  if (x === undefined) return [];
  if (Array.isArray(x)) return x;
  return [x];
}

function bitsOfV4(addr: string): string {
  return addr.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
}

function bitsOfV6(addr: string): string {
  let groups: string[];
  if (addr.includes('::')) {
    const [l, r] = addr.split('::');
    const left = l ? l.split(':') : [];
    const right = r ? r.split(':') : [];
    const zeros: string[] = [];
    for (let i = 0; i < 8 - left.length - right.length; i++) zeros.push('0');
    groups = [...left, ...zeros, ...right];
  } else {
    groups = addr.split(':');
  }
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

function bitsOf(addr: string): string {
  return addr.includes(':') ? bitsOfV6(addr) : bitsOfV4(addr);
}

function prefixInPattern(prefix: string, pattern: string, ignoreLengths: boolean): boolean {
  const words = pattern.trim().split(/\s+/);
  const [net, lenText] = words[0]!.split('/');
  const len = Number(lenText);
  const max = net!.includes(':') ? 128 : 32;
  let ge = len;
  let le = len;
  for (let i = 1; i < words.length; i += 2) {
    if (words[i] === 'ge') { ge = Number(words[i + 1]); le = max; }
  }
  for (let i = 1; i < words.length; i += 2) {
    if (words[i] === 'le') le = Number(words[i + 1]);
  }
  if (ge < len) ge = len;
  const [addr, plenText] = prefix.includes('/') ? prefix.split('/') : [prefix, String(prefix.includes(':') ? 128 : 32)];
  if (addr!.includes(':') !== net!.includes(':')) return false;
  const plen = Number(plenText);
  if (!ignoreLengths && (plen < ge || plen > le)) return false;
  if (plen < len) return false;
  return bitsOf(addr!).slice(0, len) === bitsOf(net!).slice(0, len);
}

function communityMatches(c: string, pattern: string): boolean {
  const p = WELL_KNOWN[pattern] ?? pattern;
  const [pa, pv] = p.split(':');
  const [ca, cv] = c.split(':');
  return (pa === '*' || Number(pa) === Number(ca)) && (pv === '*' || Number(pv) === Number(cv));
}

function largeMatches(c: string, pattern: string): boolean {
  const cs = c.split(':');
  return pattern.split(':').every((p, i) => p === '*' || Number(p) === Number(cs[i]));
}

function pathLength(path: RefSegment[]): number {
  let n = 0;
  for (const s of path) {
    if (s.kind === 'seq') n += s.asns.length;
    if (s.kind === 'set') n += 1;
  }
  return n;
}

function pathString(path: RefSegment[]): string {
  const pieces: string[] = [];
  for (const s of path) {
    if (s.asns.length === 0) continue;
    if (s.kind === 'seq') pieces.push(s.asns.join(' '));
    if (s.kind === 'set') pieces.push('{' + s.asns.join(',') + '}');
    if (s.kind === 'confed-seq') pieces.push('(' + s.asns.join(' ') + ')');
    if (s.kind === 'confed-set') pieces.push('[' + s.asns.join(',') + ']');
  }
  return pieces.join(' ');
}

function conditionHolds(key: string, value: unknown, r: RefRoute): boolean {
  const v4 = !r.prefix.includes(':');
  switch (key) {
    case 'prefix': return many(value as string | string[]).some((p) => prefixInPattern(r.prefix, p, false));
    case 'family': return value === (v4 ? 'ipv4' : 'ipv6');
    case 'community': return r.communities.some((c) => many(value as string[]).some((p) => communityMatches(c, p)));
    case 'large-community': return r.largeCommunities.some((c) => many(value as string[]).some((p) => largeMatches(c, p)));
    case 'as-path-contains': return r.asPath.some((s) => s.asns.some((a) => many(value as number[]).includes(a)));
    case 'origin-as': {
      const last = r.asPath[r.asPath.length - 1];
      if (!last || last.kind !== 'seq' || last.asns.length === 0) return false;
      return many(value as number[]).includes(last.asns[last.asns.length - 1]!);
    }
    case 'neighbor-as': {
      const first = r.asPath.find((s) => s.kind === 'seq' || s.kind === 'set');
      if (!first || first.kind !== 'seq' || first.asns.length === 0) return false;
      return many(value as number[]).includes(first.asns[0]!);
    }
    case 'as-path-length': {
      const { ge, le } = value as { ge?: number; le?: number };
      const n = pathLength(r.asPath);
      return (ge === undefined || n >= ge) && (le === undefined || n <= le);
    }
    case 'as-path-regex': return new RegExp((value as string).split('_').join('(^|[,{}() ]|$)')).test(pathString(r.asPath));
    case 'origin': return r.origin === value;
    case 'next-hop': return many(value as string[]).some((p) => prefixInPattern(r.nextHop, p, true));
    default: throw new Error(`reference: unknown condition ${key}`);
  }
}

function termMatches(term: PolicyTerm, r: RefRoute): boolean {
  for (const [key, value] of Object.entries(term.match ?? {})) {
    if (value === undefined) continue;
    if (!conditionHolds(key, value, r)) return false;
  }
  return true;
}

function normCommunity(c: string): string {
  const t = WELL_KNOWN[c] ?? c;
  const [a, v] = t.split(':');
  return `${Number(a)}:${Number(v)}`;
}

function applySets(term: PolicyTerm, route: RefRoute, localAsn: number, sessionAddress: string | undefined): RefRoute {
  const r: RefRoute = JSON.parse(JSON.stringify(route));
  const s = term.set ?? {};
  if (s['local-pref'] !== undefined) r.localPref = s['local-pref'];
  if (s.med !== undefined) r.med = s.med;
  if (s.origin !== undefined) r.origin = s.origin;
  if (s['next-hop'] !== undefined) {
    if (s['next-hop'] !== 'self') r.nextHop = s['next-hop'];
    else if (sessionAddress !== undefined) r.nextHop = sessionAddress;
  }
  if (s.prepend !== undefined) {
    const asn = typeof s.prepend === 'number' ? localAsn : s.prepend.asn ?? localAsn;
    const count = typeof s.prepend === 'number' ? s.prepend : s.prepend.count;
    const added: number[] = [];
    for (let i = 0; i < count; i++) added.push(asn);
    r.asPath = [{ kind: 'seq', asns: added }, ...r.asPath];
  }
  if (s['community-set'] !== undefined) r.communities = [...new Set(s['community-set'].map(normCommunity))];
  if (s['community-remove'] !== undefined) r.communities = r.communities.filter((c) => !many(s['community-remove']).some((p) => communityMatches(c, p)));
  if (s['community-add'] !== undefined) for (const c of many(s['community-add']).map(normCommunity)) if (!r.communities.includes(c)) r.communities.push(c);
  if (s['large-community-set'] !== undefined) r.largeCommunities = [...new Set(s['large-community-set'].map((c) => c.split(':').map(Number).join(':')))];
  if (s['large-community-remove'] !== undefined) r.largeCommunities = r.largeCommunities.filter((c) => !many(s['large-community-remove']).some((p) => largeMatches(c, p)));
  if (s['large-community-add'] !== undefined) {
    for (const c of many(s['large-community-add']).map((x) => x.split(':').map(Number).join(':'))) if (!r.largeCommunities.includes(c)) r.largeCommunities.push(c);
  }
  return r;
}

export function referenceEvaluate(chain: Array<{ name: string; policy: Policy }>, route: RefRoute, localAsn: number, sessionAddress?: string): RefResult {
  const trace: string[] = [];
  let r = route;
  for (const { name, policy } of chain) {
    for (let i = 0; i < policy.length; i++) {
      const term = policy[i]!;
      if (!termMatches(term, r)) {
        trace.push(`${name}#${i}:no`);
        continue;
      }
      trace.push(`${name}#${i}:${term.action}`);
      if (term.action === 'reject') return { verdict: 'reject', route, trace };
      r = applySets(term, r, localAsn, sessionAddress);
      if (term.action === 'accept') return { verdict: 'accept', route: r, trace };
    }
  }
  return { verdict: 'reject', route, trace };
}
