import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const builtIn = readdirSync('topologies').filter((f) => f.endsWith('.yml')).map((f) => `topologies/${f}`);

describe('flatlab validate', () => {
  it('accepts every built-in topology with the real kind catalog (exit 0)', async () => {
    expect(builtIn.length).toBeGreaterThanOrEqual(4);
    const io = memoryIO();
    const code = await main(['validate', ...builtIn], io);
    expect(io.text().stderr).toBe('');
    expect(code).toBe(0);
    expect(io.text().stdout.trim().split('\n')).toEqual(builtIn.map((f) => `${f}: ok`));
  });

  it('prints every error as file:line:col with a hint and exits 1', async () => {
    const io = memoryIO();
    const code = await main(['validate', 'topologies/bgp-backbone.yml', 'test/fixtures/topology/bad/unknown-node.yml'], io);
    expect(code).toBe(1);
    const err = io.text().stderr;
    expect(err).toContain('test/fixtures/topology/bad/unknown-node.yml:9:14: unknown node "leaf2" in link 2; did you mean "leaf1"? [topology.unknown-node]\n    hint: nodes are: spine1, spine2, leaf1\n');
    expect(err).toContain('test/fixtures/topology/bad/unknown-node.yml:10:19: unknown node "spien1"');
    expect(err).toContain('test/fixtures/topology/bad/unknown-node.yml: 2 errors\n');
    expect(io.text().stdout).toBe('topologies/bgp-backbone.yml: ok\n');
  });

  it('exits 2 for an unreadable file, after reporting the others', async () => {
    const io = memoryIO();
    const code = await main(['validate', 'test/fixtures/topology/bad/links.yml', 'no/such/file.yml'], io);
    expect(code).toBe(2);
    expect(io.text().stderr).toContain('cannot read no/such/file.yml: no such file [input.unreadable]');
    expect(io.text().stderr).toContain('links.yml:5:10: link 1 connects node "r1" to itself [topology.self-link]');
  });

  it('exits 2 without arguments (usage)', async () => {
    const io = memoryIO();
    expect(await main(['validate'], io)).toBe(2);
  });

  it('--json prints diagnostics as data on stdout', async () => {
    const io = memoryIO();
    const code = await main(['validate', '--json', 'test/fixtures/topology/bad/unknown-kind.yml', 'topologies/zerotier-mesh.yml'], io);
    expect(code).toBe(1);
    expect(io.text().stderr).toBe('');
    const out = JSON.parse(io.text().stdout) as { valid: boolean; files: Array<{ file: string; valid: boolean; diagnostics: Array<{ code: string; position: { line: number; col: number } }> }> };
    expect(out.valid).toBe(false);
    expect(out.files.map((f) => [f.file, f.valid])).toEqual([
      ['test/fixtures/topology/bad/unknown-kind.yml', false],
      ['topologies/zerotier-mesh.yml', true],
    ]);
    expect(out.files[0]!.diagnostics.map((d) => `${d.code}@${d.position.line}:${d.position.col}`)).toEqual([
      'topology.unknown-kind@2:19',
      'topology.unknown-kind@4:15',
      'topology.unknown-kind@7:15',
    ]);
  });
});
