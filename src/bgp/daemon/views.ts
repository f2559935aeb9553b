/** JSON views of the daemon's state, shared by the control API and `flatlab bgp` output. */
import type { PathAttributes } from '../wire/types.js';
import { LOCAL } from '../speaker/index.js';
import { parsePrefix, type ParsedPrefix } from '../policy/address.js';
import { WELL_KNOWN_COMMUNITIES } from '../wire/attributes/communities.js';
import { formatIp } from '../../net/ip.js';
import { FlatlabError } from '../../config/diagnostics.js';
import type { BgpDaemon } from './daemon.js';

/** A control request the daemon cannot answer as asked (HTTP 400/404 with this message and hint). */
export class ControlRequestError extends FlatlabError {
  constructor(code: string, what: string, hint: string, readonly status = 400) {
    super(`bgpd.control.${code}`, what, { hint });
  }
}

export interface NeighborView {
  name: string;
  address: string;
  remoteAs: number;
  state: string;
  /** Seconds in the current state (BIRD's "since"); the session's uptime when Established. */
  uptime: number;
  description?: string;
  /** Both sides advertised route refresh (RFC 2918), so a soft reset in asks the peer. */
  routeRefresh: boolean;
  prefixes: { received: number; accepted: number; advertised: number };
  messages: { received: Record<string, number>; sent: Record<string, number> };
}

export function neighborViews(d: BgpDaemon): NeighborView[] {
  return d.config.peers.map((p) => neighborView(d, p.name ?? p.address)!);
}

export function neighborView(d: BgpDaemon, id: string): NeighborView | undefined {
  const p = d.config.peers.find((x) => (x.name ?? x.address) === id);
  if (!p) return undefined;
  const counters = d.counters(id);
  return {
    name: id,
    address: p.address,
    remoteAs: p['remote-as'],
    state: d.speaker.sessionState(id),
    uptime: Math.round((d.uptimeMs() - d.peerSince(id)) / 1000),
    ...(p.description !== undefined ? { description: p.description } : {}),
    routeRefresh: d.speaker.peerRouteRefresh(id),
    prefixes: d.speaker.peerRouteCounts(id),
    messages: { received: Object.fromEntries(counters?.received.counts ?? []), sent: Object.fromEntries(counters?.sent.counts ?? []) },
  };
}

/** The neighbor a request names, or a 404 listing the known ones. */
export function knownPeer(d: BgpDaemon, id: string): string {
  if (d.config.peers.some((p) => (p.name ?? p.address) === id)) return id;
  const byAddress = d.config.peers.find((p) => p.address === id);
  if (byAddress) return byAddress.name ?? byAddress.address;
  throw new ControlRequestError('unknown-peer', `no neighbor "${id}"`, `neighbors: ${d.config.peers.map((p) => p.name ?? p.address).join(', ') || 'none'}`, 404);
}

export interface RouteView {
  prefix: string;
  from: string;
  asPath: number[];
  nextHop: string;
  origin?: string;
  localPref?: number;
  med?: number;
  communities: string[];
  largeCommunities: string[];
  /** Why this route is best (the decision step that chose it). */
  reason?: string;
}

export function routeView(prefix: string, a: PathAttributes, from: string, reason?: string): RouteView {
  return {
    prefix,
    from,
    asPath: (a.asPath ?? []).flatMap((s) => s.asns),
    nextHop: a.mpReach?.nextHop ?? a.nextHop ?? '',
    ...(a.origin !== undefined ? { origin: ['igp', 'egp', 'incomplete'][a.origin] } : {}),
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
    communities: (a.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`),
    largeCommunities: (a.largeCommunities ?? []).map((c) => c.join(':')),
    ...(reason ? { reason } : {}),
  };
}

// ------------------------------------------------------------------ RIB queries

export type RibTable = 'loc' | 'in' | 'out';

export interface RibQuery {
  table: RibTable;
  /** in/out: that peer only (all peers when absent); loc: routes whose best path is from it. */
  peer?: string;
  /** Adj-RIB-In before or after import policy. */
  policy: 'pre' | 'post';
  prefix?: ParsedPrefix;
  /** `exact`: that prefix; `longer`: it and every more specific one (BIRD's `show route in`). */
  match: 'exact' | 'longer';
  community?: number;
  largeCommunity?: readonly [number, number, number];
  limit?: number;
}

/** A RIB query from URL parameters: table, peer, policy, prefix, match, community, large-community, limit. */
export function parseRibQuery(q: URLSearchParams): RibQuery {
  const table = q.get('table') ?? 'loc';
  if (table !== 'loc' && table !== 'in' && table !== 'out') throw new ControlRequestError('bad-table', `unknown table "${table}"`, 'table is loc, in or out');
  const policy = q.get('policy') ?? 'post';
  if (policy !== 'pre' && policy !== 'post') throw new ControlRequestError('bad-policy', `policy "${policy}" is neither pre nor post`, 'policy=pre shows the Adj-RIB-In as received, policy=post after import policy');
  const match = q.get('match') ?? 'exact';
  if (match !== 'exact' && match !== 'longer') throw new ControlRequestError('bad-match', `match "${match}" is neither exact nor longer`, 'match=longer includes every more specific prefix');
  const query: RibQuery = { table, policy, match };
  const peer = q.get('peer');
  if (peer) query.peer = peer;
  const prefix = q.get('prefix');
  if (prefix) query.prefix = parseQueryPrefix(prefix);
  const community = q.get('community');
  if (community) query.community = parseCommunityText(community);
  const large = q.get('large-community');
  if (large) query.largeCommunity = parseLargeCommunityText(large);
  const limit = q.get('limit');
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1) throw new ControlRequestError('bad-limit', `limit "${limit}" is not a positive integer`, 'e.g. limit=100');
    query.limit = n;
  }
  return query;
}

/** `ADDRESS/LEN`, or a bare address as a host route. */
export function parseQueryPrefix(text: string): ParsedPrefix {
  const withLength = text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
  const p = parsePrefix(withLength);
  if (!p) throw new ControlRequestError('bad-prefix', `"${text}" is not a prefix`, 'write ADDRESS/LENGTH, e.g. 203.0.113.0/24 or 2001:db8::/32');
  return p;
}

/** `65000:100`, or an RFC 1997 well-known name (NO_EXPORT, no-export, …). */
export function parseCommunityText(text: string): number {
  const named = Object.entries(WELL_KNOWN_COMMUNITIES).find(([, name]) => name === text.toUpperCase().replace(/-/g, '_'));
  if (named) return Number(named[0]);
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  if (!m || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff) throw new ControlRequestError('bad-community', `"${text}" is not a community`, 'write ASN:VALUE (each 0-65535) or a well-known name such as NO_EXPORT');
  return ((Number(m[1]) << 16) | Number(m[2])) >>> 0;
}

export function parseLargeCommunityText(text: string): [number, number, number] {
  const m = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/.exec(text);
  const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || parts.some((x) => x > 0xffffffff)) throw new ControlRequestError('bad-large-community', `"${text}" is not a large community`, 'write GLOBAL:DATA1:DATA2 (each 0-4294967295), RFC 8092');
  return parts as [number, number, number];
}

/** The canonical text of a prefix (what the RIBs key on). */
export function prefixText(p: ParsedPrefix): string {
  return `${formatIp(p.family, p.value)}/${p.length}`;
}

/** Does a route pass the query's prefix and community filters? */
export function routeMatches(query: RibQuery, prefix: string, a: PathAttributes): boolean {
  if (query.prefix) {
    if (query.match === 'exact') {
      if (prefix !== prefixText(query.prefix)) return false;
    } else if (!covers(query.prefix, prefix)) return false;
  }
  if (query.community !== undefined && !(a.communities ?? []).includes(query.community)) return false;
  if (query.largeCommunity) {
    const [g, x, y] = query.largeCommunity;
    if (!(a.largeCommunities ?? []).some((c) => c[0] === g && c[1] === x && c[2] === y)) return false;
  }
  return true;
}

/** `outer` contains `prefix` (equal or more specific, same family). */
export function covers(outer: ParsedPrefix, prefix: string): boolean {
  const p = parsePrefix(prefix);
  if (!p || p.family !== outer.family || p.length < outer.length) return false;
  const bits = p.family === 'ipv4' ? 32 : 128;
  const shift = BigInt(bits - outer.length);
  return p.value >> shift === outer.value >> shift;
}

export interface RibRow extends RouteView {
  /** in/out tables: the neighbor whose table the row is from. */
  peer?: string;
  /** Adj-RIB-In rows with route flap damping on: the route's penalty, whether it is suppressed, seconds to reuse. */
  damping?: { penalty: number; suppressed: boolean; reuseIn: number; flaps: number };
}

/** Rows of one table, filtered, sorted by prefix (and peer), at most `limit`. */
export function ribView(d: BgpDaemon, query: RibQuery): RibRow[] {
  const rows: RibRow[] = [];
  const limit = query.limit ?? Infinity;
  const exact = query.prefix && query.match === 'exact' ? prefixText(query.prefix) : undefined;
  if (query.table === 'loc') {
    const peer = query.peer === undefined ? undefined : query.peer === 'local' ? LOCAL : knownPeer(d, query.peer);
    const routes = exact ? [d.speaker.bestRoute(exact)].filter((r) => r !== undefined) : d.speaker.locRibRoutes();
    for (const r of routes) {
      if (rows.length >= limit) break;
      if (peer !== undefined && r.from !== peer) continue;
      if (routeMatches(query, r.prefix, r.attributes)) rows.push(routeView(r.prefix, r.attributes, r.from, r.reason));
    }
    return rows;
  }
  const peers = query.peer ? [knownPeer(d, query.peer)] : d.config.peers.map((p) => p.name ?? p.address);
  for (const peer of peers) {
    const table = query.table === 'in' ? d.speaker.adjRibIn(peer, query.policy === 'pre' ? 'pre-policy' : 'post-policy') : d.speaker.adjRibOut(peer);
    const entries = exact ? [[exact, table.get(exact)] as const].filter((e): e is readonly [string, PathAttributes] => e[1] !== undefined) : [...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [prefix, a] of entries) {
      if (rows.length >= limit) return rows;
      if (!routeMatches(query, prefix, a)) continue;
      const damping = query.table === 'in' ? d.speaker.dampingState(peer, prefix) : undefined;
      rows.push({
        ...routeView(prefix, a, query.table === 'in' ? peer : 'local'),
        peer,
        ...(damping ? { damping: { penalty: Math.round(damping.penalty), suppressed: damping.suppressed, reuseIn: Math.ceil(damping.reuseIn), flaps: damping.flaps } } : {}),
      });
    }
  }
  return rows;
}
