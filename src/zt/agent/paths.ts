/**
 * Choosing how to reach a peer, as ZeroTier does between direct paths and relaying through a
 * root: every candidate underlay endpoint (what the controller saw, what the peer reported,
 * where the peer's packets came from) is probed with an ECHO each interval; a path is alive
 * while its last answer is younger than `aliveMs`. Among alive paths the one whose address has
 * the narrowest scope wins (a private LAN address over a global one: ZeroTier ranks paths by
 * address scope too), then the lowest round trip; with none alive the packet goes through the
 * first root. Pure: time comes in.
 */
export interface PathRecord {
  endpoint: string;
  lastReply?: number;
  rttMs?: number;
  /** Learnt from an incoming packet rather than told by the controller. */
  learned: boolean;
}

export interface PathTable {
  paths: Map<string, PathRecord>;
}

export const PATH_ALIVE_MS = 3_500;

export function newPathTable(endpoints: readonly string[]): PathTable {
  return { paths: new Map(endpoints.map((e) => [e, { endpoint: e, learned: false }])) };
}

/** Merge the controller's latest endpoint list, keeping what we measured. */
export function updateEndpoints(t: PathTable, endpoints: readonly string[]): PathTable {
  const paths = new Map<string, PathRecord>();
  for (const e of endpoints) paths.set(e, t.paths.get(e) ?? { endpoint: e, learned: false });
  for (const [e, p] of t.paths) if (p.learned && !paths.has(e)) paths.set(e, p);
  return { paths };
}

export function learnPath(t: PathTable, endpoint: string): void {
  if (!t.paths.has(endpoint)) t.paths.set(endpoint, { endpoint, learned: true });
}

export function recordReply(t: PathTable, endpoint: string, now: number, rttMs: number): void {
  const p = t.paths.get(endpoint) ?? { endpoint, learned: true };
  p.lastReply = now;
  p.rttMs = p.rttMs === undefined ? rttMs : p.rttMs * 0.7 + rttMs * 0.3;
  t.paths.set(endpoint, p);
}

export type Route = { kind: 'direct'; endpoint: string } | { kind: 'relay' };

/** Address scope rank, higher preferred: RFC 1918 private, then shared (RFC 6598), then everything else. */
export function scopeRank(endpoint: string): number {
  const [a, b] = endpoint.split(':')[0]!.split('.').map(Number) as [number, number];
  if (a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)) return 2;
  if (a === 100 && b >= 64 && b < 128) return 1;
  return 0;
}

export function chooseRoute(t: PathTable, now: number, aliveMs = PATH_ALIVE_MS): Route {
  let best: PathRecord | undefined;
  for (const p of t.paths.values()) {
    if (p.lastReply === undefined || now - p.lastReply > aliveMs) continue;
    const better = !best || scopeRank(p.endpoint) > scopeRank(best.endpoint) || (scopeRank(p.endpoint) === scopeRank(best.endpoint) && (p.rttMs ?? Infinity) < (best.rttMs ?? Infinity));
    if (better) best = p;
  }
  // Forget learnt paths that went quiet, so a NAT mapping that changed does not linger.
  for (const [e, p] of t.paths) if (p.learned && p.lastReply !== undefined && now - p.lastReply > 10 * aliveMs) t.paths.delete(e);
  return best ? { kind: 'direct', endpoint: best.endpoint } : { kind: 'relay' };
}
