import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { bestOf, DECISION_STEPS, LOCAL, type Candidate } from '../../../src/bgp/speaker/decision.js';

const cand = (from: string, attrs: Candidate['attributes'], extra: Partial<Candidate> = {}): Candidate => ({ from, attributes: attrs, ebgp: true, routerId: '10.0.0.1', peerAddress: '10.1.0.1', ...extra });

describe('speaker decision table', () => {
  test('each step decides when the earlier ones tie, and names itself', () => {
    const path = (...asns: number[]) => [{ type: 2 as const, asns }];
    expect(bestOf([cand('a', { localPref: 100 }), cand('b', { localPref: 200 })])).toMatchObject({ best: { from: 'b' }, reason: 'local-pref' });
    expect(bestOf([cand('a', { asPath: path(1, 2) }), cand('b', { asPath: [{ type: 1, asns: [3, 4, 5] }] })])).toMatchObject({ best: { from: 'b' }, reason: 'as-path-length' });
    expect(bestOf([cand('a', { origin: 2 }), cand('b', { origin: 0 })])).toMatchObject({ best: { from: 'b' }, reason: 'origin' });
    expect(bestOf([cand('a', { asPath: path(1), med: 10 }), cand('b', { asPath: path(1), med: 5 })])).toMatchObject({ best: { from: 'b' }, reason: 'med' });
    // MED only compares routes from the same neighbouring AS; here the router id decides.
    expect(bestOf([cand('a', { asPath: path(1), med: 10 }, { routerId: '10.0.0.1' }), cand('b', { asPath: path(2), med: 5 }, { routerId: '10.0.0.2' })])).toMatchObject({ best: { from: 'a' }, reason: 'router-id' });
    expect(bestOf([cand('a', {}, { ebgp: false }), cand('b', {})])).toMatchObject({ best: { from: 'b' }, reason: 'ebgp-over-ibgp' });
    expect(bestOf([cand('a', { originatorId: '10.9.9.9' }, { routerId: '10.0.0.1' }), cand('b', {}, { routerId: '10.0.0.2' })])).toMatchObject({ best: { from: 'b' }, reason: 'router-id' });
    expect(bestOf([cand('a', { clusterList: ['1.1.1.1', '2.2.2.2'] }), cand('b', { clusterList: ['1.1.1.1'] })])).toMatchObject({ best: { from: 'b' }, reason: 'cluster-list-length' });
    expect(bestOf([cand('a', {}, { peerAddress: '10.1.0.9' }), cand('b', {}, { peerAddress: '10.1.0.2' })])).toMatchObject({ best: { from: 'b' }, reason: 'peer-address' });
    expect(bestOf([cand('a', { localPref: 500 }), cand(LOCAL, {})])).toMatchObject({ best: { from: LOCAL }, reason: 'local-origination' });
    expect(bestOf([cand('a', {})])).toMatchObject({ reason: 'only-path' });
    expect(DECISION_STEPS.map((s) => s.name)).toEqual(['local-origination', 'local-pref', 'as-path-length', 'origin', 'med', 'ebgp-over-ibgp', 'router-id', 'cluster-list-length', 'peer-address']);
  });

  test('the winner does not depend on arrival order when MED does not apply', () => {
    // Candidates from distinct neighbour ASes: without MED the steps form a total order.
    const arb = fc.uniqueArray(
      fc.record({ lp: fc.integer({ min: 0, max: 3 }), len: fc.integer({ min: 1, max: 3 }), origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>, ebgp: fc.boolean(), id: fc.integer({ min: 1, max: 250 }) }),
      { minLength: 1, maxLength: 6, selector: (r) => r.id },
    ).map((rs) => rs.map((r) => cand(`p${r.id}`, { localPref: r.lp, origin: r.origin, asPath: [{ type: 2, asns: [64512 + r.id, ...Array(r.len - 1).fill(1)] }] }, { ebgp: r.ebgp, routerId: `10.0.0.${r.id}`, peerAddress: `10.1.0.${r.id}` })));
    fc.assert(
      fc.property(arb, fc.func(fc.integer()), (cs, shuffleKey) => {
        const shuffled = [...cs].sort((a, b) => shuffleKey(a.from) - shuffleKey(b.from));
        expect(bestOf(shuffled)?.best.from).toBe(bestOf(cs)?.best.from);
        expect(bestOf(shuffled)?.reason).toBe(bestOf(cs)?.reason);
      }),
      { numRuns: 300 },
    );
  });
});
