/** FRR: `vtysh --vty_socket RUN -c 'show bgp … json'`, read as FRR 8.4 writes it. */
import { RuntimeError } from '../../errors.js';
import type { RouteObservation, SessionObservation, SessionState } from '../../runtime.js';
import { peerNodeName, type BgpObserver, type ObserveContext } from './observer.js';

interface SummaryPeer { remoteAs: number; state: string; pfxRcd?: number; peerUptimeMsec?: number }
type Summary = Record<string, { peers?: Record<string, SummaryPeer> }>;

interface FrrPath {
  aspath?: { string?: string; segments?: Array<{ list: number[] }> };
  nexthops?: Array<{ ip: string }>;
  locPrf?: number;
  metric?: number;
  community?: { string?: string };
  largeCommunity?: { string?: string };
  bestpath?: { overall?: boolean };
  peer?: { peerId?: string };
  /** Route flap damping (FRR 8.4 route_vty_out_detail): a damped path, and a withdrawn one kept for its penalty. */
  dampeningSuppressed?: boolean;
  dampeningHistoryEntry?: boolean;
}

const STATES: Record<string, SessionState> = { idle: 'idle', connect: 'connect', active: 'active', opensent: 'opensent', openconfirm: 'openconfirm', established: 'established' };

export function frrSessions(summary: Summary): Array<{ address: string; peer: SummaryPeer }> {
  const out: Array<{ address: string; peer: SummaryPeer }> = [];
  for (const family of Object.values(summary)) for (const [address, peer] of Object.entries(family.peers ?? {})) out.push({ address, peer });
  return out;
}

/** `paths` of `show bgp <afi> unicast PREFIX json` as observations (`from` left as the peer address). */
export function frrPaths(prefix: string, json: { paths?: FrrPath[] }): RouteObservation[] {
  // A history entry is a withdrawn route FRR keeps only for its damping penalty: no route at all.
  return (json.paths ?? []).filter((p) => p.dampeningHistoryEntry !== true).map((p) => ({
    prefix,
    best: p.bestpath?.overall === true,
    asPath: p.aspath?.segments ? p.aspath.segments.flatMap((s) => s.list) : (p.aspath?.string ?? '').replace(/[{}]/g, ' ').split(/[\s,]+/).filter(Boolean).map(Number),
    nextHop: p.nexthops?.[0]?.ip ?? '',
    ...(p.locPrf !== undefined ? { localPref: p.locPrf } : {}),
    ...(p.metric !== undefined ? { med: p.metric } : {}),
    communities: (p.community?.string ?? '').split(/\s+/).filter(Boolean),
    largeCommunities: (p.largeCommunity?.string ?? '').split(/\s+/).filter(Boolean),
    from: p.peer?.peerId && p.peer.peerId !== '0.0.0.0' && p.peer.peerId !== '::' ? p.peer.peerId : 'local',
    ...(p.dampeningSuppressed === true ? { suppressed: true } : {}),
  }));
}

async function vtysh<T>(ctx: ObserveContext, command: string): Promise<T> {
  const r = await ctx.exec(['vtysh', '--vty_socket', ctx.runDir, '-c', command]);
  const text = r.stdout.trim();
  if (r.exitCode !== 0 && !text.startsWith('{')) throw new RuntimeError('netns.frr', `vtysh on ${ctx.node.name} failed: ${(r.stderr || r.stdout).trim()}`, { hint: `is FRR running? see ${ctx.runDir}/bgpd.log` });
  return (text ? JSON.parse(text) : {}) as T;
}

export const frrObserver: BgpObserver = {
  async sessions(ctx) {
    return frrSessions(await vtysh<Summary>(ctx, 'show bgp summary json')).map(({ address, peer }): SessionObservation => ({
      peer: peerNodeName(ctx, address),
      peerAddress: address,
      peerAsn: peer.remoteAs,
      state: STATES[peer.state.split(/\s/)[0]!.toLowerCase()] ?? 'idle',
      ...(peer.peerUptimeMsec !== undefined ? { uptimeSeconds: Math.round(peer.peerUptimeMsec / 1000) } : {}),
      ...(peer.pfxRcd !== undefined ? { prefixesReceived: peer.pfxRcd } : {}),
    }));
  },
  async routes(ctx, prefix) {
    if (prefix === undefined) throw new RuntimeError('netns.frr', 'listing the whole FRR table is not supported by the observer', { hint: 'name a prefix' });
    const afi = prefix.includes(':') ? 'ipv6' : 'ipv4';
    const json = await vtysh<{ paths?: FrrPath[] }>(ctx, `show bgp ${afi} unicast ${prefix} json`);
    return frrPaths(prefix, json).map((r) => ({ ...r, from: r.from === 'local' ? 'local' : peerNodeName(ctx, r.from) }));
  },
};
