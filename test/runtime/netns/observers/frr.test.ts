import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frrPaths, frrSessions } from '../../../../src/runtime/netns/observers/frr.js';

// Captured from FRR 8.4.4 (Debian frr) in a flatlab netns lab: f (AS 65001) peering with BIRD b (AS 65002).
const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../../../fixtures/frr', name), 'utf8'));

describe('FRR JSON', () => {
  it('reads peers of every family from show bgp summary json', () => {
    const s = frrSessions(fixture('summary.json'));
    expect(s.find((x) => x.address === '10.0.0.1')?.peer).toMatchObject({ remoteAs: 65002, state: 'Established', pfxRcd: 1 });
  });

  it('reads paths of show bgp ipv4 unicast PREFIX json', () => {
    expect(frrPaths('203.0.113.0/24', fixture('route.json'))).toEqual([
      { prefix: '203.0.113.0/24', best: true, asPath: [65002], nextHop: '10.0.0.1', communities: [], largeCommunities: [], from: '10.0.0.1' },
    ]);
  });
});
