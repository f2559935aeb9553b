/**
 * Hesiod server benchmark: `flatlab hesiod` against BIND 9 `named` serving the same
 * 10k-user HS zone on loopback, one at a time, measured by dnsperf with the same raw
 * wire-format query file (`-B`: dnsperf cannot set class HS itself).
 *
 *   npm run bench -- hesiod [--users 10000] [--duration 10] [--rounds 2] [--workers 1,2] [--named-threads 2] [--compare DIR]
 *
 * `--compare DIR` also measures the `flatlab hesiod` of another checkout (e.g. the commit
 * before a change, from `git archive`, with this node_modules linked in) in the same rounds,
 * so before and after meet the same machine load.
 *
 * Two runs per server: a throughput run (dnsperf unthrottled, several clients and threads)
 * for QPS, and a latency run at a fixed offered load (-Q) with per-query output (-v) for
 * percentiles. Only the PIDs started here are signalled. Results: bench/results/hesiod.json.
 *
 * Other jobs share the machine, so QPS moves with their load (each round records the load
 * average). CPU time per answered query (user + system, of the server's processes and
 * threads, during the throughput run) moves much less with it: it is reported beside QPS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { buildQuery, queryServer } from '../src/dns/server/query-client.js';
import { frameMessage } from '../src/dns/server/tcp-framer.js';
import { udpBatchAvailability } from '../src/dns/server/udp-batch.js';
import { CLASS, TYPE } from '../src/dns/wire/constants.js';
import { seededRandom } from '../src/runtime/sim/random.js';
import { numberArg } from './_args.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ORIGIN = 'ns.example.org';

const arg = (name: string, fallback: number) => numberArg(`--${name}`, fallback);

const users = arg('users', 10_000);
const duration = arg('duration', 10);
/** Worker counts to compare in the same rounds (`--workers 1,2`): what scales is measured, not assumed. */
const workerCounts = (() => {
  const i = process.argv.indexOf('--workers');
  const text = i >= 0 ? (process.argv[i + 1] ?? '') : `1,${availableParallelism()}`;
  const list = [...new Set(text.split(',').map(Number))];
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--workers takes counts like 1,2');
  return list;
})();
const namedThreads = arg('named-threads', availableParallelism());
const compareRoot = (() => {
  const i = process.argv.indexOf('--compare');
  return i >= 0 ? resolve(process.argv[i + 1] ?? '.') : undefined;
})();
const latencyQps = arg('latency-qps', 5000);
/** Rounds alternate flatlab and named, so a busy machine hurts both alike; medians are reported. */
const rounds = arg('rounds', 2);

/** The sim runtime's seeded generator, so every run sees the same data. */
function rng(seed: number): () => number {
  const r = seededRandom(seed);
  return () => r.next();
}

function zoneText(n: number): string {
  const lines = [
    `$ORIGIN ${ORIGIN}.`,
    '$TTL 3600',
    `@ HS SOA ns1.${ORIGIN}. hostmaster.${ORIGIN}. ( 2024010101 3600 600 86400 300 )`,
    `@ HS NS ns1.${ORIGIN}.`,
    'ns1 HS A 127.0.0.1',
  ];
  for (let g = 0; g < Math.ceil(n / 20); g++) {
    const members = Array.from({ length: Math.min(20, n - g * 20) }, (_, i) => `user${g * 20 + i}`).join(',');
    lines.push(`group${g}.group HS TXT "group${g}:*:${5000 + g}:${members}"`, `${5000 + g}.gid HS CNAME group${g}.group`);
  }
  for (let u = 0; u < n; u++) {
    const uid = 10000 + u;
    const g = Math.floor(u / 20);
    lines.push(
      `user${u}.passwd HS TXT "user${u}:*:${uid}:${5000 + g}:User ${u}:/home/user${u}:/bin/bash"`,
      `${uid}.uid HS CNAME user${u}.passwd`,
      `user${u}.grplist HS TXT "group${g}:${5000 + g}"`,
      `user${u}.pobox HS TXT "POP mail.example.org user${u}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** 70% passwd, 15% uid (CNAME + TXT), 10% grplist, 5% names that do not exist. */
function queryFile(n: number, count: number): Buffer {
  const r = rng(42);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const u = Math.floor(r() * n);
    const p = r();
    const name = p < 0.7 ? `user${u}.passwd` : p < 0.85 ? `${10000 + u}.uid` : p < 0.95 ? `user${u}.grplist` : `nouser${u}.passwd`;
    out.push(frameMessage(buildQuery(`${name}.${ORIGIN}`, TYPE.TXT, CLASS.HS, { id: 0, recursionDesired: false })));
  }
  return Buffer.concat(out);
}

interface PerfResult {
  qps: number;
  /** CPU (user + system) of the server's processes per completed query, in µs. */
  cpuMicrosPerQuery: number;
  loadAverage: number;
  sent: number;
  completed: number;
  lost: number;
  avgLatencyMs: number;
  rcodes: string;
}

interface LatencyResult {
  offeredQps: number;
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** The process and its descendants (cluster workers), from /proc. */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length && i < 256; i++) {
    const p = out[i] as number;
    try {
      for (const tid of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) out.push(Number(tid));
    } catch {
      // gone, or no children file
    }
  }
  return out;
}

/** utime + stime of every thread of these processes, in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pids: readonly number[]): number {
  let t = 0;
  for (const p of pids) {
    try {
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      t += Number(f[11] ?? 0) + Number(f[12] ?? 0);
    } catch {
      // exited
    }
  }
  return t;
}
const TICKS_PER_SECOND = 100;

async function throughput(port: number, file: string, serverPid: number): Promise<PerfResult> {
  const pids = processTree(serverPid);
  const cpuBefore = cpuTicks(pids);
  const { stdout } = await execa('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-B', '-l', String(duration), '-c', '8', '-T', '2', '-q', '500', '-t', '2']);
  const cpuSeconds = (cpuTicks(pids) - cpuBefore) / TICKS_PER_SECOND;
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? Number.NaN);
  return {
    qps: Math.round(num(/Queries per second:\s+([\d.]+)/)),
    cpuMicrosPerQuery: Number(((cpuSeconds * 1e6) / num(/Queries completed:\s+(\d+)/)).toFixed(2)),
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(1)),
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    avgLatencyMs: Number((num(/Average Latency \(s\):\s+([\d.]+)/) * 1000).toFixed(3)),
    rcodes: /Response codes:\s+(.*)/.exec(stdout)?.[1] ?? '',
  };
}

async function latency(port: number, file: string): Promise<LatencyResult> {
  const { stdout } = await execa('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-B', '-l', '5', '-Q', String(latencyQps), '-c', '4', '-T', '1', '-v', '-t', '2'], { maxBuffer: 512 * 1024 * 1024 });
  const samples = [...stdout.matchAll(/^> \S+ .* ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
  const pct = (p: number) => Number((samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? Number.NaN).toFixed(3));
  return { offeredQps: latencyQps, samples: samples.length, p50Ms: pct(50), p90Ms: pct(90), p99Ms: pct(99), p999Ms: pct(99.9), maxMs: pct(100) };
}

async function waitForAnswer(port: number, child: ChildProcess, what: string): Promise<void> {
  // Starting takes long on a loaded machine (tsx compiles the CLI in every process).
  const deadline = Date.now() + 180_000;
  for (let i = 0; i < 1800 && Date.now() < deadline; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before answering`);
    try {
      const r = await queryServer({ host: '127.0.0.1', port }, `user1.passwd.${ORIGIN}`, TYPE.TXT, CLASS.HS, { timeoutMs: 200, tries: 1 });
      if (r.answers.length > 0) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer on port ${port} within 180 s`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Measured {
  throughput: PerfResult;
  latency: LatencyResult;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Median of each figure over the rounds, with every round's QPS kept for the record. */
function summarise(ms: readonly Measured[]) {
  const t = (f: (m: Measured) => number) => Number(median(ms.map(f)).toFixed(3));
  return {
    throughput: {
      qps: Math.round(median(ms.map((m) => m.throughput.qps))),
      qpsPerRound: ms.map((m) => m.throughput.qps),
      cpuMicrosPerQuery: t((m) => m.throughput.cpuMicrosPerQuery),
      cpuMicrosPerQueryPerRound: ms.map((m) => m.throughput.cpuMicrosPerQuery),
      loadAveragePerRound: ms.map((m) => m.throughput.loadAverage),
      lost: t((m) => m.throughput.lost), avgLatencyMs: t((m) => m.throughput.avgLatencyMs), rcodes: ms[0]?.throughput.rcodes ?? '' },
    latency: { offeredQps: latencyQps, p50Ms: t((m) => m.latency.p50Ms), p90Ms: t((m) => m.latency.p90Ms), p99Ms: t((m) => m.latency.p99Ms), p999Ms: t((m) => m.latency.p999Ms), maxMs: t((m) => m.latency.maxMs) },
  };
}

async function measure(name: string, start: () => ChildProcess, port: number, file: string): Promise<Measured> {
  const child = start();
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  try {
    await waitForAnswer(port, child, name);
    // Warm up (fills our response cache, BIND's too) before measuring.
    await execa('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-B', '-n', '3', '-l', '20', '-c', '4', '-T', '2']);
    const t = await throughput(port, file, child.pid ?? 0);
    const l = await latency(port, file);
    return { throughput: t, latency: l };
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}\n${log}`);
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  for (const tool of ['dnsperf', 'named']) await execa('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).catch(() => { throw new Error(`${tool} is not installed (Debian packages dnsperf, bind9)`); });
  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-hesiod-'));
  try {
    const zoneFile = join(dir, 'ns.zone');
    writeFileSync(zoneFile, zoneText(users));
    const qfile = join(dir, 'queries.bin');
    writeFileSync(qfile, queryFile(users, 50_000));
    const ourPort = 25353;
    const bindPort = 25354;
    console.error(`zone: ${users} users; dnsperf ${duration}s, 8 clients, 2 threads; flatlab workers ${workerCounts.join(' and ')}, named threads ${namedThreads}`);

    const startFlatlab = (workers: number, from = root) => () =>
      spawn(process.execPath, ['--import', 'tsx', join(from, 'src/cli/main.ts'), 'hesiod', '--zone', zoneFile, '--listen', `127.0.0.1:${ourPort}`, '--workers', String(workers)], { cwd: from, stdio: ['ignore', 'ignore', 'pipe'] });
    // BIND serves class HS only inside an HS-class view (design.md, platform notes).
    writeFileSync(
      join(dir, 'named.conf'),
      `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  listen-on port ${bindPort} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
view "hesiod" HS {
  match-clients { any; };
  zone "${ORIGIN}" HS { type primary; file "${zoneFile}"; };
};
`,
    );
    const startNamed = () => spawn('named', ['-g', '-c', join(dir, 'named.conf'), '-n', String(namedThreads)], { stdio: ['ignore', 'ignore', 'pipe'] });
    const ours = new Map<number, Measured[]>(workerCounts.map((w) => [w, []]));
    const theirs: Measured[] = [];
    const compared = new Map<number, Measured[]>(workerCounts.map((w) => [w, []]));
    for (let r = 0; r < rounds; r++) {
      const line: string[] = [];
      for (const w of workerCounts) {
        const m = await measure(`flatlab hesiod --workers ${w}`, startFlatlab(w), ourPort, qfile);
        ours.get(w)?.push(m);
        line.push(`flatlab/${w}w ${m.throughput.qps} (${m.throughput.cpuMicrosPerQuery} µs CPU/query)`);
        if (compareRoot) {
          const c = await measure(`${compareRoot}: flatlab hesiod --workers ${w}`, startFlatlab(w, compareRoot), ourPort, qfile);
          compared.get(w)?.push(c);
          line.push(`compared/${w}w ${c.throughput.qps} (${c.throughput.cpuMicrosPerQuery} µs CPU/query)`);
        }
      }
      theirs.push(await measure('named', startNamed, bindPort, qfile));
      const n = theirs[r]?.throughput;
      console.error(`round ${r + 1}: ${line.join(', ')}, named ${n?.qps} QPS (${n?.cpuMicrosPerQuery} µs CPU/query); load average ${loadavg()[0]?.toFixed(1)}`);
    }
    const byWorkers = workerCounts.map((w) => ({ workers: w, ...summarise(ours.get(w) ?? []) }));
    const flatlab = byWorkers.reduce((a, b) => (b.throughput.qps > a.throughput.qps ? b : a));
    const workers = flatlab.workers;
    const named = summarise(theirs);

    const ratio = Number((flatlab.throughput.qps / named.throughput.qps).toFixed(3));
    const { stdout: bindVersion } = await execa('named', ['-v']);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), node: process.version },
      zone: { users, records: users * 4 + Math.ceil(users / 20) * 2 + 3 },
      rounds,
      load_average_at_end: loadavg().map((x) => Number(x.toFixed(2))),
      dnsperf: { durationSeconds: duration, clients: 8, threads: 2, outstanding: 500, queryMix: '70% passwd, 15% uid (CNAME), 10% grplist, 5% NXDOMAIN; class HS' },
      flatlab: { ...flatlab, udpIo: udpBatchAvailability() === true ? 'batch (native/udp-batch)' : `dgram (${udpBatchAvailability()})` },
      flatlab_by_workers: byWorkers,
      ...(compareRoot ? { compared: { root: compareRoot, byWorkers: workerCounts.map((w) => ({ workers: w, ...summarise(compared.get(w) ?? []) })) } } : {}),
      bind: { version: bindVersion.trim(), threads: namedThreads, ...named },
      ratio_qps_flatlab_over_bind: ratio,
      ratio_cpu_per_query_bind_over_flatlab: Number((named.throughput.cpuMicrosPerQuery / flatlab.throughput.cpuMicrosPerQuery).toFixed(3)),
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/hesiod.json'), `${JSON.stringify(result, null, 2)}\n`);
    const row = (n: string, r: ReturnType<typeof summarise>) =>
      `| ${n.padEnd(16)} | ${String(r.throughput.qps).padStart(7)} | ${`${Math.min(...r.throughput.qpsPerRound)}–${Math.max(...r.throughput.qpsPerRound)}`.padEnd(13)} | ${r.throughput.cpuMicrosPerQuery.toFixed(2).padStart(6)} | ${String(r.throughput.lost).padStart(6)} | ${r.latency.p50Ms.toFixed(3).padStart(7)} | ${r.latency.p99Ms.toFixed(3).padStart(7)} | ${r.latency.p999Ms.toFixed(3).padStart(8)} |`;
    console.log(`| server           |     QPS | QPS range     | µs CPU/q |   lost | p50 ms  | p99 ms  | p99.9 ms |`);
    console.log(`|------------------|---------|---------------|--------|--------|---------|---------|----------|`);
    for (const b of byWorkers) console.log(row(`flatlab (${b.workers}w)`, b));
    if (compareRoot) for (const w of workerCounts) console.log(row(`compared (${w}w)`, summarise(compared.get(w) ?? [])));
    console.log(row(`named (${namedThreads}t)`, named));
    console.log(`\nQPS ratio flatlab (best: ${workers} worker${workers === 1 ? '' : 's'})/BIND: ${ratio} (medians of ${rounds} alternating rounds; latency percentiles at ${latencyQps} offered QPS; load average ${loadavg()[0]?.toFixed(1)})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
