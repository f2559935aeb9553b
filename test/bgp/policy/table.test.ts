import { describe, expect, test } from 'vitest';
import { applyPolicyChain, resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';
import { policySchema } from '../../../src/bgp/policy/model.js';
import { policyTable } from '../../fixtures/policy/table.js';
import { communityNumber, communityText, originName, toPolicyRoute } from './table-route.js';

const sortedTexts = (xs: readonly string[]) => [...xs].sort();

describe('shared policy table', () => {
  test('has at least 40 cases with unique names, every policy valid in the model', () => {
    expect(policyTable.length).toBeGreaterThanOrEqual(40);
    expect(new Set(policyTable.map((c) => c.name)).size).toBe(policyTable.length);
    for (const c of policyTable) for (const p of Object.values(c.policies)) expect(policySchema.safeParse(p).success, c.name).toBe(true);
  });

  test('covers every condition and every set action', () => {
    const conditions = new Set<string>();
    const actions = new Set<string>();
    for (const c of policyTable) {
      for (const p of Object.values(c.policies)) {
        for (const t of p) {
          Object.keys(t.match ?? {}).forEach((k) => conditions.add(k));
          Object.keys(t.set ?? {}).forEach((k) => actions.add(k));
        }
      }
    }
    expect([...conditions].sort()).toEqual(['as-path-contains', 'as-path-length', 'as-path-regex', 'community', 'family', 'large-community', 'neighbor-as', 'next-hop', 'origin', 'origin-as', 'prefix']);
    expect([...actions].sort()).toEqual(['community-add', 'community-remove', 'community-set', 'large-community-add', 'large-community-remove', 'large-community-set', 'local-pref', 'med', 'next-hop', 'origin', 'prepend']);
  });

  test.each(policyTable.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const chain = resolvePolicyChain(c.chain, c.policies);
    const route = toPolicyRoute(c.route);
    const result = applyPolicyChain(chain, route, { localAsn: c.localAsn, ...(c.sessionAddress ? { sessionAddress: c.sessionAddress } : {}) });
    expect(result.verdict).toBe(c.expect.verdict);
    const a = result.route.attributes;
    if (c.expect.localPref !== undefined) expect(a.localPref).toBe(c.expect.localPref);
    if (c.expect.med !== undefined) expect(a.med).toBe(c.expect.med);
    if (c.expect.origin !== undefined) expect(originName(a.origin)).toBe(c.expect.origin);
    if (c.expect.nextHop !== undefined) expect(a.nextHop).toBe(c.expect.nextHop);
    if (c.expect.asPath !== undefined) expect(flatAsPath(a.asPath)).toEqual(c.expect.asPath);
    if (c.expect.communities !== undefined) {
      expect(sortedTexts((a.communities ?? []).map(communityText))).toEqual(sortedTexts(c.expect.communities.map((x) => communityText(communityNumber(x)))));
    }
    if (c.expect.largeCommunities !== undefined) expect(sortedTexts((a.largeCommunities ?? []).map((l) => l.join(':')))).toEqual(sortedTexts(c.expect.largeCommunities));
  });
});
