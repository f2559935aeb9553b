/** flatlab bgpd ↔ BIRD 2 in namespaces: the shared interop suite (bgpd-peer-suite.ts). */
import { join } from 'node:path';
import { startBird } from '../support/daemons.js';
import { describePeerInterop, HOLD, PEER_ATTRS, PEER_ROUTES, FLATLAB_AS } from './bgpd-peer-suite.js';

const ASN = 65002;

describePeerInterop({
  title: 'BIRD 2',
  tools: ['bird', 'birdc'],
  tag: 'bird',
  subnet: 71,
  asn: ASN,
  async start(ctx) {
    const large = PEER_ATTRS.largeCommunities.map((l) => `bgp_large_community.add((${l.split(':').join(',')}));`).join(' ');
    const communities = PEER_ATTRS.communities.map((c) => `bgp_community.add((${c.split(':').join(',')}));`).join(' ');
    const bird = await startBird(ctx.net.ns('peer'), join(ctx.dir, 'bird'), `router id ${ctx.self[4]};
log stderr all;
protocol device {}
protocol static s4 { ipv4; route ${PEER_ROUTES[4][0]} blackhole; }
protocol static s4w { ipv4; route ${PEER_ROUTES[4][1]} blackhole; }
protocol static s6 { ipv6; route ${PEER_ROUTES[6][0]} blackhole; }
protocol static s6w { ipv6; route ${PEER_ROUTES[6][1]} blackhole; }
filter attrs {
  if source != RTS_STATIC then reject;
  bgp_path.prepend(${PEER_ATTRS.prepend}); bgp_med = ${PEER_ATTRS.med}; ${communities} ${large}
  accept;
}
template bgp flatlab {
  local as ${ASN};
  hold time ${HOLD};
  connect retry time 1;
  error wait time 1, 5;
  debug { packets };
}
protocol bgp v4 from flatlab {
  local ${ctx.self[4]} as ${ASN};
  neighbor ${ctx.flatlab[4]} as ${FLATLAB_AS};
  ipv4 { import all; export filter attrs; };
}
protocol bgp v6 from flatlab {
  local ${ctx.self[6]} as ${ASN};
  neighbor ${ctx.flatlab[6]} as ${FLATLAB_AS};
  ipv6 { import all; export filter attrs; };
}
`);
    return {
      bgp: bird.daemon,
      routes: (prefix) => bird.routes(prefix),
      async withdrawSecond() {
        await bird.birdc('disable', 's4w');
        await bird.birdc('disable', 's6w');
      },
      async requestRefresh() {
        await bird.birdc('reload', 'in', 'v4');
        await bird.birdc('reload', 'in', 'v6');
      },
      // BIRD prints the received shutdown communication in the protocol's "Last error" line.
      shutdownText: () => bird.birdc('show', 'protocols', 'all', 'v4'),
      async refreshesReceived() {
        return (bird.daemon.logText().match(/Got ROUTE-REFRESH/g) ?? []).length;
      },
      stop: () => bird.daemon.stop(),
    };
  },
});
