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

  test('chains become policy lists with reject-route defaults; next-hop-self is a leading export policy', () => {
    const lab = fixtureLab();
    const r2 = labNode(lab, 'r2');
    lab.policies['origin-ops'] = [{ action: 'next' }];
    const text = gobgpConfig(lab, r2)[0]!.content;
    expect(text).toContain('    import-policy-list = ["policy-all"]\n    default-import-policy = "reject-route"\n    export-policy-list = ["flatlab-next-hop-self", "policy-all"]\n    default-export-policy = "reject-route"');
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
