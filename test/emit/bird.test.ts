import { describe, expect, test } from 'vitest';
import { birdConfig } from '../../src/emit/bird.js';
import { PolicyTranslationError } from '../../src/emit/policy-terms.js';
import { expectGolden } from './golden.js';
import { fixtureLab, labNode } from './fixture-lab.js';

describe('birdConfig', () => {
  test('writes bird.conf for the fixture node r1 (golden)', () => {
    const lab = fixtureLab();
    const files = birdConfig(lab, labNode(lab, 'r1'));
    expect(files.map((f) => f.path)).toEqual(['bird.conf']);
    expectGolden('r1/bird.conf', files[0]!.content);
  });

  test('one protocol bgp per session, with multihop, rr client and next hop self where the lab says so', () => {
    const lab = fixtureLab();
    const r2 = labNode(lab, 'r2');
    r2.kind = 'bird';
    lab.policies['regex-in'] = [{ match: { 'as-path-contains': 65001 }, action: 'accept' }];
    const text = birdConfig(lab, r2)[0]!.content;
    expect(text.match(/^protocol bgp /gm)).toHaveLength(3);
    expect(text).toContain('protocol bgp bgp_r3_ipv4 {\n  description "ibgp r2 -> r3 (ipv4, loopbacks)";\n  local 10.255.0.2 as 65002;\n  neighbor 10.255.0.3 as 65002;\n  multihop;\n  rr client;\n  rr cluster id 10.255.0.2;\n  ipv4 {\n    next hop self;');
    expect(text).toContain('route 10.255.0.3/32 via 10.0.0.3%eth2;');
    expect(text).toContain('route 198.51.100.0/24 blackhole;');
  });

  test('as-path-regex is reported with node, policy and term, and a way out', () => {
    const lab = fixtureLab();
    const r2 = labNode(lab, 'r2');
    r2.kind = 'bird';
    let err: unknown;
    try {
      birdConfig(lab, r2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyTranslationError);
    const e = err as PolicyTranslationError;
    expect(e.code).toBe('emit.policy-unsupported');
    expect(e.message).toBe('BIRD cannot express policy "regex-in", term 1 (from-65001) on node r2: as-path-regex "^65001_" (BIRD path masks are not regular expressions)');
    expect(e.hint).toMatch(/as-path-contains, origin-as, neighbor-as/);
  });
});
