import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('docs/topology.md', () => {
  it('documents every error code the compiler reports', () => {
    const docs = readFileSync('docs/topology.md', 'utf8');
    const codes = new Set<string>();
    for (const file of readdirSync('src/topology').filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join('src/topology', file), 'utf8');
      for (const m of text.matchAll(/ctx\.(?:error|warn)\(\s*'([a-z0-9-]+)'/g)) codes.add(`topology.${m[1]}`);
      for (const m of text.matchAll(/code: '(topology\.[a-z0-9-]+)'/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(30);
    const missing = [...codes].filter((c) => !docs.includes(`\`${c}\``)).sort();
    expect(missing).toEqual([]);
  });

  it('describes every top-level key of the schema', async () => {
    const { topologySchema } = await import('../../src/topology/schema.js');
    const docs = readFileSync('docs/topology.md', 'utf8');
    const keys = Object.keys(topologySchema.shape).filter((k) => k !== '$schema');
    expect(keys.filter((k) => !docs.includes(`| \`${k}\` |`))).toEqual([]);
  });
});
