/** fast-check arbitraries for policy terms in the vendor-neutral model (every condition and most actions). */
import { fc } from '@fast-check/vitest';
import type { PolicyTerm } from '../../src/bgp/policy/model.js';

const asn = fc.integer({ min: 1, max: 4294967295 });
const community = fc.oneof(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => `${a}:${b}`), fc.constantFrom('no-export', 'blackhole'));
const communityPattern = fc.oneof(community, fc.integer({ min: 0, max: 65535 }).map((a) => `${a}:*`));
const large = fc.tuple(asn, asn, asn).map((t) => t.join(':'));
const prefixMatch = fc.oneof(
  fc.tuple(fc.integer({ min: 8, max: 24 }), fc.integer({ min: 0, max: 8 })).map(([l, extra]) => `10.0.0.0/${l} le ${l + extra}`),
  fc.constant('2001:db8::/32 ge 40 le 48'),
  fc.constant('203.0.113.0/24'),
);
const one = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.array(a, { minLength: 1, maxLength: 3 }));
export const termArb: fc.Arbitrary<PolicyTerm> = fc.record(
  {
    match: fc.record(
      {
        prefix: one(prefixMatch),
        family: fc.constantFrom('ipv4' as const, 'ipv6' as const),
        community: one(communityPattern),
        'large-community': one(large),
        'as-path-contains': one(asn),
        'origin-as': one(asn),
        'neighbor-as': one(asn),
        'as-path-length': fc.record({ ge: fc.integer({ min: 0, max: 5 }), le: fc.integer({ min: 0, max: 8 }) }, { requiredKeys: [] }),
        'as-path-regex': fc.constantFrom('^65001_', '_65002$'),
        origin: fc.constantFrom('igp' as const, 'egp' as const),
        'next-hop': one(fc.constantFrom('10.0.0.0/8', 'fd00::/8')),
      },
      { requiredKeys: [] },
    ),
    set: fc.record(
      {
        'local-pref': fc.integer({ min: 0, max: 1000 }),
        med: fc.integer({ min: 0, max: 1000 }),
        'next-hop': fc.constantFrom('self', '10.255.0.9'),
        prepend: fc.integer({ min: 1, max: 3 }),
        'community-add': one(community),
        'community-remove': one(communityPattern),
        'community-set': fc.array(community, { maxLength: 2 }),
        'large-community-add': one(large),
      },
      { requiredKeys: [] },
    ),
    action: fc.constantFrom('accept' as const, 'reject' as const, 'next' as const),
  },
  { requiredKeys: ['action'] },
);

