/** flatlab bgpd: its control API on the unix socket the netns runtime gave it. */
import { request } from 'node:http';
import { RuntimeError } from '../../errors.js';
import type { RouteObservation, SessionObservation, SessionState } from '../../runtime.js';
import { peerNodeName, type BgpObserver, type ObserveContext } from './observer.js';

export function controlSocket(runDir: string): string {
  return `${runDir}/bgpd.sock`;
}

function get<T>(ctx: ObserveContext, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: controlSocket(ctx.runDir), path, method: 'GET', timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(new RuntimeError('netns.bgpd', `cannot reach flatlab bgpd on ${ctx.node.name}: ${err.message}`, { hint: `is it running? see ${ctx.runDir}/` })));
    req.end();
  });
}

interface NeighborJson { name: string; address: string; remoteAs: number; state: string; uptime: number; prefixes: { received: number; accepted: number } }
interface RouteJson { prefix: string; from: string; asPath: number[]; nextHop: string; localPref?: number; med?: number; communities: string[]; largeCommunities: string[]; damping?: { suppressed: boolean } }

export const flatlabBgpdObserver: BgpObserver = {
  async sessions(ctx) {
    const ns = await get<NeighborJson[]>(ctx, '/neighbors');
    return ns.map((n): SessionObservation => ({
      peer: peerNodeName(ctx, n.address),
      peerAddress: n.address,
      peerAsn: n.remoteAs,
      state: n.state.toLowerCase() as SessionState,
      uptimeSeconds: n.uptime,
      prefixesReceived: n.prefixes.received,
      prefixesAccepted: n.prefixes.accepted,
    }));
  },
  async routes(ctx, prefix) {
    // Routes name the bgpd.yml peer they came from, which is `<node>-<family>` when a node has
    // sessions in both families: map the name to the peer's address, then to its lab node.
    const [rs, ns, held] = await Promise.all([
      get<RouteJson[]>(ctx, `/rib${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ''}`),
      get<NeighborJson[]>(ctx, '/neighbors'),
      // Paths route flap damping holds back are in the Adj-RIB-In only (asked for one prefix).
      prefix && ctx.node.bgp?.damping ? get<RouteJson[]>(ctx, `/rib?table=in&prefix=${encodeURIComponent(prefix)}`) : Promise.resolve([]),
    ]);
    const addressOf = new Map(ns.map((n) => [n.name, n.address]));
    const observe = (r: RouteJson, best: boolean): RouteObservation => {
      const { damping: _, ...route } = r;
      if (r.from === '(local)') return { ...route, best, from: 'local' };
      const address = addressOf.get(r.from) ?? r.from;
      const peer = ctx.lab.sessions.flatMap((s) => [s.a, s.b]).find((e) => e.node !== ctx.node.name && (e.address === address || e.node === r.from));
      return { ...route, best, from: peer ? peer.node : peerNodeName(ctx, address) };
    };
    return [...rs.map((r) => observe(r, true)), ...held.filter((r) => r.damping?.suppressed).map((r) => ({ ...observe(r, false), suppressed: true }))];
  },
};
