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

  // Captured from FRR 8.4.4 in the bgp-backbone lab (08-flapping-link): c1's damped path.
  it('marks a path route flap damping holds back as suppressed, not best', () => {
    expect(frrPaths('198.18.0.0/16', fixture('route-dampened.json'))).toEqual([
      { prefix: '198.18.0.0/16', best: false, asPath: [65000, 65010], nextHop: '10.0.0.15', communities: [], largeCommunities: [], from: '10.0.0.15', suppressed: true },
    ]);
  });

  it('leaves out a history entry (a withdrawn route FRR keeps only for its penalty)', () => {
    const json = fixture('route-dampened.json') as { paths: Array<Record<string, unknown>> };
    json.paths[0] = { ...json.paths[0], dampeningSuppressed: undefined, dampeningHistoryEntry: true, valid: undefined };
    expect(frrPaths('198.18.0.0/16', json)).toEqual([]);
  });

  it('reads paths of show bgp ipv4 unicast PREFIX json', () => {
    expect(frrPaths('203.0.113.0/24', fixture('route.json'))).toEqual([
      { prefix: '203.0.113.0/24', best: true, asPath: [65002], nextHop: '10.0.0.1', communities: [], largeCommunities: [], from: '10.0.0.1' },
    ]);
  });
});
