import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  asPathLengthStep,
  clusterListLengthStep,
  DECISION_STEPS,
  ebgpOverIbgpStep,
  igpCostStep,
  localOriginationStep,
  localPrefStep,
  medStep,
  originStep,
  pathIdStep,
  peerAddressStep,
  routerIdStep,
  selectBest,
} from '../../../src/bgp/rib/index.js';
import type { PathRecord } from '../../../src/bgp/rib/index.js';
import { ctx, LOCAL_AS, path, peer, seq } from './fixtures.js';

const ebgp = (asn = 65001, extra: Parameters<typeof peer>[0] = {}) => peer({ asn, ...extra });
const ibgp = (extra: Parameters<typeof peer>[0] = {}) => peer({ asn: LOCAL_AS, ...extra });

describe('each decision step alone', () => {
  test('the steps are in RFC 4271 §9.1.2.2 / RFC 4456 §9 order', () => {
    expect(DECISION_STEPS.map((s) => s.name)).toEqual([
      'local-origination',
      'local-pref',
      'as-path-length',
      'origin',
      'med',
      'ebgp-over-ibgp',
      'igp-cost',
      'router-id',
      'cluster-list-length',
      'peer-address',
      'path-id',
    ]);
  });

  test('local-origination: our own route beats a learned one whatever its LOCAL_PREF (FRR weight, BIRD preference)', () => {
    const c = ctx();
    const own = path({ origin: 2, asPath: [] }, peer({ asn: LOCAL_AS, local: true }));
    const learned = path({ localPref: 1000, origin: 0, asPath: [] }, ibgp());
    expect(localOriginationStep.compare(own, learned, c)).toBeLessThan(0);
    expect(localOriginationStep.compare(learned, own, c)).toBeGreaterThan(0);
    expect(localOriginationStep.compare(learned, learned, c)).toBe(0);
    expect(selectBest([learned, own], c)).toMatchObject({ best: own, reason: 'local-origination' });
  });

  test('local-pref: higher wins; missing is the configured default', () => {
    const c = ctx();
    expect(localPrefStep.compare(path({ localPref: 200 }), path({ localPref: 100 }), c)).toBeLessThan(0);
    expect(localPrefStep.compare(path({}), path({ localPref: 100 }), c)).toBe(0);
    expect(localPrefStep.compare(path({}), path({ localPref: 100 }), ctx({ defaultLocalPref: 50 }))).toBeGreaterThan(0);
  });

  test('as-path-length: AS_SET counts one, confederation segments nothing', () => {
    const c = ctx();
    const withSet = path({ asPath: [{ type: 2, asns: [1, 2] }, { type: 1, asns: [3, 4, 5] }] }); // 3
    const withConfed = path({ asPath: [{ type: 3, asns: [9, 9, 9, 9] }, { type: 2, asns: [1, 2, 3] }] }); // 3
    const four = path({ asPath: seq(1, 2, 3, 4) });
    expect(asPathLengthStep.compare(withSet, withConfed, c)).toBe(0);
    expect(asPathLengthStep.compare(withSet, four, c)).toBeLessThan(0);
    expect(asPathLengthStep.compare(path({}), four, c)).toBeLessThan(0);
  });

  test('origin: IGP < EGP < INCOMPLETE; missing counts as INCOMPLETE', () => {
    const c = ctx();
    expect(originStep.compare(path({ origin: 0 }), path({ origin: 1 }), c)).toBeLessThan(0);
    expect(originStep.compare(path({ origin: 2 }), path({ origin: 1 }), c)).toBeGreaterThan(0);
    expect(originStep.compare(path({}), path({ origin: 2 }), c)).toBe(0);
  });

  test('med: only within one neighbour AS unless always-compare-med', () => {
    const a = path({ asPath: seq(65001, 1), med: 10 });
    const b = path({ asPath: seq(65001, 2), med: 20 });
    const other = path({ asPath: seq(65002, 2), med: 5 });
    expect(medStep.compare(a, b, ctx())).toBeLessThan(0);
    expect(medStep.compare(a, other, ctx())).toBe(0);
    expect(medStep.compare(a, other, ctx({ alwaysCompareMed: true }))).toBeGreaterThan(0);
  });

  test('med: missing is 0 (RFC 4271) or worst (missing-as-worst)', () => {
    const none = path({ asPath: seq(65001) });
    const some = path({ asPath: seq(65001), med: 1 });
    expect(medStep.compare(none, some, ctx())).toBeLessThan(0);
    expect(medStep.compare(none, some, ctx({ medMissingAsWorst: true }))).toBeGreaterThan(0);
  });

  test('med: iBGP routes without a neighbour AS compare as our own AS', () => {
    const p1 = ibgp();
    const p2 = ibgp();
    expect(medStep.compare(path({ med: 1 }, p1), path({ med: 2 }, p2), ctx())).toBeLessThan(0);
  });

  test('ebgp-over-ibgp', () => {
    expect(ebgpOverIbgpStep.compare(path({}, ebgp()), path({}, ibgp()), ctx())).toBeLessThan(0);
    expect(ebgpOverIbgpStep.compare(path({}, ibgp()), path({}, ibgp()), ctx())).toBe(0);
  });

  test('igp-cost: through the injected hook', () => {
    const c = ctx({}, { '10.0.0.1': 5, '10.0.0.2': 1 });
    expect(igpCostStep.compare(path({ nextHop: '10.0.0.1' }), path({ nextHop: '10.0.0.2' }), c)).toBeGreaterThan(0);
    expect(igpCostStep.compare(path({ nextHop: '10.0.0.1' }), path({ nextHop: '10.0.0.1' }), ctx())).toBe(0);
  });

  test('router-id: lower wins, ORIGINATOR_ID stands in for it (RFC 4456 §9)', () => {
    const low = ibgp({ routerId: '1.1.1.1' });
    const high = ibgp({ routerId: '9.9.9.9' });
    expect(routerIdStep.compare(path({}, low), path({}, high), ctx())).toBeLessThan(0);
    expect(routerIdStep.compare(path({ originatorId: '10.0.0.0' }, low), path({}, high), ctx())).toBeGreaterThan(0);
    // Numeric, not textual: 10.0.0.1 > 9.0.0.1.
    expect(routerIdStep.compare(path({}, ibgp({ routerId: '10.0.0.1' })), path({}, ibgp({ routerId: '9.0.0.1' })), ctx())).toBeGreaterThan(0);
  });

  test('cluster-list-length: shorter wins', () => {
    expect(clusterListLengthStep.compare(path({ clusterList: ['1.1.1.1'] }), path({}), ctx())).toBeGreaterThan(0);
  });

  test('peer-address: lower wins, numerically, IPv4 before IPv6', () => {
    const c = ctx();
    expect(peerAddressStep.compare(path({}, peer({ address: '192.0.2.9' })), path({}, peer({ address: '192.0.2.10' })), c)).toBeLessThan(0);
    expect(peerAddressStep.compare(path({}, peer({ address: '2001:db8::1' })), path({}, peer({ address: '192.0.2.1' })), c)).toBeGreaterThan(0);
    expect(peerAddressStep.compare(path({}, peer({ address: '2001:db8::2' })), path({}, peer({ address: '2001:db8::10' })), c)).toBeLessThan(0);
  });

  test('path-id: lower wins between add-path paths of one peer', () => {
    const p = peer();
    expect(pathIdStep.compare(path({}, p, 1), path({}, p, 2), ctx())).toBeLessThan(0);
  });
});

describe('selectBest', () => {
  test('records the step that decided', () => {
    const a = path({ localPref: 200, asPath: seq(65001, 1, 2) });
    const b = path({ localPref: 100, asPath: seq(65001) });
    expect(selectBest([a, b], ctx())).toEqual({ best: a, reason: 'local-pref' });
    expect(selectBest([b], ctx())).toEqual({ best: b, reason: 'only-path' });
  });

  test('unreachable next hops are not eligible', () => {
    const a = path({ nextHop: '10.0.0.1' });
    const b = path({ nextHop: '10.0.0.2', asPath: seq(1, 2, 3) });
    const c = { ...ctx(), nextHopReachable: (nh: string) => nh !== '10.0.0.1' };
    expect(selectBest([a, b], c).best).toBe(b);
    expect(selectBest([a], c).best).toBeUndefined();
  });

  test('the classic MED cycle resolves the same whatever the order (RFC 4271 elimination)', () => {
    // A (AS 1, MED 10) beats B (AS 1, MED 20) on MED; B beats C (AS 2) on router id; C beats A.
    const A = path({ asPath: seq(1), med: 10 }, peer({ asn: 1, routerId: '3.3.3.3' }));
    const B = path({ asPath: seq(1), med: 20 }, peer({ asn: 1, routerId: '1.1.1.1' }));
    const C = path({ asPath: seq(2), med: 0 }, peer({ asn: 2, routerId: '2.2.2.2' }));
    const orders = [[A, B, C], [A, C, B], [B, A, C], [B, C, A], [C, A, B], [C, B, A]];
    const bests = new Set(orders.map((o) => selectBest(o, ctx()).best));
    expect(bests.size).toBe(1);
    // MED removes B first; then C (router id 2.2.2.2) beats A (3.3.3.3).
    expect(selectBest([A, B, C], ctx()).best).toBe(C);
    const det = new Set(orders.map((o) => selectBest(o, ctx({ deterministicMed: true })).best));
    expect(det.size).toBe(1);
  });
});

// ------------------------------------------------------------------ shuffle property

const arbPeer = fc.record({
  asn: fc.constantFrom(LOCAL_AS, 65001, 65002, 65003),
  address: fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::1'),
  routerId: fc.constantFrom('1.1.1.1', '2.2.2.2', '3.3.3.3'),
});

const arbAttrs = fc.record(
  {
    origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    localPref: fc.constantFrom(90, 100, 110),
    med: fc.constantFrom(0, 5, 10),
    asPath: fc.array(fc.constantFrom(65001, 65002, 65003, 1), { minLength: 0, maxLength: 3 }).map((a) => (a.length ? seq(...a) : [])),
    nextHop: fc.constantFrom('10.0.0.1', '10.0.0.2'),
    originatorId: fc.constantFrom('1.1.1.1', '4.4.4.4'),
    clusterList: fc.constantFrom(1, 2).map((n) => ['1.1.1.1', '2.2.2.2'].slice(0, n)),
  },
  { requiredKeys: ['origin'] },
);

export const arbPaths: fc.Arbitrary<PathRecord[]> = fc
  .array(fc.tuple(arbPeer, arbAttrs), { minLength: 1, maxLength: 7 })
  .map((list) => list.map(([p, a], i) => path(a, peer({ ...p, id: `peer${i}` }))));

const arbOptions = fc.record({
  alwaysCompareMed: fc.boolean(),
  medMissingAsWorst: fc.boolean(),
  deterministicMed: fc.boolean(),
  defaultLocalPref: fc.constant(100),
});

describe('decision is independent of arrival order', () => {
  test('every permutation gives the same best and reason', () => {
    fc.assert(
      fc.property(arbPaths, arbOptions, fc.array(fc.nat(), { minLength: 7, maxLength: 7 }), (paths, options, keys) => {
        const c = ctx(options, { '10.0.0.1': 1, '10.0.0.2': 2 });
        const shuffled = paths
          .map((p, i) => ({ p, k: keys[i] ?? 0 }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.p);
        const a = selectBest(paths, c);
        const b = selectBest(shuffled, c);
        expect(b.best).toBe(a.best);
        expect(b.reason).toBe(a.reason);
      }),
      { numRuns: 400 },
    );
  });

  test('the winner is never beaten by any other path at the deciding step or before (when MED is transitive)', () => {
    fc.assert(
      fc.property(arbPaths, (paths) => {
        const c = ctx({ alwaysCompareMed: true });
        const { best } = selectBest(paths, c);
        for (const other of paths) {
          if (other === best) continue;
          const first = DECISION_STEPS.map((s) => s.compare(best!, other, c)).find((v) => v !== 0);
          expect(first).toBeLessThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
