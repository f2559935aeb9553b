/** GoBGP 3.10: `gobgp neighbor -j` and `gobgp global rib -a AFI PREFIX -j`, read as gobgp prints them. */
import { RuntimeError } from '../../errors.js';
import type { RouteObservation, SessionObservation, SessionState } from '../../runtime.js';
import { peerNodeName, type BgpObserver, type ObserveContext } from './observer.js';

/** apipb.PeerState.SessionState. */
const SESSION_STATES: Record<number, SessionState> = { 1: 'idle', 2: 'connect', 3: 'active', 4: 'opensent', 5: 'openconfirm', 6: 'established' };

interface GobgpNeighbor { conf?: { neighbor_address?: string; peer_asn?: number }; state?: { neighbor_address?: string; peer_asn?: number; session_state?: number } }
type GobgpAttr =
  | { type: 2; as_paths?: Array<{ asns?: number[] }> }
  | { type: 3; nexthop?: string }
  | { type: 4; metric?: number }
  | { type: 5; value?: number }
  | { type: 8; communities?: number[] }
  | { type: 14; nexthop?: string; nexthops?: string[] }
  | { type: 32; value?: Array<{ ASN: number; LocalData1: number; LocalData2: number }> }
  | { type: number };
interface GobgpPath { best?: boolean; attrs?: GobgpAttr[]; 'neighbor-ip'?: string }

export function gobgpSessions(neighbors: GobgpNeighbor[]): Array<{ address: string; asn: number; state: SessionState }> {
  return neighbors.map((n) => ({
    address: n.state?.neighbor_address ?? n.conf?.neighbor_address ?? '',
    asn: n.state?.peer_asn ?? n.conf?.peer_asn ?? 0,
    state: SESSION_STATES[n.state?.session_state ?? 1] ?? 'idle',
  }));
}

/** Paths of one prefix; `from` is the neighbour address, or `local` for our own routes. */
export function gobgpPaths(prefix: string, rib: Record<string, GobgpPath[]>): RouteObservation[] {
  return (rib[prefix] ?? []).map((p) => {
    const attr = <T extends number>(type: T) => p.attrs?.find((a) => a.type === type) as Extract<GobgpAttr, { type: T }> | undefined;
    // GoBGP 3.10 prints MP_REACH_NLRI's next hop as `nexthop` (one string); `nexthops` is kept for other versions.
    const nextHop = attr(3)?.nexthop ?? attr(14)?.nexthop ?? attr(14)?.nexthops?.[0] ?? '';
    const med = attr(4)?.metric;
    const localPref = attr(5)?.value;
    return {
      prefix,
      best: p.best === true,
      asPath: (attr(2)?.as_paths ?? []).flatMap((s) => s.asns ?? []),
      nextHop,
      ...(localPref !== undefined ? { localPref } : {}),
      ...(med !== undefined ? { med } : {}),
      communities: (attr(8)?.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`),
      largeCommunities: (attr(32)?.value ?? []).map((c) => `${c.ASN}:${c.LocalData1}:${c.LocalData2}`),
      from: p['neighbor-ip'] ?? 'local',
    };
  });
}

async function gobgp<T>(ctx: ObserveContext, args: string[]): Promise<T> {
  // The kind starts gobgpd with its API on 127.0.0.1:50051 inside the node's namespace.
  const r = await ctx.exec(['gobgp', '-u', '127.0.0.1', '-p', '50051', ...args, '-j']);
  if (r.exitCode !== 0) throw new RuntimeError('netns.gobgp', `gobgp on ${ctx.node.name} failed: ${(r.stderr || r.stdout).trim()}`, { hint: `is gobgpd running? see ${ctx.runDir}/gobgpd.log` });
  return JSON.parse(r.stdout.trim() || 'null') as T;
}

export const gobgpObserver: BgpObserver = {
  async sessions(ctx) {
    return gobgpSessions((await gobgp<GobgpNeighbor[] | null>(ctx, ['neighbor'])) ?? []).map((s): SessionObservation => ({ peer: peerNodeName(ctx, s.address), peerAddress: s.address, peerAsn: s.asn, state: s.state }));
  },
  async routes(ctx, prefix) {
    if (prefix === undefined) throw new RuntimeError('netns.gobgp', 'listing the whole GoBGP table is not supported by the observer', { hint: 'name a prefix' });
    const rib = (await gobgp<Record<string, GobgpPath[]> | null>(ctx, ['global', 'rib', '-a', prefix.includes(':') ? 'ipv6' : 'ipv4', prefix])) ?? {};
    return gobgpPaths(prefix, rib).map((r) => ({ ...r, from: r.from === 'local' ? 'local' : peerNodeName(ctx, r.from) }));
  },
};
