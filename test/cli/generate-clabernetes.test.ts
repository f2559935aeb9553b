/** `flatlab generate --clabernetes`: clabernetes.yml beside clab.yml, checked by --check only when asked for. */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../support/run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flatlab-clabernetes-'));
  await cp(new URL('../../topologies/bgp-backbone.yml', import.meta.url).pathname, join(dir, 'bgp-backbone.yml'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...argv: string[]) => runCli(dir, argv);

describe('flatlab generate --clabernetes', () => {
  it('writes clabernetes.yml next to clab.yml holding it', async () => {
    const r = await run('generate', 'bgp-backbone.yml', '-o', 'out', '--clabernetes');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const docs = parseAllDocuments(await readFile(join(dir, 'out/clabernetes.yml'), 'utf8')).map((d) => d.toJS() as { kind: string; spec?: { definition: { containerlab: string } } });
    const topology = docs.find((d) => d.kind === 'Topology')!;
    expect(topology.spec!.definition.containerlab).toBe(await readFile(join(dir, 'out/clab.yml'), 'utf8'));
    expect(docs.filter((d) => d.kind === 'ConfigMap').length).toBeGreaterThan(0);
  });

  it('--check covers clabernetes.yml only with --clabernetes; plain generate keeps it', async () => {
    await run('generate', 'bgp-backbone.yml', '-o', 'out', '--clabernetes');
    expect((await run('generate', 'bgp-backbone.yml', '-o', 'out', '--check')).code).toBe(0);
    expect((await run('generate', 'bgp-backbone.yml', '-o', 'out', '--check', '--clabernetes')).code).toBe(0);
    await writeFile(join(dir, 'out/clabernetes.yml'), 'edited\n');
    expect((await run('generate', 'bgp-backbone.yml', '-o', 'out', '--check')).code).toBe(0);
    const drift = await run('generate', 'bgp-backbone.yml', '-o', 'out', '--check', '--clabernetes');
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain('changed: out/clabernetes.yml');
    // The command that brings it up to date keeps -o and --clabernetes (plain generate would not touch clabernetes.yml).
    expect(drift.stderr).toContain('out is not what flatlab generate bgp-backbone.yml -o out --clabernetes writes; run that to update it');
    await run('generate', 'bgp-backbone.yml', '-o', 'out');
    expect(await readFile(join(dir, 'out/clabernetes.yml'), 'utf8')).toBe('edited\n');
  });

  it('a lab with LAN links is an input error that names them', async () => {
    await cp(new URL('../fixtures/emit/topologies/mixed.yml', import.meta.url).pathname, join(dir, 'mixed.yml'));
    const r = await run('generate', 'mixed.yml', '-o', 'm', '--clabernetes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/multi-access links/);
  });
});
