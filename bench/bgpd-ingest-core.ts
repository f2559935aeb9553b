/**
 * bench/bgpd-ingest-core: the bgpd-ingest input (bench/_ingest-table.ts, same seed, same UPDATE
 * packing) fed as bytes to flatlab's speaker core, without sockets or namespaces: OPEN and
 * KEEPALIVE to reach Established, then the stream in 64 KiB chunks, as a socket delivers it, to
 * `Speaker.receive` with the daemon's peer settings (passive eBGP, import all, export none).
 * For profiling the ingest path (`node --cpu-prof --import tsx bench/bgpd-ingest-core.ts`) and
 * for before/after figures that do not depend on namespaces and the other daemons.
 *
 *   npm run bench -- bgpd-ingest-core [--prefixes N] [--runs R] [--seed S]
 *
 * Reports CPU seconds per run (min and median over R runs in one process: on a shared machine
 * the minimum is the least disturbed) and the heap retained per route after a full GC. Writes
 * bench/results/bgpd-ingest-core.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomically } from '../src/files/write-file.js';
import { resolvePolicyChain } from '../src/bgp/policy/evaluate.js';
import { packUpdates } from '../src/bgp/speaker/packing.js';
import { Speaker } from '../src/bgp/speaker/index.js';
import { codecContext, encodeMessage, endOfRib } from '../src/bgp/wire/index.js';
import { buildTable, SENDER_AS } from './_ingest-table.js';
import { numberArg, exposedGc } from './_args.js';

const here = dirname(fileURLToPath(import.meta.url));

// Re-run with --expose-gc so the retained heap is measured after a full collection.
const gc = exposedGc(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => numberArg(name, fallback, { integer: true });

const PREFIXES = arg('--prefixes', 100_000);
const RUNS = arg('--runs', 5);
const SEED = arg('--seed', 1);
const CHUNK = 65536;
const SENDER = '10.0.0.1';
const TARGET = '10.0.0.2';

function stream(): Buffer {
  const ctx = codecContext();
  const parts: Uint8Array[] = [];
  for (const u of packUpdates('ipv4-unicast', buildTable(PREFIXES, SEED, SENDER).changes, ctx)) parts.push(encodeMessage(u, ctx));
  parts.push(encodeMessage(endOfRib(1, 1), ctx));
  return Buffer.concat(parts);
}

interface Run {
  cpuSeconds: number;
  locRib: number;
  retainedBytesPerRoute: number;
}

function run(bytes: Buffer): Run {
  const ctx = codecContext();
  const speaker = new Speaker(
    {
      localAsn: 65001,
      routerId: TARGET,
      peers: [{ id: 'sender', address: SENDER, remoteAsn: SENDER_AS, localAddress: TARGET, passive: true, holdTime: 240, import: resolvePolicyChain(['all'], {}), export: resolvePolicyChain(['none'], {}), families: ['ipv4-unicast'] }],
    },
    { now: 0 },
  );
  speaker.startPeer('sender');
  speaker.connectionUp('sender', { initiatedLocally: false });
  const open = encodeMessage({
    type: 'OPEN', version: 4, myAs: SENDER_AS, holdTime: 240, bgpIdentifier: SENDER,
    capabilities: [{ code: 1, name: 'multiprotocol', afi: 1, safi: 1 }, { code: 2, name: 'route-refresh' }, { code: 65, name: 'four-octet-as', asn: SENDER_AS }],
  }, ctx);
  speaker.receive('sender', open);
  speaker.receive('sender', encodeMessage({ type: 'KEEPALIVE' }, ctx));
  if (speaker.sessionState('sender') !== 'Established') throw new Error(`session is ${speaker.sessionState('sender')}, not Established`);
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  let events = 0;
  for (let at = 0; at < bytes.length; at += CHUNK) {
    // A fresh buffer per chunk, as a socket hands them over.
    const out = speaker.receive('sender', Uint8Array.prototype.slice.call(bytes, at, at + CHUNK));
    events += out.events.length;
  }
  const cpu = process.cpuUsage(cpu0);
  gc();
  const retained = process.memoryUsage().heapUsed - heap0;
  if (speaker.locRibSize() !== PREFIXES || events < PREFIXES) throw new Error(`${speaker.locRibSize()} prefixes in the Loc-RIB and ${events} events, expected ${PREFIXES}`);
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, locRib: speaker.locRibSize(), retainedBytesPerRoute: Math.round(retained / PREFIXES) };
}

const bytes = stream();
console.log(`bench/bgpd-ingest-core: ${PREFIXES.toLocaleString('en')} prefixes, ${bytes.length.toLocaleString('en')} bytes, ${RUNS} runs, seed ${SEED}`);
const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(run(bytes));
  console.log(`  run ${i + 1}: ${runs[i]!.cpuSeconds.toFixed(2)} CPU s, ${runs[i]!.retainedBytesPerRoute} bytes retained per route`);
}
const cpus = runs.map((r) => r.cpuSeconds).sort((a, b) => a - b);
const result = {
  prefixes: PREFIXES,
  seed: SEED,
  bytes: bytes.length,
  node: process.version,
  measuredAt: new Date().toISOString(),
  cpuSeconds: { min: cpus[0]!, median: cpus[Math.floor(cpus.length / 2)]! },
  retainedBytesPerRoute: runs[runs.length - 1]!.retainedBytesPerRoute,
};
console.log(`  CPU s min ${result.cpuSeconds.min.toFixed(2)}, median ${result.cpuSeconds.median.toFixed(2)}; ${result.retainedBytesPerRoute} bytes per route`);
const file = join(resolve(here, 'results'), 'bgpd-ingest-core.json');
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runs?: Record<string, unknown> }) : {};
await writeFileAtomically(file, `${JSON.stringify({ runs: { ...(previous.runs ?? {}), [String(PREFIXES)]: result } }, null, 2)}\n`);
