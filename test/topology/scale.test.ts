/**
 * The compiler must stay near-linear: a 1,000-node / 3,000-link lab compiles in well under a
 * second on an idle machine (bench/generate prints the figure). Here we measure CPU time
 * (best of three, so other work on a shared machine matters less) and check both a generous
 * absolute bound and the growth from a 4x smaller lab, which a quadratic step would blow up
 * (16x) while linear work stays near 4x.
 */
import { describe, expect, it } from 'vitest';
import { parseYamlSource, type YamlSource } from '../../src/config/yaml-source.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { testCatalog } from './test-catalog.js';

/** A connected random lab: a random tree plus extra random links; ten routers per AS. */
function randomLab(nodes: number, links: number, seed: number): YamlSource {
  let state = seed;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const lines = ['name: scale', 'nodes:'];
  for (let i = 0; i < nodes; i++) lines.push(`  r${i}: { kind: ${i % 3 === 0 ? 'bird' : 'frr'}, asn: ${65000 + Math.floor(i / 10)} }`);
  lines.push('links:');
  const seen = new Set<string>();
  const add = (a: number, b: number) => {
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    lines.push(`  - [r${a}, r${b}]`);
    return true;
  };
  for (let i = 1; i < nodes; i++) add(rnd(i), i);
  while (seen.size < links) add(rnd(nodes), rnd(nodes));
  return parseYamlSource(`${lines.join('\n')}\n`, 'scale.yml');
}

function cpuMs(source: YamlSource): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    const r = compileTopology(source, { kinds: testCatalog });
    const used = process.cpuUsage(before);
    expect(r.lab).toBeDefined();
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('compile time', () => {
  it('is near-linear in the size of the lab', () => {
    const small = cpuMs(randomLab(250, 750, 7));
    const large = cpuMs(randomLab(1000, 3000, 7));
    console.log(`compileTopology CPU time: 250 nodes/750 links ${small.toFixed(0)} ms, 1000 nodes/3000 links ${large.toFixed(0)} ms`);
    expect(large).toBeLessThan(3000);
    expect(large / Math.max(small, 1)).toBeLessThan(10);
  });
});
