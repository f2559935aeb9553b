import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const fixture = new URL('../fixtures/emit/topologies/mixed.yml', import.meta.url).pathname;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flatlab-generate-'));
  await cp(fixture, join(dir, 'mixed.yml'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...argv: string[]) => runCli(dir, argv);

describe('flatlab generate', () => {
  it('writes labs/<name> under the current directory by default', async () => {
    const r = await run('generate', 'mixed.yml');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('labs/mixed: wrote 9 files for lab mixed\n');
    expect((await readdir(join(dir, 'labs/mixed/configs'))).sort()).toEqual(['r1', 'r2', 'r3', 'vm1']);
    expect(await readFile(join(dir, 'labs/mixed/clab.yml'), 'utf8')).toContain('name: mixed\n');
  });

  it('--check passes on fresh output and lists a modified, an extra and a missing file', async () => {
    await run('generate', 'mixed.yml', '-o', 'out');
    expect(await run('generate', 'mixed.yml', '-o', 'out', '--check')).toMatchObject({ code: 0, stdout: 'out: up to date (9 files)\n' });

    await writeFile(join(dir, 'out/configs/r1/bird.conf'), 'edited by hand\n');
    await writeFile(join(dir, 'out/configs/r1/notes.txt'), 'extra\n');
    await rm(join(dir, 'out/qemu/vm1.sh'));
    const r = await run('generate', 'mixed.yml', '-o', 'out', '--check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('changed: out/configs/r1/bird.conf\n');
    expect(r.stderr).toContain('missing: out/qemu/vm1.sh\n');
    expect(r.stderr).toContain('extra:   out/configs/r1/notes.txt\n');

    const j = await run('generate', 'mixed.yml', '-o', 'out', '--check', '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ lab: 'mixed', upToDate: false, changed: ['configs/r1/bird.conf'], missing: ['qemu/vm1.sh'], extra: ['configs/r1/notes.txt'] });
  });

  it('--check writes nothing', async () => {
    expect((await run('generate', 'mixed.yml', '--check')).code).toBe(1);
    expect(await readdir(dir)).toEqual(['mixed.yml']);
  });

  it('regenerating removes files an earlier generation wrote', async () => {
    await run('generate', 'mixed.yml', '-o', 'out');
    await writeFile(join(dir, 'mixed.yml'), (await readFile(join(dir, 'mixed.yml'), 'utf8')).replace(/ {2}vm1: .*\n/, '').replace('  - [vm1, r1]\n', ''));
    expect((await run('generate', 'mixed.yml', '-o', 'out')).code).toBe(0);
    expect(await readdir(join(dir, 'out'))).toEqual(['clab.yml', 'configs']);
  });

  it('an invalid topology prints every error, exits 2 and writes nothing', async () => {
    await writeFile(join(dir, 'bad.yml'), 'name: bad\nnodes:\n  r1: { kind: bird, asn: 65001 }\n  r2: { kind: birdd, asn: 99999999999 }\nlinks:\n  - [r1, r9]\n');
    const r = await run('generate', 'bad.yml', '-o', 'out');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bad\.yml:4:\d+: .*birdd/m);
    expect(r.stderr).toMatch(/^bad\.yml:6:\d+: .*r9/m);
    expect(r.stderr).toContain('bad.yml: invalid topology; nothing written\n');
    expect(await readdir(dir)).toEqual(['bad.yml', 'mixed.yml']);
  });

  it('an unreadable topology exits 2', async () => {
    const r = await run('generate', 'nope.yml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read');
  });

  it('--json lists the files written', async () => {
    const r = await run('generate', 'mixed.yml', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ lab: 'mixed', dir: 'labs/mixed', files: expect.arrayContaining(['clab.yml', 'qemu/vm1.sh', 'configs/r1/bird.conf']) });
  });
});

describe('flatlab generate on YAML syntax errors', () => {
  it('reports them at the path as typed, exit 2', async () => {
    await writeFile(join(dir, 'broken.yml'), 'name: x\nnodes:\n  r1: { kind: bird\n');
    const r = await run('generate', 'broken.yml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^broken\.yml:\d+:\d+: /m);
  });
});

describe('flatlab generate next to a deployed containerlab lab', () => {
  it('keeps containerlab\'s clab-<name> directory and --check ignores it', async () => {
    await run('generate', 'mixed.yml', '-o', 'out');
    await mkdir(join(dir, 'out/clab-mixed'), { recursive: true });
    await writeFile(join(dir, 'out/clab-mixed/topology-data.json'), '{}');
    expect((await run('generate', 'mixed.yml', '-o', 'out', '--check')).code).toBe(0);
    expect((await run('generate', 'mixed.yml', '-o', 'out')).code).toBe(0);
    expect(await readFile(join(dir, 'out/clab-mixed/topology-data.json'), 'utf8')).toBe('{}');
  });
});
