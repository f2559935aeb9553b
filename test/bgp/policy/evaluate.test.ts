import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { applyPolicyChain, resolvePolicyChain, type PolicyRoute } from '../../../src/bgp/policy/evaluate.js';
import { compilePolicy } from '../../../src/bgp/policy/compile.js';
import { asPathLength, asPathText, prependAsPath } from '../../../src/bgp/policy/as-path.js';
import { PolicyCompileError, UnknownPolicyError } from '../../../src/bgp/policy/errors.js';
import type { Policy, PolicyMatch, PolicySet, PolicyTerm } from '../../../src/bgp/policy/model.js';
import type { AsPathSegment, AsPathSegmentType, PathAttributes } from '../../../src/bgp/wire/types.js';
import { referenceEvaluate, type RefRoute, type RefSegment } from './reference.js';
import { communityNumber, communityText, largeTuple } from './table-route.js';

const ctx = { localAsn: 65010, sessionAddress: '192.0.2.10' };

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

describe('applyPolicyChain', () => {
  const route: PolicyRoute = deepFreeze({
    prefix: '203.0.113.0/24',
    attributes: { origin: 0, asPath: [{ type: 2, asns: [65002, 65001] }], nextHop: '192.0.2.2', communities: [communityNumber('65000:1')] },
  });

  test('never mutates its input and returns frozen attributes', () => {
    const before = JSON.stringify(route);
    const policy: Policy = [{ set: { prepend: 2, 'community-add': '65010:1', 'local-pref': 5, 'next-hop': 'self' }, action: 'accept' }];
    const r = applyPolicyChain([{ name: 'p', policy }], route, ctx);
    expect(JSON.stringify(route)).toBe(before);
    expect(r.verdict).toBe('accept');
    expect(Object.isFrozen(r.route.attributes)).toBe(true);
    expect(Object.isFrozen(r.route.attributes.communities)).toBe(true);
    expect(r.route.attributes.nextHop).toBe('192.0.2.10');
    expect(r.route.attributes.asPath).toEqual([{ type: 2, asns: [65010, 65010, 65002, 65001] }]);
  });

  test('an accepted route with no set actions is the input object itself', () => {
    const r = applyPolicyChain(resolvePolicyChain(['all'], {}), route, ctx);
    expect(r.route).toBe(route);
  });

  test('a rejected route is returned unchanged even when earlier terms set attributes', () => {
    const policy: Policy = [{ set: { 'local-pref': 1 }, action: 'next' }, { action: 'reject' }];
    const r = applyPolicyChain([{ name: 'p', policy }], route, ctx);
    expect(r.verdict).toBe('reject');
    expect(r.route).toBe(route);
  });

  test('the trace names each term visited and its action', () => {
    const chain = resolvePolicyChain(['a', 'all'], { a: [{ match: { community: '65000:9' }, action: 'reject' }, { set: { med: 1 }, action: 'next' }] });
    expect(applyPolicyChain(chain, route, ctx).trace).toEqual([
      { policy: 'a', term: 0, matched: false },
      { policy: 'a', term: 1, matched: true, action: 'next' },
      { policy: 'all', term: 0, matched: true, action: 'accept' },
    ]);
  });

  test('next-hop self without a session address leaves the next hop', () => {
    const r = applyPolicyChain([{ name: 'p', policy: [{ set: { 'next-hop': 'self' }, action: 'accept' }] }], route, { localAsn: 1 });
    expect(r.route.attributes.nextHop).toBe('192.0.2.2');
  });

  test('unknown policy names are typed errors with a suggestion', () => {
    expect(() => resolvePolicyChain(['cusomer-in'], { 'customer-in': [{ action: 'accept' }] })).toThrow(UnknownPolicyError);
    expect(() => resolvePolicyChain(['cusomer-in'], { 'customer-in': [{ action: 'accept' }] })).toThrow(/did you mean "customer-in"/);
    expect(() => resolvePolicyChain(['toString'], {})).toThrow(UnknownPolicyError);
  });

  test('bad patterns are compile errors naming the term', () => {
    expect(() => compilePolicy([{ action: 'accept' }, { match: { 'as-path-regex': '(' }, action: 'accept' }])).toThrow(PolicyCompileError);
    expect(() => compilePolicy([{ match: { prefix: '300.0.0.0/8' }, action: 'accept' }])).toThrow(/term 1, prefix/);
    expect(() => compilePolicy([{ set: { 'next-hop': 'router' }, action: 'accept' }])).toThrow(/neither "self" nor an IP address/);
  });
});

describe('AS path views', () => {
  const withSet: AsPathSegment[] = [{ type: 2, asns: [65002, 65003] }, { type: 1, asns: [65004, 65005, 65006] }];

  test('an AS_SET counts one and confederation segments none (RFC 4271 §9.1.2.2)', () => {
    expect(asPathLength(withSet)).toBe(3);
    expect(asPathLength([{ type: 3, asns: [64512, 64513] }, ...withSet])).toBe(3);
  });

  test('text form follows FRR: sets in braces with commas', () => {
    expect(asPathText(withSet)).toBe('65002 65003 {65004,65005,65006}');
  });

  test('regex boundaries see set members and braces', () => {
    const policy: Policy = [{ match: { 'as-path-regex': '_65005_' }, action: 'accept' }];
    const r = applyPolicyChain([{ name: 'p', policy }], { prefix: '10.0.0.0/8', attributes: { asPath: withSet } }, ctx);
    expect(r.verdict).toBe('accept');
  });

  test('a path ending in an AS_SET has no origin AS; contains still sees set members', () => {
    const route = { prefix: '10.0.0.0/8', attributes: { asPath: withSet } };
    expect(applyPolicyChain([{ name: 'p', policy: [{ match: { 'origin-as': 65006 }, action: 'accept' }] }], route, ctx).verdict).toBe('reject');
    expect(applyPolicyChain([{ name: 'p', policy: [{ match: { 'as-path-contains': 65006 }, action: 'accept' }] }], route, ctx).verdict).toBe('accept');
  });

  test('prepend splits segments at 255 ASNs', () => {
    const p = prependAsPath([{ type: 2, asns: [1, 2] }], 9, 300);
    expect(p.map((s) => s.asns.length)).toEqual([47, 255]);
    expect(p.flatMap((s) => s.asns).slice(-3)).toEqual([9, 1, 2]);
  });
});

// ---------------------------------------------------------------- engine == reference

const prefixes = ['203.0.113.0/24', '203.0.113.128/25', '203.0.113.64/26', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '198.51.100.0/24', '2001:db8::/32', '2001:db8:1::/48', '2001:db8:1:2::/64', '2001:db9::/48', '::/0', '0.0.0.0/0'];
const prefixPatterns = ['203.0.113.0/24', '203.0.113.0/24 le 28', '10.0.0.0/8 ge 16 le 24', '10.0.0.0/8 ge 24', '0.0.0.0/0 le 32', '2001:db8::/32 le 48', '2001:db8::/32 ge 64', '2001:db8:1::/48', '::/0 le 128', '198.51.100.0/23 le 24'];
const nextHops = ['192.0.2.2', '192.0.2.200', '198.51.100.1', '2001:db8:ffff::2', 'fe80::1'];
const nextHopPatterns = ['192.0.2.0/24', '192.0.2.0/25', '198.51.100.0/24', '2001:db8::/32', 'fe80::/10'];
const asns = [65001, 65002, 65003, 65010, 6500, 650011];
const communities = ['65000:100', '65000:200', '65001:100', '65535:65281', '0:0', '65010:1'];
const communityPatterns = ['65000:100', '65000:*', '*:100', 'no-export', '*:*', '65010:1'];
const larges = ['65000:1:1', '65000:1:2', '65001:1:1', '4200000000:7:7'];
const largePatterns = ['65000:1:1', '65000:*:*', '*:1:*', '4200000000:7:*'];
const regexes = ['^65002_', '_65001$', '_6500_', '_65001_', '^$', '65003', '_65002_65001_', '{', '^(65002_)+65001$'];

const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));

const conditionArbs = {
  prefix: oneOrMany(fc.constantFrom(...prefixPatterns)),
  family: fc.constantFrom('ipv4' as const, 'ipv6' as const),
  community: oneOrMany(fc.constantFrom(...communityPatterns)),
  'large-community': oneOrMany(fc.constantFrom(...largePatterns)),
  'as-path-contains': oneOrMany(fc.constantFrom(...asns)),
  'origin-as': oneOrMany(fc.constantFrom(...asns)),
  'neighbor-as': oneOrMany(fc.constantFrom(...asns)),
  'as-path-length': fc.record({ ge: fc.integer({ min: 0, max: 4 }), le: fc.integer({ min: 0, max: 6 }) }, { requiredKeys: [] }),
  'as-path-regex': fc.constantFrom(...regexes),
  origin: fc.constantFrom('igp' as const, 'egp' as const, 'incomplete' as const),
  'next-hop': oneOrMany(fc.constantFrom(...nextHopPatterns)),
};
/** Few conditions per term (0-2), so that terms match often enough for the sets and verdicts to matter. */
const matchArb: fc.Arbitrary<PolicyMatch> = fc
  .uniqueArray(fc.constantFrom(...(Object.keys(conditionArbs) as Array<keyof typeof conditionArbs>)), { maxLength: 2 })
  .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, conditionArbs[k]])) as Record<string, fc.Arbitrary<unknown>>))
  .map((m) => m as PolicyMatch);

const setArb: fc.Arbitrary<PolicySet> = fc.record({
  'local-pref': fc.integer({ min: 0, max: 1000 }),
  med: fc.integer({ min: 0, max: 1000 }),
  origin: fc.constantFrom('igp' as const, 'egp' as const, 'incomplete' as const),
  'next-hop': fc.constantFrom('self', '192.0.2.77', '2001:db8::77'),
  prepend: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.record({ asn: fc.constantFrom(...asns), count: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ['count'] })),
  'community-add': oneOrMany(fc.constantFrom(...communities, 'no-export', 'blackhole')),
  'community-remove': oneOrMany(fc.constantFrom(...communityPatterns)),
  'community-set': fc.array(fc.constantFrom(...communities), { maxLength: 3 }),
  'large-community-add': oneOrMany(fc.constantFrom(...larges)),
  'large-community-remove': oneOrMany(fc.constantFrom(...largePatterns)),
  'large-community-set': fc.array(fc.constantFrom(...larges), { maxLength: 2 }),
}, { requiredKeys: [] });

const termArb: fc.Arbitrary<PolicyTerm> = fc.record({
  match: matchArb,
  set: setArb,
  action: fc.constantFrom('accept' as const, 'reject' as const, 'next' as const),
}, { requiredKeys: ['action'] });

const policiesArb = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.array(termArb, { minLength: 1, maxLength: 4 }), { minKeys: 1 });

const SEGMENT_KINDS: Record<RefSegment['kind'], AsPathSegmentType> = { set: 1, seq: 2, 'confed-seq': 3, 'confed-set': 4 };
const segmentArb: fc.Arbitrary<RefSegment> = fc.record({
  kind: fc.constantFrom<RefSegment['kind']>('seq', 'seq', 'seq', 'set', 'confed-seq', 'confed-set'),
  asns: fc.array(fc.constantFrom(...asns), { minLength: 1, maxLength: 4 }),
});

const refRouteArb: fc.Arbitrary<RefRoute> = fc.record({
  prefix: fc.constantFrom(...prefixes),
  origin: fc.constantFrom('igp' as const, 'egp' as const, 'incomplete' as const),
  asPath: fc.array(segmentArb, { maxLength: 3 }),
  nextHop: fc.constantFrom(...nextHops),
  med: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  localPref: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
  communities: fc.uniqueArray(fc.constantFrom(...communities), { maxLength: 3 }),
  largeCommunities: fc.uniqueArray(fc.constantFrom(...larges), { maxLength: 2 }),
});

const ORIGINS = ['igp', 'egp', 'incomplete'] as const;

function toEngine(r: RefRoute): PolicyRoute {
  const attributes: PathAttributes = {
    origin: ORIGINS.indexOf(r.origin) as 0 | 1 | 2,
    asPath: r.asPath.map((s) => ({ type: SEGMENT_KINDS[s.kind], asns: [...s.asns] })),
    nextHop: r.nextHop,
    ...(r.med !== undefined ? { med: r.med } : {}),
    ...(r.localPref !== undefined ? { localPref: r.localPref } : {}),
    ...(r.communities.length ? { communities: r.communities.map(communityNumber) } : {}),
    ...(r.largeCommunities.length ? { largeCommunities: r.largeCommunities.map(largeTuple) } : {}),
  };
  return { prefix: r.prefix, attributes };
}

/** Compare on what a route means: adjacent sequences merged (prepend may or may not open a new segment), communities as sets. */
function normalise(r: PolicyRoute) {
  const a = r.attributes;
  const path: Array<{ type: number; asns: number[] }> = [];
  for (const s of a.asPath ?? []) {
    const last = path[path.length - 1];
    if (last && last.type === 2 && s.type === 2) last.asns.push(...s.asns);
    else path.push({ type: s.type, asns: [...s.asns] });
  }
  return {
    prefix: r.prefix,
    origin: a.origin,
    path,
    nextHop: a.nextHop,
    med: a.med,
    localPref: a.localPref,
    communities: [...new Set((a.communities ?? []).map(communityText))].sort(),
    large: [...new Set((a.largeCommunities ?? []).map((l) => l.join(':')))].sort(),
  };
}

describe('compiled engine equals the reference interpreter', () => {
  test('random policies × random routes', () => {
    fc.assert(
      fc.property(policiesArb, fc.array(fc.constantFrom('a', 'b', 'c', 'all', 'none'), { minLength: 1, maxLength: 3 }), refRouteArb, (policies, names, ref) => {
        const chainNames = names.filter((n) => n === 'all' || n === 'none' || n in policies);
        fc.pre(chainNames.length > 0);
        const chain = resolvePolicyChain(chainNames, policies);
        const engine = applyPolicyChain(chain, toEngine(ref), ctx);
        const expected = referenceEvaluate(chain, ref, ctx.localAsn, ctx.sessionAddress);
        expect(engine.verdict).toBe(expected.verdict);
        expect(engine.trace.map((t) => `${t.policy}#${t.term}:${t.matched ? t.action : 'no'}`)).toEqual(expected.trace);
        expect(normalise(engine.route)).toEqual(normalise(toEngine(expected.route)));
      }),
      { numRuns: 1500 },
    );
  });

  test('the generators reach both verdicts and every condition both ways', () => {
    // Guards the property above against generators that never exercise a branch.
    const seen = new Set<string>();
    fc.assert(
      fc.property(matchArb, refRouteArb, (match, ref) => {
        for (const [k, v] of Object.entries(match)) {
          const policy: Policy = [{ match: { [k]: v } as PolicyMatch, action: 'accept' }];
          seen.add(`${k}:${applyPolicyChain([{ name: 'p', policy }], toEngine(ref), ctx).verdict}`);
        }
      }),
      { numRuns: 2000 },
    );
    const keys = ['prefix', 'family', 'community', 'large-community', 'as-path-contains', 'origin-as', 'neighbor-as', 'as-path-length', 'as-path-regex', 'origin', 'next-hop'];
    for (const k of keys) {
      expect(seen.has(`${k}:accept`), `${k} accepts sometimes`).toBe(true);
      expect(seen.has(`${k}:reject`), `${k} rejects sometimes`).toBe(true);
    }
  });
});
