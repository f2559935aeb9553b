import { describe, expect, it } from 'vitest';
import { exabgpRouteObservations, parseExabgpAdjRibIn, parseExabgpNeighbors } from '../../../../src/runtime/netns/observers/exabgp.js';

// `exabgpcli show neighbor extensive` from ExaBGP 4.2.21 (Debian) in a flatlab netns lab, e1
// (AS 65002) peering with BIRD b1 (AS 65001) over IPv4 and IPv6; the second block is a
// neighbour whose BIRD was stopped, as ExaBGP's template prints it.
const NEIGHBORS = `Neighbor 10.0.0.0

  Session                         Local
   local                       10.0.0.1                                
   state                    ESTABLISHED                                
   up for                       0:00:06                                

  Setup                           Local          Remote
   AS                             65002           65001                
   ID                        10.255.0.2      10.255.0.1                
   hold-time                        180             240                

  Capability                      Local          Remote
   asn4:                        enabled         enabled                

  Families                        Local          Remote        Add-Path
   ipv4 unicast:                enabled         enabled        disabled

  Message Statistic                Sent        Received
   update:                            2               2                

Neighbor fd00:1::

  Session                         Local
   local                      fd00:1::1                                
   state                         ACTIVE                                
   down for              1 day, 2:03:04                                

  Setup                           Local          Remote
   AS                             65002             n/a                
   ID                        10.255.0.2             n/a                
`;

describe('ExaBGP CLI text', () => {
  it('reads every configured neighbour with its state, remote AS and uptime', () => {
    expect(parseExabgpNeighbors(NEIGHBORS)).toEqual([
      { address: '10.0.0.0', asn: 65001, state: 'established', uptimeSeconds: 6 },
      { address: 'fd00:1::', asn: undefined, state: 'active', uptimeSeconds: undefined },
    ]);
    expect(parseExabgpNeighbors(NEIGHBORS.replace('0:00:06', '3 days, 1:00:00'))[0]?.uptimeSeconds).toBe(3 * 86_400 + 3600);
    expect(parseExabgpNeighbors('')).toEqual([]);
  });

  it('reads received routes with their attributes, in both list spellings', () => {
    // The first line as captured; the others as ExaBGP's attribute formatter writes MED,
    // LOCAL_PREF, communities (one bare, several bracketed, well-known ones by name), large
    // communities, an AS_SET and ATOMIC_AGGREGATE.
    const text = [
      'neighbor 10.0.0.0 local-ip 10.0.0.1 local-as 65002 peer-as 65001 router-id 10.255.0.2 family-allowed in-open ipv4 unicast 203.0.113.0/24 next-hop 10.0.0.0 origin igp as-path [ 65001 ]',
      'neighbor 10.0.0.2 local-ip 10.0.0.3 local-as 65002 peer-as 65003 router-id 10.255.0.2 family-allowed in-open ipv4 unicast 198.18.0.0/15 next-hop 10.0.0.2 origin incomplete as-path [ 65003 65010 ( 65020 65021 ) ] med 5 community 65000:1 large-community [ 1:2:3 4:5:6 ]',
      'neighbor 10.0.0.2 local-ip 10.0.0.3 local-as 65002 peer-as 65002 router-id 10.255.0.2 family-allowed in-open ipv4 unicast 192.0.2.0/24 next-hop 10.0.0.2 origin egp as-path [ ] local-preference 200 atomic-aggregate community [ 65000:1 no-export blackhole ]',
      'neighbor fd00:1:: local-ip fd00:1::1 local-as 65002 peer-as 65001 router-id 10.255.0.2 family-allowed in-open ipv6 unicast 2001:db8::/32 next-hop fd00:1:: origin igp as-path [ 65001 ]',
      'garbage line',
    ].join('\n');
    const routes = parseExabgpAdjRibIn(text);
    expect(routes).toHaveLength(4);
    expect(routes[0]).toEqual({ neighbor: '10.0.0.0', peerAs: 65001, localAs: 65002, prefix: '203.0.113.0/24', nextHop: '10.0.0.0', origin: 0, asPath: [65001], med: undefined, localPref: undefined, communities: [], largeCommunities: [] });
    expect(routes[1]).toMatchObject({ prefix: '198.18.0.0/15', origin: 2, asPath: [65003, 65010, 65020, 65021], med: 5, communities: ['65000:1'], largeCommunities: ['1:2:3', '4:5:6'] });
    expect(routes[2]).toMatchObject({ prefix: '192.0.2.0/24', origin: 1, asPath: [], localPref: 200, communities: ['65000:1', '65535:65281', '65535:666'] });
    expect(routes[3]).toMatchObject({ prefix: '2001:db8::/32', nextHop: 'fd00:1::' });
  });

  it('marks the path BGP would prefer for each prefix as best', () => {
    const line = (peer: string, peerAs: number, path: string, extra = '') =>
      `neighbor ${peer} local-ip 10.0.0.1 local-as 65002 peer-as ${peerAs} router-id 10.255.0.2 family-allowed in-open ipv4 unicast 203.0.113.0/24 next-hop ${peer} origin igp as-path [ ${path} ]${extra}`;
    const best = (...lines: string[]) => exabgpRouteObservations(parseExabgpAdjRibIn(lines.join('\n')), (a) => `n${a}`).filter((r) => r.best).map((r) => r.from);
    // Shorter AS path, whatever the address order.
    expect(best(line('10.0.0.9', 65001, '65001 65009'), line('10.0.0.10', 65003, '65003'))).toEqual(['n10.0.0.10']);
    // Higher LOCAL_PREF beats a shorter path.
    expect(best(line('10.0.0.9', 65002, '65009 65010', ' local-preference 200'), line('10.0.0.10', 65003, '65003'))).toEqual(['n10.0.0.9']);
    // MED only between paths from the same neighbour AS; then eBGP over iBGP; then the lower address (numerically).
    expect(best(line('10.0.0.9', 65001, '65001', ' med 20'), line('10.0.0.10', 65001, '65001', ' med 10'))).toEqual(['n10.0.0.10']);
    expect(best(line('10.0.0.9', 65001, '65001', ' med 20'), line('10.0.0.10', 65003, '65003', ' med 10'))).toEqual(['n10.0.0.9']);
    expect(best(line('10.0.0.9', 65002, '65001'), line('10.0.0.10', 65003, '65003'))).toEqual(['n10.0.0.10']);
    const v6 = (peer: string) => `neighbor ${peer} local-ip fd00::1 local-as 65002 peer-as 65001 router-id 10.255.0.2 family-allowed in-open ipv6 unicast 2001:db8::/32 next-hop ${peer} origin igp as-path [ 65001 ]`;
    expect(best(v6('fd00:1::10'), v6('fd00:1::9'), v6('fd00:1:0:1::1'))).toEqual(['nfd00:1::9']);
    // One best per prefix, also when a prefix has one path.
    expect(exabgpRouteObservations(parseExabgpAdjRibIn(line('10.0.0.9', 65001, '65001')), (a) => a)[0]?.best).toBe(true);
  });
});
