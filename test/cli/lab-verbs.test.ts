/** up / status / exec / down / run --runtime netns through the CLI, as root; and a run killed half-way. The sim,netns BGP run is in lab-verbs-bgp.test.ts, beside this file. */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, afterAll } from 'vitest';
import { main } from '../../src/cli/main.js';
import { needTools } from '../support/need-tools.js';
import { memoryIO } from '../../src/cli/io.js';
import { processStartTime } from '../../src/runtime/netns/state.js';
import { runCli } from '../support/run-cli.js';

const reason = needTools(['ip', 'ping', 'bird'], { root: true });
const fixtures = join(import.meta.dirname, 'fixtures');
const topo = join(fixtures, 'pair.yml');
const leftovers = () => ({
  namespaces: execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-nspair-')),
  stateFile: (() => { try { execFileSync('test', ['-e', '/run/flatlab/nspair/state.json']); return true; } catch { return false; } })(),
});

const cli = (...argv: string[]) => runCli(fixtures, argv);

describe.skipIf(reason)('lab verbs on netns (root)', () => {
  afterAll(async () => {
    await cli('down', topo);
  });

  it('up is idempotent, status and exec see the lab, down removes everything', async () => {
    expect((await cli('up', topo)).code).toBe(0);
    expect((await cli('up', topo)).code).toBe(0);
    const st = await cli('status', topo, '--json');
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ up: true, nodes: [{ name: 'a', state: 'running' }, { name: 'b', state: 'running' }, { name: 'h', state: 'running' }] });
    const ex = await cli('exec', topo, 'b', '--', 'ip', '-br', 'link', 'show', 'eth1');
    expect(ex.code).toBe(0);
    expect(ex.stdout).toContain('eth1');
    expect((await cli('exec', topo, 'b', '--', 'false')).code).toBe(1);
    expect((await cli('exec', topo, 'bb', '--', 'true')).stderr).toContain('did you mean "b"?');
    const down = await cli('down', topo);
    expect(down.code).toBe(0);
    expect(leftovers()).toEqual({ namespaces: [], stateFile: false });
    expect((await cli('status', topo)).code).toBe(1);
  });

  it('runs a netns scenario end to end and reports it', async () => {
    const r = await cli('run', 'pair-ping.yml', '--runtime', 'netns');
    expect(r.stdout).toContain('1/1 scenario passed');
    expect(r.code).toBe(0);
    expect(leftovers().namespaces).toEqual([]);
  });

  it('refuses `up` while another live flatlab process uses the lab, and takes it over once that one is gone', async () => {
    expect((await cli('up', topo)).code).toBe(0);
    const stateFile = '/run/flatlab/nspair/state.json';
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const startTime = (await processStartTime(other.pid!))!;
      const state = JSON.parse(readFileSync(stateFile, 'utf8'));
      expect(state.owner).toMatchObject({ pid: process.pid });
      writeFileSync(stateFile, JSON.stringify({ ...state, owner: { pid: other.pid, startTime } }));
      const busy = await cli('up', topo);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`lab nspair is in use by another flatlab process (pid ${other.pid}) [netns.lab-busy]`);
      expect(leftovers().namespaces).toHaveLength(3); // the other process's lab is untouched
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    expect((await cli('up', topo)).code).toBe(0); // its owner is gone: attached, now ours
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).owner).toMatchObject({ pid: process.pid });
    expect((await cli('down', topo)).code).toBe(0);
    expect(leftovers()).toEqual({ namespaces: [], stateFile: false });
  });

  it('Ctrl-C during `up` tears the half-built lab down and exits 130', async () => {
    const before = new Set(process.listeners('SIGINT'));
    const up = main(['up', topo], memoryIO(fixtures));
    // Deliver SIGINT to the handler `up` installed (not the test runner's) once a namespace exists.
    const t0 = Date.now();
    while (leftovers().namespaces.length === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    for (const l of process.listeners('SIGINT')) if (!before.has(l)) (l as (s: NodeJS.Signals) => void)('SIGINT');
    expect(await up).toBe(130);
    expect(leftovers()).toEqual({ namespaces: [], stateFile: false });
  });

  it('leaves nothing behind when `up` is killed half-way and `down` cleans up after it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../src/cli/main.ts'), 'up', topo], { stdio: 'ignore' });
    // Kill as soon as the first namespace exists: the run is half-way.
    const t0 = Date.now();
    while (leftovers().namespaces.length === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const down = await cli('down', topo);
    expect(down.code).toBe(0);
    expect(leftovers()).toEqual({ namespaces: [], stateFile: false });
    const birds = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('/run/flatlab/nspair/'));
    expect(birds).toEqual([]);
  });
});
