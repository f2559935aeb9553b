/**
 * Model test of the decision's elimination: `eliminate` and `selectBest` give the same best
 * path and reason as a straightforward implementation of the RFC's rule (at each step remove
 * every path some remaining path beats, comparing every pair), on random path sets with many
 * ties, under every MED option, for the decision's steps and for other step lists.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { DECISION_STEPS, eliminate, medStep, neighborAs, selectBest } from '../../../src/bgp/rib/index.js';
import type { DecisionContext, DecisionReason, DecisionStep, PathRecord } from '../../../src/bgp/rib/index.js';
import type { PathAttributes } from '../../../src/bgp/wire/types.js';
import { ctx, LOCAL_AS, path, peer, seq } from './fixtures.js';

interface Picked {
  best: PathRecord | undefined;
  reason: DecisionReason;
}

/** The elimination as the RFC words it: every pair compared, lists for the remaining paths. */
function referenceEliminate(candidates: readonly PathRecord[], steps: readonly DecisionStep[], c: DecisionContext): Picked {
  let remaining = candidates;
  let reason: DecisionReason = 'only-path';
  for (const s of steps) {
    if (remaining.length === 1) break;
    const kept = remaining.filter((x) => !remaining.some((y) => y !== x && s.compare(y, x, c) < 0));
    if (kept.length < remaining.length) {
      remaining = kept;
      reason = s.name;
    }
  }
  if (remaining.length !== 1) throw new Error('decision process: paths the final tie-break cannot order');
  return { best: remaining[0], reason };
}

/** selectBest as it reads in the RFC and Cisco's deterministic-med, on the reference elimination. */
function referenceSelect(paths: readonly PathRecord[], c: DecisionContext): Picked {
  const eligible = paths.filter((p) => c.nextHopReachable(p.facts.nextHop));
  if (eligible.length === 0) return { best: undefined, reason: 'only-path' };
  if (!c.options.deterministicMed || c.options.alwaysCompareMed) return referenceEliminate(eligible, DECISION_STEPS, c);
  const groups = new Map<number, PathRecord[]>();
  for (const p of eligible) groups.set(neighborAs(p, c), [...(groups.get(neighborAs(p, c)) ?? []), p]);
  const winners = [...groups.values()].map((g) => referenceEliminate(g, DECISION_STEPS, c));
  if (winners.length === 1) return winners[0]!;
  return referenceEliminate(
    winners.map((w) => w.best!),
    DECISION_STEPS.filter((s) => s !== medStep),
    c,
  );
}

/** The outcome of a call: its result, or that it refused (paths the steps leave tied). */
function outcome(f: () => Picked): Picked | 'tie' {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof Error) || !/the final tie-break cannot order/.test(err.message)) throw err;
    return 'tie';
  }
}

// Few values per field, so paths tie on many steps and MED decides within and across neighbour ASes.
const arbPeer = fc.record({
  asn: fc.constantFrom(LOCAL_AS, 65001, 65002, 65003),
  address: fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::1'),
  routerId: fc.constantFrom('1.1.1.1', '2.2.2.2', '3.3.3.3'),
  local: fc.constantFrom(false, false, false, true),
});

const arbAttrs = fc.record(
  {
    origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    localPref: fc.constantFrom(90, 100),
    med: fc.constantFrom(0, 5, 10),
    asPath: fc.array(fc.constantFrom(65001, 65002, 65003), { minLength: 0, maxLength: 2 }).map((a) => (a.length ? seq(...a) : [])),
    nextHop: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'),
    originatorId: fc.constantFrom('1.1.1.1', '4.4.4.4'),
    clusterList: fc.constantFrom(1, 2).map((n) => ['1.1.1.1', '2.2.2.2'].slice(0, n)),
  },
  { requiredKeys: ['origin', 'asPath'] },
);

/** Tied up to MED (same LOCAL_PREF, AS_PATH length and ORIGIN), so MED meets groups of several neighbour ASes. */
const arbTiedAttrs = fc.record(
  {
    origin: fc.constant(0) as fc.Arbitrary<0>,
    med: fc.constantFrom(0, 5, 10, 20),
    asPath: fc.constantFrom(65001, 65002, 65003).map((asn) => seq(asn, 1)),
    nextHop: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'),
  },
  { requiredKeys: ['origin', 'asPath'] },
);

/** Paths from distinct peers, or several ADD-PATH paths of one peer; up to 40, past the 32 a mask holds. */
function arbPathsOf(attrs: fc.Arbitrary<PathAttributes>, maxLength: number): fc.Arbitrary<PathRecord[]> {
  return fc
    .tuple(fc.array(fc.tuple(arbPeer, attrs, fc.nat(3)), { minLength: 1, maxLength }), fc.boolean())
    .map(([list, sharePeers]) => {
      const peers = new Map<number, ReturnType<typeof peer>>();
      return list.map(([p, a, owner], i) => {
        if (!sharePeers) return path(a, peer({ ...p, id: `peer${i}` }));
        // Several paths of one peer, told apart by their path ids.
        const shared = peers.get(owner) ?? peer({ ...p, id: `peer${owner}` });
        peers.set(owner, shared);
        return path(a, shared, i + 1);
      });
    });
}

/** All tied up to MED, all varied, or a mix. */
function arbPaths(maxLength: number): fc.Arbitrary<PathRecord[]> {
  return fc.oneof(arbPathsOf(arbTiedAttrs, maxLength), arbPathsOf(arbAttrs, maxLength), arbPathsOf(fc.oneof(arbAttrs, arbTiedAttrs), maxLength));
}

const arbOptions = fc.record({
  alwaysCompareMed: fc.boolean(),
  medMissingAsWorst: fc.boolean(),
  deterministicMed: fc.boolean(),
  defaultLocalPref: fc.constant(100),
});

const igp = { '10.0.0.1': 1, '10.0.0.2': 2, '10.0.0.3': 1 };

describe('eliminate equals the pairwise elimination', () => {
  test('the decision steps, with and without MED, under every MED option', () => {
    fc.assert(
      fc.property(fc.oneof(arbPaths(8), arbPaths(40)), arbOptions, (paths, options) => {
        const c = ctx(options, igp);
        expect(outcome(() => eliminate(paths, DECISION_STEPS, c))).toEqual(outcome(() => referenceEliminate(paths, DECISION_STEPS, c)));
        const withoutMed = DECISION_STEPS.filter((s) => s !== medStep);
        expect(outcome(() => eliminate(paths, withoutMed, c))).toEqual(outcome(() => referenceEliminate(paths, withoutMed, c)));
      }),
      { numRuns: 1000 },
    );
  });

  test('any list of steps, some not declared total (compared pairwise), some lists leaving ties (an error)', () => {
    // The same comparisons without `total`: the pairwise branch on orders that happen to be total.
    const undeclared = DECISION_STEPS.map((s): DecisionStep => ({ name: s.name, compare: s.compare }));
    const pool = [...DECISION_STEPS, ...undeclared];
    fc.assert(
      fc.property(arbPaths(12), arbOptions, fc.array(fc.nat(pool.length - 1), { maxLength: 8 }), (paths, options, picks) => {
        const c = ctx(options, igp);
        const steps = picks.map((i) => pool[i]!);
        expect(outcome(() => eliminate(paths, steps, c))).toEqual(outcome(() => referenceEliminate(paths, steps, c)));
      }),
      { numRuns: 1000 },
    );
  });

  test('selectBest, deterministic MED and unreachable next hops included', () => {
    fc.assert(
      fc.property(arbPaths(16), arbOptions, fc.constantFrom('none', '10.0.0.2', '10.0.0.3'), (paths, options, unreachable) => {
        const c = { ...ctx(options, igp), nextHopReachable: (nh: string) => nh !== unreachable };
        expect(selectBest(paths, c)).toEqual(referenceSelect(paths, c));
      }),
      { numRuns: 1000 },
    );
  });

  test('a full mask: exactly 32 paths, and 33 (past the mask)', () => {
    for (const n of [31, 32, 33]) {
      const paths = Array.from({ length: n }, (_, i) => path({ origin: 0, asPath: seq(65001 + (i % 3)), med: i % 4 }, peer({ id: `q${i}`, asn: 65001 + (i % 3), address: `192.0.2.${(i * 7) % 250}` })));
      for (const options of [{}, { alwaysCompareMed: true }, { deterministicMed: true }]) {
        const c = ctx(options, igp);
        expect(eliminate(paths, DECISION_STEPS, c)).toEqual(referenceEliminate(paths, DECISION_STEPS, c));
        expect(selectBest(paths, c)).toEqual(referenceSelect(paths, c));
      }
    }
  });
});
