/** flatlab bgpd ↔ GoBGP 3.10 in namespaces: the shared interop suite (bgpd-peer-suite.ts). */
import { join } from 'node:path';
import { startGobgp } from '../support/daemons.js';
import { describePeerInterop, HOLD, PEER_ATTRS, PEER_ROUTES, FLATLAB_AS } from './bgpd-peer-suite.js';

const ASN = 65004;

interface GobgpNeighbor { state?: { neighbor_address?: string; messages?: { received?: { refresh?: number } } } }

describePeerInterop({
  title: 'GoBGP',
  tools: ['gobgpd', 'gobgp'],
  tag: 'gobgp',
  subnet: 73,
  asn: ASN,
  async start(ctx) {
    const neighbor = (f: 4 | 6) => `[[neighbors]]
  [neighbors.config]
    neighbor-address = "${ctx.flatlab[f]}"
    peer-as = ${FLATLAB_AS}
  [neighbors.transport.config]
    local-address = "${ctx.self[f]}"
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = ${HOLD}
    keepalive-interval = ${HOLD / 3}
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv${f}-unicast"
`;
    const g = await startGobgp(ctx.net, 'peer', join(ctx.dir, 'gobgp'), `[global.config]
  as = ${ASN}
  router-id = "${ctx.self[4]}"
${neighbor(4)}${neighbor(6)}`);
    const attrs = ['origin', 'igp', 'aspath', String(PEER_ATTRS.prepend), 'med', String(PEER_ATTRS.med), 'community', PEER_ATTRS.communities.join(','), 'large-community', PEER_ATTRS.largeCommunities.join(',')];
    for (const f of [4, 6] as const) {
      for (const prefix of PEER_ROUTES[f]) {
        const r = await g.gobgp('global', 'rib', 'add', prefix, 'nexthop', ctx.self[f], ...attrs, '-a', `ipv${f}`);
        if (r.exitCode !== 0) throw new Error(`gobgp global rib add ${prefix}: ${r.stderr}`);
      }
    }
    return {
      bgp: g.daemon,
      routes: (prefix) => g.routes(prefix),
      async withdrawSecond() {
        for (const f of [4, 6] as const) await g.gobgp('global', 'rib', 'del', PEER_ROUTES[f][1], '-a', `ipv${f}`);
      },
      // GoBGP keeps every Adj-RIB-In: its soft reset in re-runs import policy over that copy (server.go softResetIn) and sends no ROUTE-REFRESH.
      requestRefresh: 'GoBGP never sends ROUTE-REFRESH (soft reset in re-reads its own Adj-RIB-In); BIRD, FRR and ExaBGP check that flatlab answers one',
      async refreshesReceived() {
        const r = await g.gobgp('neighbor', '-j');
        const ns = JSON.parse(r.stdout.trim() || '[]') as GobgpNeighbor[];
        return ns.reduce((n, x) => n + (x.state?.messages?.received?.refresh ?? 0), 0);
      },
      stop: () => g.daemon.stop(15_000),
    };
  },
});
