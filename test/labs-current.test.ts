/**
 * The committed labs/ are what `flatlab generate` writes today for each built-in topology:
 * `generate --check` passes for every topologies/*.yml. When this fails, regenerate with
 * `npx flatlab generate topologies/<name>.yml` and commit labs/<name>/.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const root = new URL('..', import.meta.url).pathname;
const topologies = readdirSync(new URL('../topologies/', import.meta.url)).filter((f) => f.endsWith('.yml')).sort();

describe('labs/ is current', () => {
  it('there are built-in topologies to check', () => {
    expect(topologies.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of topologies) {
    it(`flatlab generate --check topologies/${file}`, async () => {
      const io = memoryIO(root);
      const code = await main(['generate', `topologies/${file}`, '--check'], io);
      expect(io.text().stderr).toBe('');
      expect(code).toBe(0);
    });
  }
});
