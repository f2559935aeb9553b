import { describe, expect, test } from 'vitest';
import { gobgpConfig } from '../../src/emit/gobgp.js';
import { PolicyTranslationError } from '../../src/emit/policy-terms.js';
import { expectGolden } from './golden.js';
import { fixtureLab, labNode } from './fixture-lab.js';

describe('gobgpConfig', () => {
  test('writes gobgpd.toml and gobgp-originate.sh for the fixture node r3 (golden)', () => {
    const lab = fixtureLab();
    const files = gobgpConfig(lab, labNode(lab, 'r3'));
    expect(files.map((f) => [f.path, f.mode])).toEqual([['gobgpd.toml', undefined], ['gobgp-originate.sh', 0o755]]);
    for (const f of files) expectGolden(`r3/${f.path}`, f.content);
  });

  test('chains become the global policy lists, each copy scoped to its peer and ending in its own reject; next-hop-self leads the export chain', () => {
    const lab = fixtureLab();
    const r2 = labNode(lab, 'r2');
    lab.policies['origin-ops'] = [{ action: 'next' }];
    const text = gobgpConfig(lab, r2)[0]!.content;
    // Outside route-server mode GoBGP applies only global.apply-policy (its policy.md).
    expect(text).not.toContain('[neighbors.apply-policy');
    expect(text).toContain('  import-policy-list = ["policy-regex-in@peer-10.0.0.0", "policy-origin-ops@peer-10.0.0.0", "policy-customer-in@peer-10.0.0.0", "flatlab-end-of-chain@peer-10.0.0.0", "policy-all@peer-fd00_1__", "flatlab-end-of-chain@peer-fd00_1__", "policy-all@peer-10.255.0.3", "flatlab-end-of-chain@peer-10.255.0.3"]\n  default-import-policy = "accept-route"');
    expect(text).toContain('  export-policy-list = ["policy-tag-out@peer-10.0.0.0", "policy-all@peer-10.0.0.0", "policy-tag-out@peer-fd00_1__", "policy-all@peer-fd00_1__", "flatlab-next-hop-self@peer-10.255.0.3", "policy-all@peer-10.255.0.3"]\n  default-export-policy = "reject-route"');
    expect(text).toContain('[[defined-sets.neighbor-sets]]\n  neighbor-set-name = "peer-10.255.0.3"\n  neighbor-info-list = ["10.255.0.3"]');
    expect(text).toContain('    name = "next-hop-self@peer-10.255.0.3"\n    [policy-definitions.statements.conditions.match-neighbor-set]\n      neighbor-set = "peer-10.255.0.3"\n      match-set-options = "any"');
    expect(text).toContain('    route-reflector-client = true\n    route-reflector-cluster-id = "10.255.0.2"');
  });

  test('origin conditions and actions are reported: gobgpd 3.10 parses them but does not apply them', () => {
    const lab = fixtureLab();
    lab.policies['regex-in'] = [{ match: { origin: 'igp' }, action: 'accept' }];
    expect(() => gobgpConfig(lab, labNode(lab, 'r3'))).toThrow(PolicyTranslationError);
    lab.policies['regex-in'] = [{ set: { origin: 'igp' }, action: 'accept' }];
    expect(() => gobgpConfig(lab, labNode(lab, 'r3'))).toThrow(/no origin action/);
  });

  test('removing and adding communities in one term is reported (one community action per statement)', () => {
    const lab = fixtureLab();
    lab.policies['regex-in'] = [{ set: { 'community-remove': '1:*', 'community-add': '1:2' }, action: 'accept' }];
    expect(() => gobgpConfig(lab, labNode(lab, 'r3'))).toThrow(/both removes and adds community values/);
  });
});
