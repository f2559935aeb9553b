/**
 * bench/bgpd-ingest (bgperf style): one sender feeds N IPv4 prefixes over one eBGP session
 * into (a) flatlab bgpd, (b) BIRD 2, (c) GoBGP, (d) FRR bgpd, each in its own network
 * namespace, one at a time, in one run. Reported per target: time from the session reaching
 * Established to all N prefixes in the target's Loc-RIB, peak RSS (VmHWM), CPU seconds spent
 * during that time (utime+stime from /proc/PID/stat), and ratios to BIRD; beside them each
 * target's idle RSS (started, answering its control interface, no session yet), so the
 * report shows the runtime floor apart from what the routes cost.
 *
 * Progress is read from each daemon's per-neighbour accepted-routes counter (cheap to ask for)
 * on the schedule of bench/_progress-poll.ts, the same for every target: readings thicken
 * towards the predicted end, so the time is bracketed to about one reading's round trip (the
 * middle of the bracket is reported, with its half-width) instead of being quantised to a
 * polling interval. What a reading costs the daemon is measured at idle before the session
 * (its CPU over back-to-back readings) and reported with the number of readings taken.
 *
 *   npm run bench -- bgpd-ingest [--prefixes N] [--targets flatlab,bird,gobgp,frr] [--seed S] [--timeout SECONDS]
 *   (BGPD_INGEST_PREFIXES=N works too; default 100000; root and the daemons are needed)
 *
 * The sender is this file run with `--sender` in a namespace of its own: it builds and
 * encodes every UPDATE first, says `ready`, and connects when signalled (SIGUSR2), so during
 * the measurement it only writes bytes, and the target is started only when the table is
 * built: its idle reading comes the same time after its start at every table size.
 * Input shape (bench/_ingest-table.ts, seeded): prefixes /19–/24 (about half /24) allocated upwards from 1.0.0.0; 1–8
 * prefixes per attribute set (about 4.5 on average, as UPDATE packing in real tables);
 * AS paths of 2–6 hops from a pool of 2000 ASNs (a third 4-octet), ORIGIN mostly IGP, a MED
 * on 30%, 0–4 communities, a large community on 10%.
 *
 * No target is tuned: BIRD without a kernel protocol, FRR bgpd with `-n` (no FIB install,
 * like the others), GoBGP and flatlab with defaults. flatlab runs from its build (dist/, as
 * users run it; the bench builds it first).
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileAtomically } from '../src/files/write-file.js';
import { BgpFramer, codecContext, decodeMessage, encodeMessage, endOfRib } from '../src/bgp/wire/index.js';
import type { BgpMessage } from '../src/bgp/wire/types.js';
import { packUpdates } from '../src/bgp/speaker/packing.js';
import { buildTable, SENDER_AS } from './_ingest-table.js';
import { pollUntil, reachedBetween } from './_progress-poll.js';
import { numberArg } from './_args.js';
import {
  createNet, GiveUp, mustBeRunning, sleepMs, startBird, startDaemon, startFlatlabBgpd, startFrr, startGobgp, stopAll, stopStarted, waitFor, type NeighborJson, type RunningDaemon, type TestNet,
} from '../test/support/daemons.js';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET_AS = 65001;
const TARGETS = ['flatlab', 'bird', 'gobgp', 'frr'] as const;
type Target = (typeof TARGETS)[number];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ------------------------------------------------------------------ the sender process

async function runSender(): Promise<void> {
  const opts = JSON.parse(arg('--sender')!) as { target: string; local: string; prefixes: number; seed: number };
  const ctx = codecContext();
  const table = buildTable(opts.prefixes, opts.seed, opts.local);
  // Encode everything first, in ~1 MiB chunks: during the measurement the sender only writes.
  const chunks: Buffer[] = [];
  let pending: Uint8Array[] = [];
  let size = 0;
  const push = (m: BgpMessage) => {
    const b = encodeMessage(m, ctx);
    pending.push(b);
    size += b.length;
    if (size >= 1 << 20) {
      chunks.push(Buffer.concat(pending));
      pending = [];
      size = 0;
    }
  };
  for (const u of packUpdates('ipv4-unicast', table.changes, ctx)) push(u);
  push(endOfRib(1, 1));
  if (pending.length) chunks.push(Buffer.concat(pending));
  const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
  say({ event: 'ready', bytes: chunks.reduce((n, c) => n + c.length, 0), attributeSets: table.attributeSets });
  // The bench reads the target's idle figures, then signals. (SIGUSR1 would open Node's inspector.)
  const hold = setInterval(() => {}, 1 << 30); // a signal listener alone does not keep Node running
  await new Promise<void>((r) => process.once('SIGUSR2', () => r()));
  clearInterval(hold);
  say({ event: 'go', at: Date.now() });

  const sock = connect({ host: opts.target, port: 179, localAddress: opts.local, noDelay: true });
  const framer = new BgpFramer(() => ctx);
  let state: 'open-sent' | 'open-confirm' | 'established' = 'open-sent';
  sock.on('connect', () => {
    sock.write(encodeMessage({
      type: 'OPEN', version: 4, myAs: SENDER_AS, holdTime: 240, bgpIdentifier: opts.local,
      capabilities: [{ code: 1, name: 'multiprotocol', afi: 1, safi: 1 }, { code: 2, name: 'route-refresh' }, { code: 65, name: 'four-octet-as', asn: SENDER_AS }],
    }, ctx));
  });
  const keepalive = encodeMessage({ type: 'KEEPALIVE' }, ctx);
  sock.on('data', (chunk: Buffer) => {
    for (const frame of framer.push(new Uint8Array(chunk))) {
      const m = decodeMessage(frame, ctx).message;
      if (m.type === 'OPEN' && state === 'open-sent') {
        state = 'open-confirm';
        sock.write(keepalive);
      } else if (m.type === 'KEEPALIVE' && state === 'open-confirm') {
        state = 'established';
        say({ event: 'established', at: Date.now() });
        setInterval(() => sock.write(keepalive), 30_000).unref();
        void (async () => {
          for (const c of chunks) if (!sock.write(c)) await new Promise((r) => sock.once('drain', r));
          say({ event: 'sent', at: Date.now() });
        })();
      } else if (m.type === 'NOTIFICATION') {
        say({ event: 'notification', code: m.code, subcode: m.subcode });
        process.exit(1);
      }
    }
  });
  sock.on('error', (err) => {
    say({ event: 'error', message: err.message });
    process.exit(1);
  });
  sock.on('close', () => process.exit(state === 'established' ? 0 : 1));
}

// ------------------------------------------------------------------ measuring a target

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime (fields 14, 15)
}

/** CPU time of every thread of `pid` in nanoseconds (/proc/PID/task/TID/schedstat), finer than the clock ticks of /proc/PID/stat. */
function cpuNanoseconds(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended
    }
  }
  return ns;
}

function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Running {
  /** The process whose memory and CPU count. */
  pid: number;
  version: string;
  count(): Promise<number>;
  stop(): Promise<void>;
}

/** The first line the command prints (BIRD prints its version on stderr). */
function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return `${r.stdout ?? ''}`.trim().split('\n')[0]!.trim() || `${r.stderr ?? ''}`.trim().split('\n')[0]!.trim();
}

async function startTarget(target: Target, net: TestNet, dir: string): Promise<Running> {
  const self = net.address('target', 'sender', 4);
  const sender = net.address('sender', 'target', 4);
  const ns = net.ns('target');
  switch (target) {
    case 'flatlab': {
      const d = await startFlatlabBgpd(ns, dir, `router-id: ${self}
asn: ${TARGET_AS}
listen: { address: ["${self}"], port: 179 }
peers:
  - { name: sender, address: "${sender}", remote-as: ${SENDER_AS}, local-address: "${self}", passive: true, import: all, export: none, hold-time: 240 }
`, { fromDist: true });
      return {
        pid: d.daemon.pid,
        version: `flatlab bgpd (node ${process.version}, dist/ built from the sources)`,
        count: async () => (await d.get<NeighborJson[]>('/neighbors')).find((n) => n.name === 'sender')?.prefixes.accepted ?? 0,
        stop: () => d.daemon.stop(30_000),
      };
    }
    case 'bird': {
      const b = await startBird(ns, dir, `router id ${self};
protocol device {}
protocol bgp sender {
  local ${self} as ${TARGET_AS};
  neighbor ${sender} as ${SENDER_AS};
  passive;
  hold time 240;
  ipv4 { import all; export none; };
}
`);
      return {
        pid: b.daemon.pid,
        version: version('bird', ['--version']),
        count: async () => Number(/Routes:\s+(\d+) imported/.exec(await b.birdc('show', 'protocols', 'all', 'sender'))?.[1] ?? 0),
        stop: () => b.daemon.stop(30_000),
      };
    }
    case 'gobgp': {
      const g = await startGobgp(net, 'target', dir, `[global.config]
  as = ${TARGET_AS}
  router-id = "${self}"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "${sender}"
    peer-as = ${SENDER_AS}
  [neighbors.transport.config]
    passive-mode = true
  [neighbors.timers.config]
    hold-time = 240
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
`);
      return {
        pid: g.daemon.pid,
        version: version('gobgpd', ['--version']),
        // The neighbour's accepted counter: `global rib summary` walks the table and, polled while a
        // million routes arrive, starved GoBGP's ingest (no progress in 15 minutes).
        count: async () => Math.max(0, ...[...(await g.gobgp('neighbor', sender, '-j')).stdout.matchAll(/"accepted":(\d+)/g)].map((m) => Number(m[1]))),
        // GoBGP takes seconds to exit while holding a large table (design.md, platform notes).
        stop: () => g.daemon.stop(60_000),
      };
    }
    case 'frr': {
      const f = await startFrr(ns, dir, `frr defaults traditional
hostname target
log stdout warnings
router bgp ${TARGET_AS}
 bgp router-id ${self}
 no bgp ebgp-requires-policy
 neighbor ${sender} remote-as ${SENDER_AS}
 neighbor ${sender} passive
 neighbor ${sender} timers 80 240
`, { bgpdArgs: ['-n'] });
      return {
        pid: f.bgpd.pid,
        version: version('/usr/lib/frr/bgpd', ['--version']),
        count: async () => {
          const s = await f.json<{ peers?: Record<string, { pfxRcd?: number }> }>('show bgp ipv4 unicast summary json');
          return s.peers?.[sender]?.pfxRcd ?? 0;
        },
        stop: () => f.stop(),
      };
    }
  }
}

interface TargetResult {
  target: Target;
  version: string;
  prefixes: number;
  /** Established to all prefixes accepted: the middle of the bracket the readings give. */
  seconds: number;
  /** Half the bracket's width: `seconds` is within this of the moment the counter reached `prefixes`. */
  plusMinusSeconds: number;
  prefixesPerSecond: number;
  /** VmRSS once started and answering, before the session (IDLE_SETTLE_MS after it first answered). */
  idleRssMiB: number;
  peakRssMiB: number;
  /** (peak − idle) RSS per prefix. */
  bytesPerPrefix: number;
  /** From the signal to connect until the last reading (session setup is a few milliseconds of it). */
  cpuSeconds: number;
  /** Readings of the counter during the ingest (each: sent and answered, ms after Established, and the count), and the daemon's CPU per reading measured at idle. */
  polling: { readings: number; cpuMsPerReading: number; trace: Array<[sentMs: number, answeredMs: number, count: number]> };
  ratioToBird?: { time: number; rss: number; cpu: number };
}

/** How long an idle target is left after it first answers before its idle RSS is read. */
const IDLE_SETTLE_MS = 1000;
/** Back-to-back readings at idle to measure what a reading costs the daemon. */
const COST_READINGS = 20;

type SenderEvent = { event: string; at?: number; code?: number; message?: string };

/** `timeoutMs`: how long the target may take from Established to all `n` prefixes (a target that does not finish is reported as failed, with its last count). */
async function measure(target: Target, n: number, seed: number, subnet: number, timeoutMs: number): Promise<TargetResult> {
  const dir = mkdtempSync(join(tmpdir(), `flatlab-ingest-${target}-`));
  chmodSync(dir, 0o755);
  const net = await createNet({ tag: `ing${target}`.slice(0, 9), subnet, nodes: ['sender', 'target'], links: [['sender', 'target']] });
  let running: Running | undefined;
  let sender: RunningDaemon | undefined;
  try {
    // The sender builds its table first; the target starts once it is ready, so the target's
    // idle reading comes the same time after its start whatever the table size.
    const senderArgs = JSON.stringify({ target: net.address('target', 'sender', 4), local: net.address('sender', 'target', 4), prefixes: n, seed });
    sender = await startDaemon(net.ns('sender'), 'sender', [process.execPath, '--max-old-space-size=4096', '--import', 'tsx', fileURLToPath(import.meta.url), '--sender', senderArgs], dir);
    const events = () => sender!.logText().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as SenderEvent);
    const senderSays = (what: string, timeoutMs: number, intervalMs: number) => waitFor(`${target}: sender ${what}`, async () => {
      const e = events();
      const bad = e.find((x) => x.event === 'notification' || x.event === 'error');
      if (bad) throw new GiveUp(`sender: ${JSON.stringify(bad)}`);
      const found = e.find((x) => x.event === what);
      if (!found) await mustBeRunning(sender!);
      return found;
    }, { timeoutMs, intervalMs });
    await senderSays('ready', 600_000, 100);
    running = await startTarget(target, net, join(dir, target));
    await sleepMs(IDLE_SETTLE_MS);
    const idleRssMiB = statusMiB(running.pid, 'VmRSS');
    const cost0 = cpuNanoseconds(running.pid);
    for (let i = 0; i < COST_READINGS; i++) await running.count();
    const cpuMsPerReading = (cpuNanoseconds(running.pid) - cost0) / 1e6 / COST_READINGS;

    const cpu0 = cpuSeconds(running.pid);
    process.kill(sender.pid, 'SIGUSR2');
    const established = (await senderSays('established', 60_000, 5)).at!;
    const readings = await pollUntil(() => running!.count(), n, established, { timeoutMs });
    const cpu1 = cpuSeconds(running.pid);
    const reached = reachedBetween(readings, n, established)!;
    const seconds = ((reached.after + reached.by) / 2 - established) / 1000;
    const peakRssMiB = statusMiB(running.pid, 'VmHWM');
    const result: TargetResult = {
      target,
      version: running.version,
      prefixes: n,
      seconds: Math.round(seconds * 1000) / 1000,
      plusMinusSeconds: Math.round(reached.by - reached.after) / 2000,
      prefixesPerSecond: Math.round(n / seconds),
      idleRssMiB: Math.round(idleRssMiB * 10) / 10,
      peakRssMiB: Math.round(peakRssMiB * 10) / 10,
      bytesPerPrefix: Math.round(((peakRssMiB - idleRssMiB) * 1048576) / n),
      cpuSeconds: Math.round((cpu1 - cpu0) * 100) / 100,
      polling: { readings: readings.length, cpuMsPerReading: Math.round(cpuMsPerReading * 1000) / 1000, trace: readings.map((r) => [r.sentAt - established, r.answeredAt - established, r.count]) },
    };
    console.log(`  ${target.padEnd(8)} ${result.seconds.toFixed(3).padStart(8)} s ±${result.plusMinusSeconds.toFixed(3)}  idle ${result.idleRssMiB.toFixed(1).padStart(6)} MiB  peak ${result.peakRssMiB.toFixed(1).padStart(7)} MiB  ${result.cpuSeconds.toFixed(2).padStart(7)} CPU s  ${readings.length} readings`);
    return result;
  } finally {
    await stopAll([sender, running]);
    await stopStarted();
    await net.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runBench(): Promise<void> {
  const n = Number(arg('--prefixes') ?? process.env.BGPD_INGEST_PREFIXES ?? 100_000);
  const seed = Number(arg('--seed') ?? 1);
  const timeoutMs = numberArg('--timeout', 900) * 1000;
  const targets = (arg('--targets') ?? TARGETS.join(',')).split(',') as Target[];
  if (!Number.isInteger(n) || n <= 0) throw new Error('--prefixes needs a positive integer');
  const unknown = targets.filter((t) => !TARGETS.includes(t));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${TARGETS.join(', ')}`);
  if (process.getuid?.() !== 0) throw new Error('bench/bgpd-ingest needs root (network namespaces)');
  console.log(`bench/bgpd-ingest: ${n.toLocaleString('en')} IPv4 prefixes, one eBGP session, seed ${seed}, at most ${timeoutMs / 1000} s per target`);
  const results: TargetResult[] = [];
  const loadBefore = loadavg()[0]!;
  const failed: Array<{ target: Target; error: string }> = [];
  for (const [i, t] of targets.entries()) {
    try {
      results.push(await measure(t, n, seed, 80 + i, timeoutMs));
    } catch (err) {
      // One target failing (a timeout) still leaves the others' figures.
      console.log(`  ${t.padEnd(8)} failed: ${(err as Error).message.split('\n')[0]}`);
      failed.push({ target: t, error: (err as Error).message });
    }
  }
  const bird = results.find((r) => r.target === 'bird');
  const round = (x: number) => Math.round(x * 100) / 100;
  if (bird) for (const r of results) r.ratioToBird = { time: round(r.seconds / bird.seconds), rss: round(r.peakRssMiB / bird.peakRssMiB), cpu: round(r.cpuSeconds / bird.cpuSeconds) };

  const header = ['target', 'time s', '±', 'prefixes/s', 'idle RSS MiB', 'peak RSS MiB', 'B/prefix', 'CPU s', '×BIRD time', '×BIRD RSS', '×BIRD CPU', 'readings', 'CPU ms/reading'];
  const rows = results.map((r) => [
    r.target, r.seconds.toFixed(3), r.plusMinusSeconds.toFixed(3), r.prefixesPerSecond.toLocaleString('en'), r.idleRssMiB.toFixed(1), r.peakRssMiB.toFixed(1), String(r.bytesPerPrefix), r.cpuSeconds.toFixed(2),
    r.ratioToBird?.time.toFixed(2) ?? '-', r.ratioToBird?.rss.toFixed(2) ?? '-', r.ratioToBird?.cpu.toFixed(2) ?? '-', String(r.polling.readings), r.polling.cpuMsPerReading.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log(`\n  load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (2 cores here: wall times stretch with load, CPU seconds much less)`);
  for (const r of [header, ...rows]) console.log(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`);
  console.log(`  (time: the middle of the interval in which the counter reached ${n.toLocaleString('en')}, ± its half-width; B/prefix: (peak − idle RSS) / prefixes; CPU ms/reading: the daemon's CPU per counter reading, measured at idle)`);

  const file = join(resolve(here, 'results'), 'bgpd-ingest.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runs?: Record<string, unknown> }) : {};
  const table = buildTable(n, seed, '192.0.2.1');
  // Wall times on a shared machine depend on what else runs; the load average says how much did, and CPU seconds depend on it least.
  const run = { prefixes: n, seed, timeoutSeconds: timeoutMs / 1000, attributeSets: table.attributeSets, node: process.version, measuredAt: new Date().toISOString(), loadAverage: { before: loadBefore, after: loadavg()[0]! }, results, failed };
  await writeFileAtomically(file, `${JSON.stringify({ runs: { ...(previous.runs ?? {}), [String(n)]: run } }, null, 2)}\n`);
}

if (arg('--sender') !== undefined) await runSender();
else {
  try {
    // flatlab runs from dist/: build it from these sources first, so the bench never measures a stale build.
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: join(here, '..'), stdio: 'inherit' });
    await runBench();
  } catch (err) {
    console.error(`bench/bgpd-ingest: ${(err as Error).message}`);
    await stopStarted();
    process.exitCode = 1;
  }
}
