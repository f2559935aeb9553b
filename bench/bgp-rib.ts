/**
 * bench/bgp-rib: 1M IPv4 prefixes from two eBGP peers through import, interning and the
 * decision process. Reports time, prefixes/s, heap used and RSS after GC, and writes
 * bench/results/bgp-rib.json. Run: `node --import tsx bench/bgp-rib.ts [--prefixes N]`
 * (re-executes itself with --expose-gc so the memory figures are after a full collection).
 *
 * Input shape: ~4000 distinct attribute sets per peer (AS paths of 2–6 hops from a seeded
 * generator, origin, some MEDs and communities), 4 prefixes per UPDATE on average, each
 * UPDATE carrying a fresh attributes object as a decoder would produce.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomically } from '../src/files/write-file.js';
import { Rib } from '../src/bgp/rib/index.js';
import type { AsPathSegment, PathAttributes, Prefix } from '../src/bgp/wire/types.js';
import { seededRandom } from '../src/runtime/sim/random.js';
import { numberArg, exposedGc } from './_args.js';

const here = dirname(fileURLToPath(import.meta.url));

const gc = exposedGc(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => numberArg(name, fallback, { integer: true });

const PREFIXES = arg('--prefixes', 1_000_000);
/** `--no-pre-policy`: drop the pre-policy Adj-RIB-In (BIRD's default; GoBGP always keeps it). */
const KEEP_PRE_POLICY = !process.argv.includes('--no-pre-policy');
const ATTR_SETS = 4000;
const PER_UPDATE = 4;

/** The sim runtime's seeded generator, so every run sees the same data. */
function rng(seed: number): () => number {
  const r = seededRandom(seed);
  return () => r.next();
}

function templates(peerAs: number, nextHop: string, seed: number): PathAttributes[] {
  const rand = rng(seed);
  const out: PathAttributes[] = [];
  for (let i = 0; i < ATTR_SETS; i++) {
    const hops = 1 + Math.floor(rand() * 5);
    const asns = [peerAs];
    for (let h = 0; h < hops; h++) asns.push(1000 + Math.floor(rand() * 60000));
    const a: PathAttributes = { origin: rand() < 0.9 ? 0 : 2, asPath: [{ type: 2, asns }], nextHop };
    if (rand() < 0.3) a.med = Math.floor(rand() * 1000);
    if (rand() < 0.5) a.communities = [(peerAs << 16) | Math.floor(rand() * 500), (asns[1]! << 16) >>> 0];
    out.push(a);
  }
  return out;
}

function prefixText(i: number): string {
  return `${1 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.0/24`;
}

function freshCopy(t: PathAttributes): PathAttributes {
  const asPath: AsPathSegment[] = t.asPath!.map((s) => ({ type: s.type, asns: s.asns.slice() }));
  const a: PathAttributes = { ...t, asPath };
  if (t.communities) a.communities = t.communities.slice();
  return a;
}

function feed(rib: Rib, peerId: string, tpl: PathAttributes[], seed: number): number {
  const rand = rng(seed);
  let changes = 0;
  for (let i = 0; i < PREFIXES; i += PER_UPDATE) {
    const nlri: Prefix[] = [];
    for (let j = i; j < Math.min(i + PER_UPDATE, PREFIXES); j++) nlri.push({ prefix: prefixText(j) });
    const attrs = freshCopy(tpl[Math.floor(rand() * tpl.length)]!);
    changes += rib.applyUpdate(peerId, { withdrawn: [], nlri, attributes: attrs }).length;
  }
  return changes;
}

const mib = (n: number) => n / 1048576;

gc();
const base = process.memoryUsage();
const rib = new Rib({ localAs: 65000, routerId: '10.255.0.1' });
rib.addPeer({ id: 'a', address: '192.0.2.1', asn: 65010, routerId: '10.0.0.1', hasImportPolicy: true, keepPrePolicy: KEEP_PRE_POLICY });
rib.addPeer({ id: 'b', address: '192.0.2.2', asn: 65020, routerId: '10.0.0.2', hasImportPolicy: true, keepPrePolicy: KEEP_PRE_POLICY });
const tplA = templates(65010, '192.0.2.1', 1);
const tplB = templates(65020, '192.0.2.2', 2);

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const changesA = feed(rib, 'a', tplA, 11);
const t1 = performance.now();
const changesB = feed(rib, 'b', tplB, 12);
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
gc();
const mem = process.memoryUsage();

const reasons = new Map<string, number>();
let fromB = 0;
for (const e of rib.locRib()) {
  reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
  if (e.path.peer.id === 'b') fromB++;
}

const seconds = (t2 - t0) / 1000;
const result = {
  prefixes: PREFIXES,
  peers: 2,
  routes: PREFIXES * 2,
  keepPrePolicy: KEEP_PRE_POLICY,
  attributeSetsLive: rib.interner.size,
  peerASeconds: (t1 - t0) / 1000,
  peerBSeconds: (t2 - t1) / 1000,
  totalSeconds: seconds,
  /** CPU time of this process: steadier than wall time on a shared machine. */
  cpuSeconds,
  routesPerSecond: Math.round((PREFIXES * 2) / seconds),
  routesPerCpuSecond: Math.round((PREFIXES * 2) / cpuSeconds),
  prefixesPerSecond: Math.round(PREFIXES / seconds),
  bestChanges: changesA + changesB,
  bestFromPeerB: fromB,
  decidedBy: Object.fromEntries(reasons),
  heapUsedMiB: Math.round(mib(mem.heapUsed - base.heapUsed) * 10) / 10,
  rssMiB: Math.round(mib(mem.rss) * 10) / 10,
  node: process.version,
};

const rows: Array<[string, string]> = [
  ['prefixes × peers', `${PREFIXES} × 2`],
  ['pre-policy Adj-RIB-In', KEEP_PRE_POLICY ? 'kept' : 'not kept'],
  ['peer a (empty RIB)', `${result.peerASeconds.toFixed(2)} s`],
  ['peer b (decision vs a)', `${result.peerBSeconds.toFixed(2)} s`],
  ['total', `${seconds.toFixed(2)} s`],
  ['CPU time', `${cpuSeconds.toFixed(2)} s`],
  ['routes/s', result.routesPerSecond.toLocaleString('en')],
  ['routes per CPU second', result.routesPerCpuSecond.toLocaleString('en')],
  ['prefixes/s', result.prefixesPerSecond.toLocaleString('en')],
  ['best-path changes', String(result.bestChanges)],
  ['attribute sets alive', String(result.attributeSetsLive)],
  ['heap used after GC', `${result.heapUsedMiB} MiB`],
  ['RSS after GC', `${result.rssMiB} MiB`],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log('bench/bgp-rib');
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
console.log(`  decided by: ${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}`);

await writeFileAtomically(join(resolve(here, 'results'), 'bgp-rib.json'), `${JSON.stringify(result, null, 2)}\n`);
