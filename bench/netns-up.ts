/**
 * bench/netns-up: time to bring up and tear down an N-node lab (a line of linux nodes, one /31
 * per link) with the netns runtime, and the same line in Mininet (its Python API, through
 * bench/_mininet-line.py) in the same run, as a ratio. Root only. Checks afterwards that
 * neither left namespaces, veths or processes behind. Writes bench/results/netns-up.json.
 *
 *   npm run bench -- netns-up [NODES] [ROUNDS]
 *
 * Both sides are timed from "nothing exists" to "every node has its addresses" (flatlab: `up`
 * returned, ready-checks included; Mininet: net.start() returned) and back.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseYamlSource } from '../src/config/yaml-source.js';
import { kindCatalog } from '../src/kinds/index.js';
import { NetnsRuntime } from '../src/runtime/netns/netns-runtime.js';
import { compileTopology } from '../src/topology/pipeline.js';

const nodesWanted = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 3);
if (process.getuid?.() !== 0) {
  console.error('bench/netns-up needs root (namespaces and veths)');
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const nodes: Record<string, unknown> = {};
for (let i = 0; i < nodesWanted; i++) nodes[`h${i}`] = { kind: 'linux' };
const links = Array.from({ length: nodesWanted - 1 }, (_, i) => [`h${i}`, `h${i + 1}`]);
const text = stringify({ name: 'netnsbench', addressing: { links: { ipv4: '10.0.0.0/16' } }, nodes, links });
const compiled = compileTopology(parseYamlSource(text, 'netns-up.yml'), { kinds: kindCatalog });
if (!compiled.lab) throw new Error(compiled.diagnostics.slice(0, 5).map((d) => d.message).join('\n'));
const lab = compiled.lab;

/** What either tool could leave behind: namespaces, veth-type links in the root namespace, and processes. */
function leftovers(): { namespaces: string[]; links: number; processes: string[] } {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-netnsbench-'));
  const linkCount = execFileSync('ip', ['-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  // Mininet's hosts are `bash --norc … mininet:hN` shells started through mnexec.
  const processes = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => /mininet:h\d|mnexec/.test(l));
  return { namespaces, links: linkCount, processes };
}

const before = leftovers();
const seconds = (ms: number) => Number((ms / 1000).toFixed(3));
const flatlab: Array<{ up: number; down: number }> = [];
const mininet: Array<{ up: number; down: number }> = [];
for (let r = 0; r < rounds; r++) {
  const rt = new NetnsRuntime({ runRoot: '/run/flatlab-bench' });
  const t0 = performance.now();
  await rt.up(lab);
  const t1 = performance.now();
  await rt.down();
  const t2 = performance.now();
  flatlab.push({ up: seconds(t1 - t0), down: seconds(t2 - t1) });

  const out = execFileSync('/usr/bin/python3', [join(here, '_mininet-line.py'), String(nodesWanted)], { encoding: 'utf8' });
  const m = JSON.parse(out.trim().split('\n').at(-1)!) as { upSeconds: number; downSeconds: number };
  mininet.push({ up: Number(m.upSeconds.toFixed(3)), down: Number(m.downSeconds.toFixed(3)) });
}
const after = leftovers();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (name: string, xs: Array<{ up: number; down: number }>) => ({ tool: name, upSeconds: median(xs.map((x) => x.up)), downSeconds: median(xs.map((x) => x.down)), totalSeconds: median(xs.map((x) => x.up + x.down)) });
const f = row('flatlab netns', flatlab);
const m = row('mininet', mininet);
const clean = after.namespaces.length === 0 && after.links === before.links && after.processes.length === 0;
const result = {
  nodes: nodesWanted,
  links: links.length,
  rounds,
  flatlab: { ...f, runs: flatlab },
  mininet: { ...m, runs: mininet },
  // Above 1: flatlab is slower than Mininet.
  ratioUp: Number((f.upSeconds / m.upSeconds).toFixed(2)),
  ratioDown: Number((f.downSeconds / m.downSeconds).toFixed(2)),
  ratioTotal: Number((f.totalSeconds / m.totalSeconds).toFixed(2)),
  leftovers: { namespaces: after.namespaces, vethsAdded: after.links - before.links, processes: after.processes },
  clean,
  node: process.version,
};
console.table([f, m]);
console.log(`flatlab / mininet: up ×${result.ratioUp}, down ×${result.ratioDown}, total ×${result.ratioTotal} (median of ${rounds}, ${nodesWanted} nodes); ${clean ? 'nothing left behind' : `LEFT BEHIND: ${JSON.stringify(result.leftovers)}`}`);
const outFile = join(here, 'results', 'netns-up.json');
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${outFile}`);
if (!clean) process.exit(1);
