/** flatlab bgpd ↔ FRR bgpd 8.4 (with zebra) in namespaces: the shared interop suite (bgpd-peer-suite.ts). */
import { join } from 'node:path';
import { startFrr } from '../support/daemons.js';
import { describePeerInterop, HOLD, PEER_ATTRS, PEER_ROUTES, FLATLAB_AS } from './bgpd-peer-suite.js';

const ASN = 65003;

interface FrrNeighbor { messageStats?: { routeRefreshRecv?: number } }

describePeerInterop({
  title: 'FRR bgpd',
  tools: ['/usr/lib/frr/zebra', '/usr/lib/frr/bgpd', 'vtysh'],
  tag: 'frr',
  subnet: 72,
  asn: ASN,
  async start(ctx) {
    const [v4, v6] = [ctx.flatlab[4], ctx.flatlab[6]];
    const frr = await startFrr(ctx.net.ns('peer'), join(ctx.dir, 'frr'), `frr defaults traditional
hostname peer
log stdout informational
!
route-map attrs permit 10
 set as-path prepend ${PEER_ATTRS.prepend}
 set metric ${PEER_ATTRS.med}
 set community ${PEER_ATTRS.communities.join(' ')}
 set large-community ${PEER_ATTRS.largeCommunities.join(' ')}
!
router bgp ${ASN}
 bgp router-id ${ctx.self[4]}
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp ${HOLD / 3} ${HOLD}
 neighbor ${v4} remote-as ${FLATLAB_AS}
 neighbor ${v4} timers connect 1
 neighbor ${v6} remote-as ${FLATLAB_AS}
 neighbor ${v6} timers connect 1
 address-family ipv4 unicast
  network ${PEER_ROUTES[4][0]} route-map attrs
  network ${PEER_ROUTES[4][1]} route-map attrs
  no neighbor ${v6} activate
 exit-address-family
 address-family ipv6 unicast
  network ${PEER_ROUTES[6][0]} route-map attrs
  network ${PEER_ROUTES[6][1]} route-map attrs
  neighbor ${v6} activate
 exit-address-family
!
`);
    return {
      bgp: frr.bgpd,
      routes: (prefix) => frr.routes(prefix),
      async withdrawSecond() {
        await frr.vtysh('configure terminal', `router bgp ${ASN}`, 'address-family ipv4 unicast', `no network ${PEER_ROUTES[4][1]} route-map attrs`, 'exit-address-family', 'address-family ipv6 unicast', `no network ${PEER_ROUTES[6][1]} route-map attrs`);
      },
      async requestRefresh() {
        await frr.vtysh(`clear bgp ipv4 unicast ${v4} soft in`, `clear bgp ipv6 unicast ${v6} soft in`);
      },
      async refreshesReceived() {
        const ns = await frr.json<Record<string, FrrNeighbor>>('show bgp neighbors json');
        return Object.values(ns).reduce((n, x) => n + (x.messageStats?.routeRefreshRecv ?? 0), 0);
      },
      stop: () => frr.stop(),
    };
  },
});
