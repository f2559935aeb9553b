import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { xmlProblems } from '../support/xml-well-formed.js';
import { runCli } from '../support/run-cli.js';

const fixture = new URL('../fixtures/emit/topologies/mixed.yml', import.meta.url).pathname;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flatlab-graph-'));
  await cp(fixture, join(dir, 'mixed.yml'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...argv: string[]) => runCli(dir, argv);

describe('flatlab graph', () => {
  it('prints SVG by default', async () => {
    const r = await run('graph', 'mixed.yml');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<?xml')).toBe(true);
    expect(xmlProblems(r.stdout)).toEqual([]);
  });

  it('prints DOT and Mermaid', async () => {
    expect((await run('graph', 'mixed.yml', '--format', 'dot')).stdout).toContain('graph "mixed" {');
    expect((await run('graph', 'mixed.yml', '--format', 'mermaid')).stdout).toContain('graph LR');
  });

  it('writes to -o instead of stdout', async () => {
    const r = await run('graph', 'mixed.yml', '--format', 'dot', '-o', 'out/mixed.dot');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(await readFile(join(dir, 'out/mixed.dot'), 'utf8')).toContain('"r1" -- "r2"');
  });

  it('rejects an unknown format with a suggestion, exit 2', async () => {
    const r = await run('graph', 'mixed.yml', '--format', 'svgg');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "svg"?');
  });

  it('an invalid topology exits 2 and writes nothing', async () => {
    await writeFile(join(dir, 'bad.yml'), 'name: bad\nnodes:\n  r1: { kind: nope }\n');
    const r = await run('graph', 'bad.yml', '-o', 'bad.svg');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yml:3:');
    expect((await readdir(dir)).sort()).toEqual(['bad.yml', 'mixed.yml']);
  });
});
