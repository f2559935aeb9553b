/** The interner's hash and equality against the reference definition of "same set": equal attributeKey. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { attributeHash, sameAttributes } from '../../../src/bgp/rib/attribute-equality.js';
import { AttributeInterner, attributeKey } from '../../../src/bgp/rib/intern.js';
import type { PathAttributes } from '../../../src/bgp/wire/types.js';
import * as A from '../wire/support/arbitraries.js';
import { codecContext } from '../../../src/bgp/wire/index.js';

/** Attributes from tiny domains, so two draws are often equal or differ in one detail. */
const small: fc.Arbitrary<PathAttributes> = fc.record(
  {
    origin: fc.constantFrom(0 as const, 2 as const),
    asPath: fc.array(fc.record({ type: fc.constantFrom(1 as const, 2 as const), asns: fc.array(fc.constantFrom(1, 2, 4200000000), { maxLength: 2 }) }), { maxLength: 2 }),
    nextHop: fc.constantFrom('192.0.2.1', '192.0.2.10'),
    med: fc.constantFrom(0, 5),
    localPref: fc.constantFrom(100, 200),
    atomicAggregate: fc.boolean(),
    aggregator: fc.record({ asn: fc.constantFrom(1, 2), address: fc.constantFrom('192.0.2.1', '192.0.2.2') }),
    communities: fc.array(fc.constantFrom(1, 0xffffff01), { maxLength: 2 }),
    originatorId: fc.constantFrom('10.0.0.1', '10.0.0.2'),
    clusterList: fc.array(fc.constantFrom('10.0.0.1', '10.0.0.11'), { maxLength: 2 }),
    mpReach: fc.record({ afi: fc.constant(2), safi: fc.constant(1), nextHop: fc.constantFrom('2001:db8::1', '2001:db8::2'), linkLocalNextHop: fc.constantFrom(undefined, '', 'fe80::1'), nlri: fc.constant([]) }),
    extendedCommunities: fc.array(fc.record({ type: fc.constantFrom(0, 2), subtype: fc.constant(2), value: fc.constantFrom(Uint8Array.of(0, 1, 0, 0, 0, 1), Uint8Array.of(0, 1, 0, 0, 0, 2)), text: fc.constant('') }), { maxLength: 1 }),
    largeCommunities: fc.array(fc.constantFrom([1, 2, 3] as const, [1, 2, 4] as const), { maxLength: 2 }),
    unknown: fc.array(fc.record({ flags: fc.constantFrom(0xc0, 0xe0), typeCode: fc.constant(99), value: fc.constantFrom(Uint8Array.of(1), Uint8Array.of(1, 2)) }), { maxLength: 1 }),
  },
  { requiredKeys: [] },
);

/** A structurally equal copy sharing nothing with the original. */
const deepCopy = (a: PathAttributes): PathAttributes => structuredClone(a);

const FIELDS = ['origin', 'asPath', 'nextHop', 'med', 'localPref', 'atomicAggregate', 'aggregator', 'communities', 'originatorId', 'clusterList', 'mpReach', 'extendedCommunities', 'largeCommunities', 'unknown'] as const;

/** A set and a copy of it with one field taken from another draw (often equal, absent or one detail off). */
const nearPair: fc.Arbitrary<[PathAttributes, PathAttributes]> = fc.tuple(small, small, fc.constantFrom(...FIELDS)).map(([a, other, field]) => {
  const b = deepCopy(a) as Record<string, unknown>;
  if (other[field] === undefined) delete b[field];
  else b[field] = structuredClone(other[field]);
  return [a, b as PathAttributes];
});

describe('sameAttributes and attributeHash', () => {
  test('sameAttributes holds exactly when the attribute keys are equal', () => {
    let equalPairs = 0;
    fc.assert(
      fc.property(nearPair, ([a, b]) => {
        const keysEqual = attributeKey(a) === attributeKey(b);
        if (keysEqual) equalPairs++;
        expect(sameAttributes(a, b)).toBe(keysEqual);
      }),
      { numRuns: 3000 },
    );
    // The domains are small so that the property sees equal pairs, not only different ones.
    expect(equalPairs).toBeGreaterThan(100);
    expect(equalPairs).toBeLessThan(2900);
  });

  test('equal sets hash alike, also across copies and for full wire-shaped sets', () => {
    fc.assert(
      fc.property(A.pathAttributes(codecContext()), (a) => {
        const b = deepCopy(a);
        expect(sameAttributes(a, b)).toBe(true);
        expect(attributeHash(a)).toBe(attributeHash(b));
      }),
      { numRuns: 300 },
    );
  });

  test('absent and empty lists are different sets, as in the key', () => {
    expect(sameAttributes({ origin: 0 }, { origin: 0, communities: [] })).toBe(false);
    expect(sameAttributes({ asPath: [] }, {})).toBe(false);
    expect(sameAttributes({ mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [] } }, { mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocalNextHop: '', nlri: [] } })).toBe(true);
  });
});

describe('AttributeInterner', () => {
  test.each([true, false])('equal sets intern to one object and different sets to different ones (collect: %s)', (collect) => {
    fc.assert(
      fc.property(fc.array(small, { minLength: 1, maxLength: 30 }), (sets) => {
        const interner = new AttributeInterner({ collect });
        const byKey = new Map<string, PathAttributes>();
        for (const s of sets) {
          const got = interner.intern(deepCopy(s));
          const seen = byKey.get(attributeKey(s));
          if (seen) expect(got).toBe(seen);
          else byKey.set(attributeKey(s), got);
          expect(Object.isFrozen(got)).toBe(true);
        }
        expect(new Set(byKey.values()).size).toBe(byKey.size);
        expect(interner.size).toBe(byKey.size);
      }),
      { numRuns: 300 },
    );
  });

  test.each([true, false])('sets whose hashes collide are told apart (collect: %s)', (collect) => {
    // Search MED × LOCAL_PREF for two sets with one hash (a 32-bit hash collides within ~2^16 draws).
    const seen = new Map<number, [number, number]>();
    let pair: [[number, number], [number, number]] | undefined;
    for (let med = 0; med < 1000 && !pair; med++) {
      for (let lp = 0; lp < 1000 && !pair; lp++) {
        const h = attributeHash({ origin: 0, med, localPref: lp });
        const other = seen.get(h);
        if (other !== undefined) pair = [other, [med, lp]];
        else seen.set(h, [med, lp]);
      }
    }
    expect(pair).toBeDefined();
    const interner = new AttributeInterner({ collect });
    const set = ([med, localPref]: [number, number]): PathAttributes => ({ origin: 0, med, localPref });
    const x = interner.intern(set(pair![0]));
    const y = interner.intern(set(pair![1]));
    expect(x).not.toBe(y);
    expect([y.med, y.localPref]).toEqual(pair![1]);
    expect(interner.intern(set(pair![0]))).toBe(x);
    expect(interner.intern(set(pair![1]))).toBe(y);
    expect(interner.size).toBe(2);
  });
});

describe('AttributeInterner memory', () => {
  test('sets no route holds any more leave the table once collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const interner = new AttributeInterner();
    const kept = interner.intern({ origin: 0, med: -1 });
    for (let i = 0; i < 5000; i++) interner.intern({ origin: 0, med: i });
    expect(interner.size).toBe(5001);
    // WeakRef targets stay alive until the job that made them ends.
    await new Promise((r) => setTimeout(r, 10));
    gc();
    expect(interner.size).toBe(1);
    expect(interner.intern({ origin: 0, med: -1 })).toBe(kept);
    expect(interner.intern({ origin: 0, med: 7 })).not.toBe(kept);
  });

  test('under churn the table stays within a bound of the sets alive, however many come and go', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const interner = new AttributeInterner();
    const WINDOW = 100;
    let alive: PathAttributes[] = [];
    let most = 0;
    for (let round = 0, med = 0; round < 30; round++) {
      // Each round replaces the sets in use by new ones, as routes changing attributes do.
      const next: PathAttributes[] = [];
      for (let i = 0; i < 1500; i++, med++) {
        const set = interner.intern({ origin: 0, med });
        if (i < WINDOW) next.push(set);
        most = Math.max(most, interner.entries);
      }
      alive = next;
      await new Promise((r) => setTimeout(r, 1));
      gc();
    }
    // 45,000 sets went through; the table held at most the sets alive at the last sweep plus
    // the insertions since (a sweep comes after as many as it kept, at least 1024).
    expect(most).toBeLessThanOrEqual(2 * 1024 + 1500);
    // Sets a sweep looked at are kept to the end of that job, so one more turn and collection.
    await new Promise((r) => setTimeout(r, 1));
    gc();
    expect(interner.size).toBe(alive.length);
    for (const set of alive) expect(interner.intern({ ...set })).toBe(set);
  });

  test('an interner that does not collect keeps every set it made, as the one object for its value', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const interner = new AttributeInterner({ collect: false });
    const first = Array.from({ length: 3000 }, (_, med) => interner.intern({ origin: 0, med }));
    const ids = new WeakSet(first);
    first.length = 0;
    await new Promise((r) => setTimeout(r, 1));
    gc();
    expect(interner.size).toBe(3000);
    for (let med = 0; med < 3000; med++) expect(ids.has(interner.intern({ origin: 0, med }))).toBe(true);
  });
});
