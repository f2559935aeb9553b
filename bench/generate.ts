/**
 * Benchmark: validate + compile + emit a random 1,000-node / 3,000-link topology, in memory.
 * Seeded (same topology every run: `--seed N` changes it). Prints a table of median phase
 * times over the measured runs and writes bench/results/generate.json. Target: under 1 s total.
 *
 *   npm run bench -- generate [--seed N] [--runs N] [--nodes N] [--links N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseYamlSource } from '../src/config/yaml-source.js';
import { renderGraph } from '../src/emit/graph.js';
import { containerlabYaml } from '../src/emit/containerlab.js';
import { nodeConfigFiles } from '../src/emit/lab-files.js';
import { qemuScripts } from '../src/emit/qemu.js';
import { kindCatalog } from '../src/kinds/index.js';
import { compileTopology } from '../src/topology/pipeline.js';
import { randomTopology } from './_random-topology.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    nodes: { type: 'string', default: '1000' },
    links: { type: 'string', default: '3000' },
  },
});
const seed = Number(values.seed);
const runs = Number(values.runs);
const nodeCount = Number(values.nodes);
const linkCount = Number(values.links);

interface Timing {
  parse: number;
  compile: number;
  configs: number;
  clab: number;
  emit: number;
  total: number;
  graphSvg: number;
}

function once(text: string): { t: Timing; files: number; sessions: number } {
  const t0 = performance.now();
  const source = parseYamlSource(text, 'bench.yml');
  const t1 = performance.now();
  const { lab, diagnostics } = compileTopology(source, { kinds: kindCatalog });
  const t2 = performance.now();
  if (!lab) throw new Error(`benchmark topology is invalid:\n${diagnostics.slice(0, 5).map((d) => d.message).join('\n')}`);
  // The same work labFiles() does, timed in its two parts: daemon configs, then clab.yml + QEMU scripts.
  const configs = nodeConfigFiles(lab);
  const t3 = performance.now();
  const clab = containerlabYaml(lab, configs);
  const files = 1 + qemuScripts(lab).length + [...configs.values()].reduce((n, l) => n + l.length, 0);
  const t4 = performance.now();
  renderGraph(lab, 'svg');
  const t5 = performance.now();
  if (clab.length === 0) throw new Error('empty clab.yml');
  return { t: { parse: t1 - t0, compile: t2 - t1, configs: t3 - t2, clab: t4 - t3, emit: t4 - t2, total: t4 - t0, graphSvg: t5 - t4 }, files, sessions: lab.sessions.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const text = randomTopology(nodeCount, linkCount, seed);
const warm = once(text);
const samples: Timing[] = [];
for (let i = 0; i < runs; i++) samples.push(once(text).t);
const result = {
  bench: 'generate',
  date: new Date().toISOString(),
  node: process.version,
  seed,
  nodes: nodeCount,
  links: linkCount,
  sessions: warm.sessions,
  files: warm.files,
  runs,
  medianMs: Object.fromEntries((['parse', 'compile', 'configs', 'clab', 'emit', 'total', 'graphSvg'] as const).map((k) => [k, Math.round(median(samples.map((s) => s[k])) * 10) / 10])),
  targetMs: 1000,
};
result.medianMs.total! <= 1000 || process.stderr.write('note: total is over the 1 s target\n');

console.log(`generate: ${nodeCount} nodes, ${linkCount} links, ${warm.sessions} BGP sessions, ${warm.files} files; median of ${runs} runs (seed ${seed})`);
console.log('phase                     ms');
const labels: Record<string, string> = {
  parse: 'parse YAML',
  compile: 'validate + compile',
  configs: 'emit: daemon configs',
  clab: 'emit: clab.yml + qemu',
  emit: 'emit (both)',
  total: 'total',
  graphSvg: 'graph svg (not in total)',
};
for (const [k, v] of Object.entries(result.medianMs)) console.log(`${(labels[k] ?? k).padEnd(26)}${String(v).padStart(8)}`);
const out = join(dirname(new URL(import.meta.url).pathname), 'results', 'generate.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
