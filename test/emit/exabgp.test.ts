import { describe, expect, test } from 'vitest';
import { exabgpConfig } from '../../src/emit/exabgp.js';
import { PolicyTranslationError } from '../../src/emit/policy-terms.js';
import { expectGolden } from './golden.js';
import { fixtureLab, labNode } from './fixture-lab.js';

describe('exabgpConfig', () => {
  test('writes exabgp.conf for the fixture node r5 (golden): neighbor blocks announcing the originated prefixes', () => {
    const lab = fixtureLab();
    const files = exabgpConfig(lab, labNode(lab, 'r5'));
    expectGolden('r5/exabgp.conf', files[0]!.content);
    expect(files[0]!.content).toContain('    route 100.64.0.0/24 next-hop self;\n    route 100.64.1.0/24 next-hop self;');
  });

  test('export none announces nothing', () => {
    const lab = fixtureLab();
    lab.sessions[4]!.b.export = ['none'];
    expect(exabgpConfig(lab, labNode(lab, 'r5'))[0]!.content).not.toContain('static');
  });

  test('a filtering policy is reported: ExaBGP has no policy engine', () => {
    const lab = fixtureLab();
    lab.sessions[4]!.b.import = ['customer-in'];
    expect(() => exabgpConfig(lab, labNode(lab, 'r5'))).toThrow(PolicyTranslationError);
    expect(() => exabgpConfig(lab, labNode(lab, 'r5'))).toThrow(/import chain \[customer-in\] on the session to r4: ExaBGP has no policy engine/);
  });
});
