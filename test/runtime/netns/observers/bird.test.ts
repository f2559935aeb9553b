import { describe, expect, it } from 'vitest';
import { parseBirdProtocols, parseBirdRoutes } from '../../../../src/runtime/netns/observers/bird.js';

// Captured from BIRD 2.0.12 (Debian bird2) on this project's machines.
const protocols = `BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
device1    Device     ---        up     07:19:37.738  
bgp_x_ipv4 BGP        ---        up     07:19:47.274  Established   
  BGP state:          Established
    Neighbor address: 127.0.0.3
    Neighbor AS:      65003
    Local AS:         65002
    Neighbor ID:      10.0.0.3
  Channel ipv4
    State:          UP
bgp_y_ipv6 BGP        ---        start  07:19:37.738  Active        
  BGP state:          Active
    Neighbor address: fe80::1%eth1
    Neighbor AS:      65004
`;

const routes = `BIRD 2.0.12 ready.
Table master4:
198.51.100.0/24      unicast [bgp_x_ipv4 07:19:50.278 from 127.0.0.3] * (100) [AS65003i]
	via 127.0.0.3 on lo
	Type: BGP univ
	BGP.origin: IGP
	BGP.as_path: 65003 65001 {64512 64513}
	BGP.next_hop: 127.0.0.3
	BGP.med: 7
	BGP.local_pref: 100
	BGP.community: (65000,100) (65000,200)
	BGP.large_community: (1, 2, 3)
                     unicast [bgp_z_ipv4 07:19:51.000 from 127.0.0.4] (100) [AS65004i]
	via 127.0.0.4 on lo
	Type: BGP univ
	BGP.as_path: 65004 65001
	BGP.next_hop: 127.0.0.4
203.0.113.0/24       blackhole [static1 07:19:43.307] * (200)
	Type: static univ
`;

describe('BIRD output', () => {
  it('reads protocol state and neighbours', () => {
    expect(parseBirdProtocols(protocols)).toEqual([
      { name: 'bgp_x_ipv4', state: 'established', neighborAddress: '127.0.0.3', neighborAs: 65003 },
      { name: 'bgp_y_ipv6', state: 'active', neighborAddress: 'fe80::1', neighborAs: 65004 },
    ]);
  });

  it('reads routes with the best one marked and BGP attributes', () => {
    const rs = parseBirdRoutes(routes);
    expect(rs.map((r) => [r.prefix, r.protocol, r.best, r.from])).toEqual([
      ['198.51.100.0/24', 'bgp_x_ipv4', true, '127.0.0.3'],
      ['198.51.100.0/24', 'bgp_z_ipv4', false, '127.0.0.4'],
      ['203.0.113.0/24', 'static1', true, undefined],
    ]);
    expect(rs[0]!.attributes).toMatchObject({ 'BGP.as_path': '65003 65001 {64512 64513}', 'BGP.med': '7', 'BGP.community': '(65000,100) (65000,200)', 'BGP.large_community': '(1, 2, 3)' });
  });
});
