/**
 * The policy translation table: each feature of the model, and the fragment each daemon's
 * writer emits for it (docs/policy.md shows the same table). Plus properties of the shared
 * helpers the translators build on.
 */
import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import type { Policy, PolicyTerm } from '../../src/bgp/policy/model.js';
import { birdConfig } from '../../src/emit/bird.js';
import { frrConfig } from '../../src/emit/frr.js';
import { gobgpConfig } from '../../src/emit/gobgp.js';
import { asPathLengthRegex, asPathRegexes, parsePrefixMatches } from '../../src/emit/policy-terms.js';
import { FlatlabError } from '../../src/config/diagnostics.js';
import { fixtureLab, labNode } from './fixture-lab.js';
import { termArb } from './policy-arbitraries.js';

/** Config text of r2 (FRR, GoBGP) or r1 (BIRD) with `regex-in` / `customer-in` replaced by one term. */
function render(daemon: 'bird' | 'frr' | 'gobgp', term: PolicyTerm): string {
  const lab = fixtureLab();
  const policy: Policy = [term];
  for (const name of Object.keys(lab.policies)) if (name !== 'all' && name !== 'none') lab.policies[name] = [{ action: 'next' }];
  lab.policies['customer-in'] = policy;
  if (daemon === 'bird') return birdConfig(lab, labNode(lab, 'r1'))[0]!.content;
  if (daemon === 'frr') return frrConfig(lab, labNode(lab, 'r2'))[0]!.content;
  return gobgpConfig(lab, labNode(lab, 'r2'))[0]!.content;
}

const table: Array<{ feature: string; term: PolicyTerm; bird: string[]; frr: string[]; gobgp: string[] }> = [
  { feature: 'prefix le', term: { match: { prefix: '203.0.113.0/24 le 28' }, action: 'accept' }, bird: ['net ~ [ 203.0.113.0/24{24,28} ]'], frr: ['ip prefix-list customer-in-1-prefix-ipv4 seq 5 permit 203.0.113.0/24 le 28', 'match ip address prefix-list customer-in-1-prefix-ipv4'], gobgp: ['ip-prefix = "203.0.113.0/24"', 'masklength-range = "24..28"'] },
  { feature: 'prefix exact', term: { match: { prefix: '203.0.113.0/24' }, action: 'accept' }, bird: ['net ~ [ 203.0.113.0/24 ]'], frr: ['permit 203.0.113.0/24\n'], gobgp: ['ip-prefix = "203.0.113.0/24"\n'] },
  { feature: 'family', term: { match: { family: 'ipv6' }, action: 'accept' }, bird: ['(net.type = NET_IP6)'], frr: ['! policy customer-in term 1: cannot match ipv4 routes, left out'], gobgp: ['afi-safi-in-list = ["ipv6-unicast"]'] },
  { feature: 'community', term: { match: { community: ['65000:100', 'no-export'] }, action: 'accept' }, bird: ['bgp_community ~ [(65000,100), (65535,65281)]'], frr: ['bgp community-list standard customer-in-1-community seq 5 permit 65000:100', 'seq 10 permit no-export', 'match community customer-in-1-community'], gobgp: ['community-list = ["^65000:100$", "^65535:65281$"]'] },
  { feature: 'community wildcard', term: { match: { community: '65000:*' }, action: 'accept' }, bird: ['[(65000,*)]'], frr: ['bgp community-list expanded customer-in-1-community seq 5 permit _65000:[0-9]+_'], gobgp: ['"^65000:[0-9]+$"'] },
  { feature: 'large community', term: { match: { 'large-community': '65000:1:*' }, action: 'accept' }, bird: ['bgp_large_community ~ [(65000,1,*)]'], frr: ['bgp large-community-list expanded customer-in-1-large-community seq 5 permit _65000:1:[0-9]+_'], gobgp: ['large-community-list = ["^65000:1:[0-9]+$"]'] },
  { feature: 'as-path-contains', term: { match: { 'as-path-contains': 64512 }, action: 'accept' }, bird: ['bgp_path ~ [= * 64512 * =]'], frr: ['permit _64512_'], gobgp: ['as-path-list = ["_64512_"]'] },
  { feature: 'origin-as', term: { match: { 'origin-as': [64512, 64513] }, action: 'accept' }, bird: ['bgp_path.last ~ [64512, 64513]'], frr: ['permit _(64512|64513)$'], gobgp: ['"_(64512|64513)$"'] },
  { feature: 'neighbor-as', term: { match: { 'neighbor-as': 64512 }, action: 'accept' }, bird: ['bgp_path.first ~ [64512]'], frr: ['permit ^64512_'], gobgp: ['"^64512_"'] },
  { feature: 'as-path-length', term: { match: { 'as-path-length': { ge: 2 } }, action: 'accept' }, bird: ['(bgp_path.len >= 2)'], frr: ['permit ^([0-9]+|\\{[0-9, ]+\\})( ([0-9]+|\\{[0-9, ]+\\})){1,}$'], gobgp: ['operator = "ge"', 'value = 2'] },
  { feature: 'next-hop', term: { match: { 'next-hop': '10.0.0.0/8' }, action: 'accept' }, bird: ['(bgp_next_hop.is_v4 && bgp_next_hop ~ 10.0.0.0/8)'], frr: ['permit 10.0.0.0/8 le 32', 'match ip next-hop prefix-list'], gobgp: ['next-hop-in-list = ["10.0.0.0/8"]'] },
  { feature: 'reject', term: { action: 'reject' }, bird: ['return FLATLAB_REJECT;'], frr: ['route-map r1-ipv4-in deny 30\n description policy customer-in term 1'], gobgp: ['route-disposition = "reject-route"'] },
  { feature: 'next', term: { set: { 'local-pref': 50 }, action: 'next' }, bird: ['bgp_local_pref = 50;\n  return FLATLAB_NEXT;'], frr: [' set local-preference 50\n on-match next'], gobgp: ['    [policy-definitions.statements.actions]\n      [policy-definitions.statements.actions.bgp-actions]\n        set-local-pref = 50'] },
  { feature: 'med', term: { set: { med: 7 }, action: 'accept' }, bird: ['bgp_med = 7;'], frr: ['set metric 7'], gobgp: ['set-med = "7"'] },
  { feature: 'next-hop self', term: { set: { 'next-hop': 'self' }, action: 'accept' }, bird: ['bgp_next_hop = self_addr;'], frr: ['set ip next-hop peer-address'], gobgp: ['set-next-hop = "self"'] },
  { feature: 'prepend', term: { set: { prepend: 2 }, action: 'accept' }, bird: ['bgp_path.prepend(65001);\n  bgp_path.prepend(65001);'], frr: ['set as-path prepend 65002 65002'], gobgp: ['as = "65002"', 'repeat-n = 2'] },
  { feature: 'community-add', term: { set: { 'community-add': '65000:1' }, action: 'accept' }, bird: ['bgp_community.add((65000,1));'], frr: ['set community 65000:1 additive'], gobgp: ['options = "add"', 'communities-list = ["65000:1"]'] },
  { feature: 'community-remove', term: { set: { 'community-remove': '65000:*' }, action: 'accept' }, bird: ['bgp_community.delete([(65000,*)]);'], frr: ['set comm-list customer-in-1-community-remove delete'], gobgp: ['options = "remove"', 'communities-list = ["^65000:[0-9]+$"]'] },
  { feature: 'community-set empty', term: { set: { 'community-set': [] }, action: 'accept' }, bird: ['bgp_community = -empty-;'], frr: ['set community none'], gobgp: ['options = "remove"', 'communities-list = [".*"]'] },
  { feature: 'large-community-add', term: { set: { 'large-community-add': '65000:1:2' }, action: 'accept' }, bird: ['bgp_large_community.add((65000,1,2));'], frr: ['set large-community 65000:1:2 additive'], gobgp: ['set-large-community-method]\n          communities-list = ["65000:1:2"]'] },
];

describe('policy translation table', () => {
  for (const row of table) {
    test(`${row.feature}`, () => {
      for (const daemon of ['bird', 'frr', 'gobgp'] as const) {
        const text = render(daemon, row.term);
        for (const fragment of row[daemon]) expect(text, `${daemon}: ${row.feature}`).toContain(fragment);
      }
    });
  }
});

const asPathElement = fc.oneof(fc.integer({ min: 1, max: 4294967295 }).map(String), fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }).map((s) => `{${s.join(',')}}`));

describe('shared helpers', () => {
  ptest.prop([fc.array(asPathElement, { maxLength: 12 }), fc.integer({ min: 0, max: 8 }), fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined })])(
    'asPathLengthRegex matches a path exactly when its length (AS_SET counting 1) is in range',
    (path, min, max) => {
      const regex = asPathLengthRegex(min, max);
      const inRange = path.length >= min && (max === undefined || path.length <= max);
      const matches = regex === undefined ? true : new RegExp(regex).test(path.join(' '));
      expect(matches).toBe(inRange);
    },
  );

  ptest.prop([fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 })])('parsePrefixMatches keeps length ≤ ge ≤ le', (len, ge, le) => {
    const [p] = parsePrefixMatches([`0.0.0.0/${len} ge ${ge} le ${le}`]);
    expect(p!.length <= p!.ge && p!.ge <= p!.le).toBe(true);
  });

  test('policy names that collide as identifiers are reported', () => {
    const lab = fixtureLab();
    lab.policies['customer_in'] = [{ action: 'accept' }];
    lab.sessions[0]!.a.export = ['customer_in'];
    expect(() => birdConfig(lab, labNode(lab, 'r1'))).toThrow(/"customer-in" and "customer_in" differ only in punctuation/);
  });

  test('neighbor-as and origin-as together are one regex that also matches the one-AS path', () => {
    const [r] = asPathRegexes({ 'neighbor-as': 65001, 'origin-as': [65001, 65003] }, { nativeLength: false });
    const re = new RegExp(r!.regex.replace(/_/g, '(^|[ ]|$)'));
    expect(['65001 65003', '65001 7 65003', '65001'].map((p) => re.test(p))).toEqual([true, true, true]);
    expect(['65002 65003', '65001 65004'].map((p) => re.test(p))).toEqual([false, false]);
  });
});

describe('writers on random policies', () => {
  ptest.prop([fc.array(termArb, { minLength: 1, maxLength: 4 })], { numRuns: 150 })(
    'every writer either writes its files or throws a typed error naming the node (never an untyped crash)',
    (terms) => {
      for (const [writer, node] of [[birdConfig, 'r1'], [frrConfig, 'r2'], [gobgpConfig, 'r3']] as const) {
        const lab = fixtureLab();
        lab.policies['customer-in'] = terms;
        try {
          const files = writer(lab, labNode(lab, node));
          expect(files.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(FlatlabError);
          expect((e as FlatlabError).code).toMatch(/^emit\./);
          expect((e as Error).message).toContain(`node ${node}`);
        }
      }
    },
  );
});
