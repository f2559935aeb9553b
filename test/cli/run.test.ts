import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { runCli } from '../support/run-cli.js';

const root = join(import.meta.dirname, '../..');

const cli = (...argv: string[]) => runCli(root, argv);

describe('flatlab run (sim)', () => {
  it('passes the backbone scenarios and writes JUnit XML', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'flatlab-junit-')), 'report.xml');
    const r = await cli('run', 'scenarios/bgp-backbone', '--junit', junit);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/(\d+)\/\1 scenarios passed/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="flatlab" tests="\d+" failures="0" errors="0"/);
    expect(xml).toContain('file="scenarios/bgp-backbone/01-baseline.yml"');
  });

  it('fails a wrong expectation saying what was expected, what was seen and for how long', async () => {
    const r = await cli('run', 'test/cli/fixtures/wrong/wrong-path.yml');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('expected: best route for 203.0.113.0/24 with as-path [65000 65002 65001]');
    expect(r.stdout).toContain('observed: as-path [65000 65001], next-hop');
    expect(r.stdout).toContain('(differs in as-path)');
    expect(r.stdout).toMatch(/tried: +\d+ times over 30s/);
    expect(r.stdout).toContain('at test/cli/fixtures/wrong/wrong-path.yml:5:5');
  });

  it('prints machine-readable results with --json and nothing else on stdout', async () => {
    const r = await cli('run', 'scenarios/bgp-backbone/02-leak-filter.yml', '--json');
    const doc = JSON.parse(r.stdout);
    expect(doc.passed).toBe(true);
    expect(doc.scenarios[0].steps.every((s: { status: string }) => s.status === 'passed')).toBe(true);
  });

  it('exits 2 without running anything for an invalid scenario or a bad flag', async () => {
    expect((await cli('run', 'test/scenario/fixtures/broken.yml')).code).toBe(2);
    const bad = await cli('run', 'scenarios/bgp-backbone', '--runtime', 'qemu');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown runtime "qemu"');
    expect((await cli('run', 'no/such/dir')).code).toBe(2);
  });

  it('a directory of lab directories (flatlab run scenarios) names them in the hint', async () => {
    const r = await cli('run', 'scenarios');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scenarios holds no scenario files (*.yml) [run.empty-dir]');
    expect(r.stderr).toContain('hint: its subdirectories do; give one or more: scenarios/bgp-backbone scenarios/flatracoon-os scenarios/ipv6-nat64 scenarios/zerotier-mesh');
  });

  it('Ctrl-C between steps fails the step that did not run, skips the rest and exits 130', async () => {
    const before = new Set(process.listeners('SIGINT'));
    const io = memoryIO(root);
    let sent = false;
    const stdout = io.stdout;
    io.stdout = (t) => {
      stdout(t);
      // Deliver SIGINT to the handler the run installed (not to the test runner's own) once the first step is done.
      if (!sent && t.includes('ok    1. up')) {
        sent = true;
        for (const l of process.listeners('SIGINT')) if (!before.has(l)) (l as (s: NodeJS.Signals) => void)('SIGINT');
      }
    };
    const code = await main(['run', 'scenarios/bgp-backbone'], io);
    const { stdout: out, stderr } = io.text();
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(out).toContain('FAIL  2.');
    expect(out).toContain('interrupted by SIGINT; cleaning up');
    expect(out).toContain('0/1 scenario passed');
    expect(stderr).toMatch(/interrupted by SIGINT; \d+ scenario runs not started/);
    expect(process.listeners('SIGINT').filter((l) => !before.has(l))).toEqual([]);
  });

  it('a --junit path that cannot be written is an input error before anything runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatlab-junit-'));
    writeFileSync(join(dir, 'file'), '');
    for (const [junit, why] of [[join(dir, 'file', 'report.xml'), 'is not a directory'], [dir, 'it is a directory']] as const) {
      const r = await cli('run', 'scenarios/bgp-backbone/01-baseline.yml', '--junit', junit);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(why);
      expect(r.stderr).toContain('[files.write]');
      expect(r.stdout).toBe(''); // nothing ran
    }
    // A directory that does not exist yet is made when the report is written.
    const fresh = join(dir, 'new', 'deeper', 'report.xml');
    expect((await cli('run', 'scenarios/bgp-backbone/02-leak-filter.yml', '--junit', fresh)).code).toBe(0);
    expect(readFileSync(fresh, 'utf8')).toContain('<testsuites');
  });

  it('names the runtime that can run a step the chosen one cannot', async () => {
    const r = await cli('run', 'test/cli/fixtures/pair-ping.yml', '--runtime', 'sim');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cannot run on the sim runtime');
    expect(r.stdout).toContain('hint:     run this scenario with --runtime netns or --runtime containerlab');
  });
});
