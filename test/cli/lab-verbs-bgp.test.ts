/**
 * `run --runtime sim,netns` of a BGP scenario through the CLI, as root. Apart from
 * lab-verbs.test.ts (and on its own lab, nsbgp) because most of its time is BIRD's 60 s error
 * wait after the link comes back: the other lab verbs run beside it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needTools } from '../support/need-tools.js';
import { runCli } from '../support/run-cli.js';

const reason = needTools(['ip', 'ping', 'bird'], { root: true });
const fixtures = join(import.meta.dirname, 'fixtures');
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-nsbgp-'));

const cli = (...argv: string[]) => runCli(fixtures, argv);

describe.skipIf(reason)('run --runtime sim,netns (root)', () => {
  afterAll(async () => {
    await cli('down', join(fixtures, 'pair-bgp-lab.yml'));
  });

  it('runs the same BGP scenario on sim and on netns (real BIRD) with the same verdicts', async () => {
    const r = await cli('run', 'pair-bgp.yml', '--runtime', 'sim,netns');
    expect(r.stdout).not.toContain('difference at step');
    expect(r.stdout).toContain('2/2 scenarios passed');
    expect(r.code).toBe(0);
    expect(namespaces()).toEqual([]);
  }, 240_000);
});
