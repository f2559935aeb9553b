/**
 * Error goldens: each `test/fixtures/topology/bad/<case>.yml` must produce exactly
 * `<case>.expected.log`. Regenerate with UPDATE_GOLDENS=1 and review the diff.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { testCatalog } from './test-catalog.js';

const dir = join('test', 'fixtures', 'topology', 'bad');
const cases = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();

describe('bad topologies report every error, located, with hints', () => {
  it('has at least ten cases', () => expect(cases.length).toBeGreaterThanOrEqual(10));
  for (const file of cases) {
    it(file, () => {
      const path = join(dir, file);
      const r = compileTopology(parseYamlSource(readFileSync(path, 'utf8'), path), { kinds: testCatalog });
      expect(r.lab).toBeUndefined();
      const log = r.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
      const expectedFile = path.replace(/\.yml$/, '.expected.log');
      if (process.env.UPDATE_GOLDENS) writeFileSync(expectedFile, log);
      expect(log).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});
