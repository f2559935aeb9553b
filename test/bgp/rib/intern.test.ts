/** What the interner promises about the sets it hands out: deeply frozen, unmarked to callers, facts as computed. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AttributeInterner, computeFacts, factsOf, nextHopOf, routeAttributes } from '../../../src/bgp/rib/intern.js';
import { codecContext } from '../../../src/bgp/wire/index.js';
import type { PathAttributes } from '../../../src/bgp/wire/types.js';
import * as A from '../wire/support/arbitraries.js';

/** Objects reachable from `v` that are not frozen (byte arrays aside: they cannot be). */
function unfrozen(v: unknown, path = '$'): string[] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return [];
  const here = Object.isFrozen(v) ? [] : [path];
  return [...here, ...Object.entries(v).flatMap(([k, x]) => unfrozen(x, `${path}.${k}`))];
}

const wireSets = A.pathAttributes(codecContext());

describe('AttributeInterner sets', () => {
  test('a new set comes back frozen all the way down, by intern and by internOwned', () => {
    fc.assert(
      fc.property(wireSets, fc.boolean(), (a, owned) => {
        const interner = new AttributeInterner();
        const input = structuredClone(a);
        const got = owned ? interner.internOwned(input) : interner.intern(input);
        expect(unfrozen(got)).toEqual([]);
        expect(got).toEqual(routeAttributes(a));
      }),
      { numRuns: 300 },
    );
  });

  test('callers see the set as given: its mark is in no key, copy, clone or JSON', () => {
    fc.assert(
      fc.property(wireSets, (a) => {
        const interner = new AttributeInterner();
        const expected = routeAttributes(structuredClone(a));
        const got = interner.intern(structuredClone(a));
        expect(Object.keys(got)).toEqual(Object.keys(expected));
        expect(Reflect.ownKeys(got)).toEqual(Reflect.ownKeys(expected));
        expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
        expect(structuredClone(got)).toStrictEqual(structuredClone(expected));
        // A copy is a set of the caller's, not the interner's: interning it finds the original.
        const copy = { ...got };
        expect(interner.owns(got)).toBe(true);
        expect(interner.owns(copy)).toBe(false);
        expect(interner.intern(copy)).toBe(got);
        expect(new AttributeInterner().owns(got)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  test('the facts of an interned set are those computed from it, worked out once', () => {
    fc.assert(
      fc.property(wireSets, (a) => {
        const interner = new AttributeInterner();
        const got = interner.intern(structuredClone(a));
        const facts = factsOf(got);
        expect(facts).toMatchObject(computeFacts(got));
        expect(factsOf(got)).toBe(facts);
        expect(nextHopOf(got)).toBe(facts.nextHop);
        // The set still knows its interner once it holds its facts.
        expect(interner.owns(got)).toBe(true);
        expect(new AttributeInterner().owns(got)).toBe(false);
        expect(interner.intern(structuredClone(a))).toBe(got);
        // A set nobody interned gets fresh facts each time.
        expect(factsOf(a)).toEqual(computeFacts(a));
      }),
      { numRuns: 200 },
    );
  });
});
