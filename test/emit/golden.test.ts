/**
 * Golden tests: each topology in test/fixtures/emit/topologies/ → the lab tree and the three
 * graph renderings in test/fixtures/emit/expected/<name>/. Daemon configs come from stand-in
 * writers (test/fixtures/emit/fake-writers.ts), so these goldens pin the emitters of this
 * folder only; the real writers have their own goldens. UPDATE_GOLDENS=1 rewrites them.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGraph } from '../../src/emit/graph.js';
import { labFiles } from '../../src/emit/lab-files.js';
import { compareTree, writeTree, type TreeFile } from '../../src/files/write-tree.js';
import { kindCatalog } from '../../src/kinds/index.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { fakeWriters } from '../fixtures/emit/fake-writers.js';

const inputs = new URL('../fixtures/emit/topologies/', import.meta.url).pathname;
const expected = new URL('../fixtures/emit/expected/', import.meta.url).pathname;

describe('emitter goldens', () => {
  for (const file of readdirSync(inputs).filter((f) => f.endsWith('.yml')).sort()) {
    const name = basename(file, '.yml');
    it(name, async () => {
      const source = parseYamlSource(await readFile(join(inputs, file), 'utf8'), `topologies/${file}`);
      const { lab, diagnostics } = compileTopology(source, { kinds: kindCatalog });
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const tree: TreeFile[] = [
        ...labFiles(lab!, fakeWriters).map((f) => ({ ...f, path: `lab/${f.path}` })),
        { path: 'graph.dot', content: renderGraph(lab!, 'dot'), mode: 0o644 },
        { path: 'graph.mmd', content: renderGraph(lab!, 'mermaid'), mode: 0o644 },
        { path: 'graph.svg', content: renderGraph(lab!, 'svg'), mode: 0o644 },
      ];
      const dir = join(expected, name);
      if (process.env.UPDATE_GOLDENS === '1') await writeTree(dir, tree);
      expect(await compareTree(dir, tree)).toEqual({ changed: [], missing: [], extra: [] });
    });
  }
});
