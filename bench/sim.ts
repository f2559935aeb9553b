/**
 * bench/sim: a random AS graph of N routers (flatlab speaker cores in the sim runtime, one AS
 * each, every router originating 10 prefixes) is brought up and run on the virtual clock until
 * every router has a best path for every prefix. Prints wall time, virtual time, events and
 * heap; writes bench/results/sim.json. Target (issue 7): 1,000 routers converge in under 10 s.
 *
 *   npm run bench -- sim [ROUTERS] [EXTRA_LINKS_PER_ROUTER] [--label NAME] [--updates records|bytes]
 *
 * Each run replaces the entry of the same label and router count in bench/results/sim.json and
 * keeps the others, so runs of several sizes and versions (e.g. `--label before` from an older
 * checkout) sit side by side in one table.
 *
 * The work grows with sessions × prefixes: every router hears every prefix from each neighbour,
 * so 1,000 routers with ~2,000 links mean ~4M UPDATEs and ~40M received routes, and tens of
 * millions of Loc-RIB and Adj-RIB-Out entries. The bench re-executes itself with --expose-gc (heap
 * after a full collection) and a heap limit above Node's default 4 GiB, which 1,000 routers pass.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { kindCatalog } from '../src/kinds/index.js';
import { parseYamlSource } from '../src/config/yaml-source.js';
import { SimRuntime } from '../src/runtime/sim/sim-runtime.js';
import { compileTopology } from '../src/topology/pipeline.js';
import { seededRandom } from '../src/runtime/sim/random.js';
import { exposedGc } from './_args.js';
import { linkSet } from '../test/support/link-set.js';

exposedGc(fileURLToPath(import.meta.url), ['--max-old-space-size=16384']);

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const label = option('--label') ?? 'current';
const updates = option('--updates') ?? 'records';
if (updates !== 'records' && updates !== 'bytes') throw new Error(`--updates ${updates}: records or bytes`);
const routers = Number(args[0] ?? 1000);
const extra = Number(args[1] ?? 1);
const PREFIXES = 10;
const rand = seededRandom(42);
const pick = (n: number) => Math.floor(rand.next() * n);

const nodes: Record<string, unknown> = {};
for (let i = 0; i < routers; i++) {
  const originate = Array.from({ length: PREFIXES }, (_, k) => {
    const n = i * PREFIXES + k; // /24s inside 100.64.0.0/10
    return `100.${64 + (n >> 8)}.${n & 255}.0/24`;
  });
  nodes[`r${i}`] = { kind: 'flatlab-bgpd', asn: 64512 + i, originate };
}
const { links, add } = linkSet();
for (let i = 1; i < routers; i++) add(i, pick(i)); // a random tree keeps it connected
for (let t = 0; t < routers * extra * 4 && links.length < routers - 1 + routers * extra; t++) add(pick(routers), pick(routers));
const text = stringify({ name: 'simbench', addressing: { loopback: { ipv4: '10.255.0.0/16' }, links: { ipv4: '10.0.0.0/14' } }, nodes, links });

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const compiled = compileTopology(parseYamlSource(text, 'bench.yml'), { kinds: kindCatalog });
if (!compiled.lab) throw new Error(compiled.diagnostics.slice(0, 5).map((d) => d.message).join('\n'));
const tCompile = performance.now() - t0;
// `updates` is an option of newer versions only; an older checkout (--label before) ignores it.
const rt = new SimRuntime({ seed: 1, updates } as ConstructorParameters<typeof SimRuntime>[0]);
await rt.up(compiled.lab);
const want = routers * PREFIXES;
let virtual = 0;
let converged = false;
const t1 = performance.now();
while (virtual < 600_000) {
  await rt.sleep(1000);
  virtual += 1000;
  const sizes = [...rt.locRibSizes().values()];
  if (sizes.every((n) => n === want)) {
    converged = true;
    break;
  }
}
const tRun = performance.now() - t1;
const cpu = process.cpuUsage(cpu0);
globalThis.gc?.();
const mem = process.memoryUsage();
const result = {
  label,
  updates,
  routers,
  links: links.length,
  sessions: compiled.lab.sessions.length,
  prefixes: want,
  converged,
  virtualSeconds: virtual / 1000,
  wallSeconds: Number(((tCompile + tRun) / 1000).toFixed(2)),
  compileSeconds: Number((tCompile / 1000).toFixed(2)),
  // Wall time on a shared 2-core machine depends on its other load; CPU time much less so.
  cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
  events: rt.eventsExecuted(),
  heapMiB: Math.round(mem.heapUsed / 2 ** 20),
  rssMiB: Math.round(mem.rss / 2 ** 20),
  targetSeconds: 10,
  node: process.version,
};
console.table([result]);
const out = process.env.SIM_BENCH_OUT ?? join(dirname(new URL(import.meta.url).pathname), 'results', 'sim.json');
mkdirSync(dirname(out), { recursive: true });
type Run = typeof result;
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { notes?: string[]; runs?: Run[] }) : {};
const runs = [...(previous.runs ?? []).filter((r) => r.label !== label || r.routers !== routers), result].sort((a, b) => a.routers - b.routers || a.label.localeCompare(b.label));
writeFileSync(out, `${JSON.stringify({ bench: 'sim', targetSeconds: 10, ...(previous.notes ? { notes: previous.notes } : {}), runs }, null, 2)}\n`);
console.table(runs.map((r) => ({ label: r.label, routers: r.routers, converged: r.converged, wallSeconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, heapMiB: r.heapMiB, events: r.events })));
console.log(`${converged ? 'converged' : 'did NOT converge'} in ${result.virtualSeconds} s of virtual time, ${result.wallSeconds} s wall (target ${result.targetSeconds} s); wrote ${out}`);
