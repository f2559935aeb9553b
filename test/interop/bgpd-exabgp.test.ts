/**
 * flatlab bgpd ↔ ExaBGP 4.2 in namespaces: the shared interop suite (bgpd-peer-suite.ts).
 * ExaBGP keeps no RIB: what it received is read from the JSON its API process is given.
 */
import { join } from 'node:path';
import type { RouteObservation } from '../../src/runtime/runtime.js';
import { startExabgp } from '../support/daemons.js';
import { describePeerInterop, HOLD, PEER_ATTRS, PEER_ROUTES, FLATLAB_AS } from './bgpd-peer-suite.js';
import { exabgpRoutes } from './bgpd-exabgp-json.js';

const ASN = 65005;

describePeerInterop({
  title: 'ExaBGP',
  tools: ['exabgp'],
  tag: 'exabgp',
  subnet: 74,
  asn: ASN,
  async start(ctx) {
    // ExaBGP sends AS_PATH as written: it does not prepend its own AS.
    const attrs = `origin igp as-path [ ${ASN} ${PEER_ATTRS.prepend} ] med ${PEER_ATTRS.med} community [ ${PEER_ATTRS.communities.join(' ')} ] large-community [ ${PEER_ATTRS.largeCommunities.join(' ')} ]`;
    const neighbor = (f: 4 | 6) => `neighbor ${ctx.flatlab[f]} {
  router-id ${ctx.self[4]};
  local-address ${ctx.self[f]};
  local-as ${ASN};
  peer-as ${FLATLAB_AS};
  hold-time ${HOLD};
  family { ipv${f} unicast; }
  capability { route-refresh; }
  api { processes [ api-commands, api-receiver ]; receive { parsed; update; refresh; notification; } }
  static {
    route ${PEER_ROUTES[f][0]} next-hop ${ctx.self[f]} ${attrs};
    route ${PEER_ROUTES[f][1]} next-hop ${ctx.self[f]} ${attrs};
  }
}
`;
    const exa = await startExabgp(ctx.net.ns('peer'), join(ctx.dir, 'exabgp'), neighbor(4) + neighbor(6));
    return {
      bgp: exa.daemon,
      routes: async (prefix): Promise<RouteObservation[]> => {
        const r = exabgpRoutes(exa.received()).get(prefix);
        return r ? [r] : [];
      },
      async withdrawSecond() {
        exa.send(`neighbor ${ctx.flatlab[4]} withdraw route ${PEER_ROUTES[4][1]} next-hop ${ctx.self[4]}`, `neighbor ${ctx.flatlab[6]} withdraw route ${PEER_ROUTES[6][1]} next-hop ${ctx.self[6]}`);
      },
      async requestRefresh() {
        exa.send(`neighbor ${ctx.flatlab[4]} announce route-refresh ipv4 unicast`, `neighbor ${ctx.flatlab[6]} announce route-refresh ipv6 unicast`);
      },
      async refreshesReceived() {
        return exa.received().filter((m) => m.type === 'refresh').length;
      },
      stop: () => exa.daemon.stop(),
    };
  },
});
