import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gobgpPaths, gobgpSessions } from '../../../../src/runtime/netns/observers/gobgp.js';

// Captured from GoBGP 3.10 (Debian gobgpd) in a flatlab netns lab: g (AS 65001) peering with BIRD b (AS 65002).
const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../../../fixtures/gobgp', name), 'utf8'));

describe('GoBGP JSON', () => {
  it('reads neighbours and their session state', () => {
    expect(gobgpSessions(fixture('neighbors.json'))).toEqual([
      { address: '10.0.0.1', asn: 65002, state: 'established' },
      { address: 'fd00:1::1', asn: 65002, state: 'established' },
    ]);
  });

  it('reads learned and local paths with their attributes', () => {
    expect(gobgpPaths('203.0.113.0/24', fixture('route-learned.json'))).toEqual([
      { prefix: '203.0.113.0/24', best: true, asPath: [65002], nextHop: '10.0.0.1', communities: [], largeCommunities: [], from: '10.0.0.1' },
    ]);
    expect(gobgpPaths('192.0.2.0/24', fixture('route-local.json'))).toEqual([
      { prefix: '192.0.2.0/24', best: true, asPath: [65009, 65010], nextHop: '0.0.0.0', localPref: 200, med: 5, communities: ['65000:100'], largeCommunities: ['1:2:3'], from: 'local' },
    ]);
  });

  it('reads the IPv6 next hop from MP_REACH_NLRI as GoBGP 3.10 prints it', () => {
    // `gobgp global rib -a ipv6 -j` after `gobgp global rib add 2001:db8::/48 nexthop fd00::1 -a ipv6` (GoBGP 3.10.0).
    const rib = JSON.parse('{"2001:db8::/48":[{"nlri":{"prefix":"2001:db8::/48"},"age":1795598118,"best":true,"attrs":[{"type":1,"value":2},{"type":14,"nexthop":"fd00::1","afi":2,"safi":1,"value":[{"prefix":"2001:db8::/48"}]}],"stale":false}]}');
    expect(gobgpPaths('2001:db8::/48', rib)).toEqual([{ prefix: '2001:db8::/48', best: true, asPath: [], nextHop: 'fd00::1', communities: [], largeCommunities: [], from: 'local' }]);
  });
});
