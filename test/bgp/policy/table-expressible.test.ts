/**
 * The shared table promises that each case can be written for every daemon it is not marked
 * `notFor`: run the real config writers (src/emit/) on a small lab whose receiving router uses
 * the case's policies, and require that they accept it.
 */
import { describe, expect, test } from 'vitest';
import { birdConfig } from '../../../src/emit/bird.js';
import { frrConfig } from '../../../src/emit/frr.js';
import { gobgpConfig } from '../../../src/emit/gobgp.js';
import type { ConfigWriter } from '../../../src/emit/config-file.js';
import { sampleLab } from '../../fixtures/emit/sample-lab.js';
import { policyTable, type Daemon } from '../../fixtures/policy/table.js';

const writers: Record<Daemon, ConfigWriter> = { bird: birdConfig, frr: frrConfig, gobgp: gobgpConfig };

const cases = policyTable.flatMap((c) => (['bird', 'frr', 'gobgp'] as const).filter((d) => !c.notFor?.includes(d)).map((d) => [c.name, d, c] as const));

describe('every table case is expressible where it claims to be', () => {
  test.each(cases)('%s (%s)', (_name, daemon, c) => {
    const lab = sampleLab();
    lab.policies = c.policies;
    const r2 = lab.nodes.find((n) => n.name === 'r2')!;
    r2.kind = daemon;
    const session = lab.sessions[0]!;
    if (c.direction === 'export') session.b.export = c.chain;
    else session.b.import = c.chain;
    const files = writers[daemon](lab, r2);
    expect(files.length).toBeGreaterThan(0);
  });
});

test('the check has teeth: a case marked notFor a daemon is refused by that daemon\'s writer', () => {
  for (const c of policyTable.filter((x) => x.notFor?.length)) {
    for (const daemon of c.notFor!) {
      const lab = sampleLab();
      lab.policies = c.policies;
      const r2 = lab.nodes.find((n) => n.name === 'r2')!;
      r2.kind = daemon;
      lab.sessions[0]!.b.import = c.chain;
      expect(() => writers[daemon](lab, r2), `${c.name} (${daemon})`).toThrow(/cannot express/);
    }
  }
});
