/**
 * DNS64 benchmark: `flatlab dns64` against Unbound's dns64 module (and BIND's dns64 for
 * reference), all forwarding one IPv4-only zone served by `flatlab hesiod`, measured by
 * dnsperf on cached synthesized AAAA answers in the same run, one server at a time.
 *
 *   npm run bench -- dns64 [--names 1000] [--duration 10] [--rounds 2] [--threads 2]
 *
 * Every server is warmed with the whole query file before it is measured, so the
 * measured queries hit caches only. Only the PIDs started here are signalled.
 * Results: bench/results/dns64.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { upstreamAnswer } from '../src/dns/dns64/upstream-answer.js';
import { buildUpstreamQuery, networkExchange } from '../src/dns/server/dns64-upstream.js';
import { TYPE } from '../src/dns/wire/constants.js';
import { freePort, startNamed, startUnbound, type RunningReference } from '../test/dns/dns64/reference-resolvers.js';
import { numberArg } from './_args.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ORIGIN = 'lab.example';

const arg = (name: string, fallback: number) => numberArg(`--${name}`, fallback);

const names = arg('names', 1000);
const duration = arg('duration', 10);
const rounds = arg('rounds', 2);
const threads = arg('threads', availableParallelism());

function zoneText(n: number): string {
  const lines = [`$ORIGIN ${ORIGIN}.`, '$TTL 3600', '@ IN SOA ns1 hostmaster ( 1 3600 600 86400 3600 )', '@ IN NS ns1', 'ns1 IN A 127.0.0.1'];
  for (let i = 0; i < n; i++) lines.push(`v4-${i} IN A 192.0.2.${1 + (i % 250)}`);
  return `${lines.join('\n')}\n`;
}

interface PerfResult {
  qps: number;
  sent: number;
  completed: number;
  lost: number;
  avgLatencyMs: number;
  rcodes: string;
}

async function dnsperf(port: number, file: string, extra: string[]): Promise<PerfResult> {
  const { stdout } = await execa('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-c', '8', '-T', '2', '-q', '500', '-t', '2', ...extra]);
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? Number.NaN);
  return {
    qps: Math.round(num(/Queries per second:\s+([\d.]+)/)),
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    avgLatencyMs: Number((num(/Average Latency \(s\):\s+([\d.]+)/) * 1000).toFixed(3)),
    rcodes: /Response codes:\s+(.*)/.exec(stdout)?.[1] ?? '',
  };
}

/** Bounded wait until `port` answers a synthesized AAAA. */
async function waitForSynthesis(port: number, isDead: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < 600 && Date.now() < deadline; i++) {
    if (isDead()) throw new Error(`${what} exited before answering`);
    const q = buildUpstreamQuery({ name: `v4-0.${ORIGIN}`, type: TYPE.AAAA, class: 1, dnssecOk: false, checkingDisabled: false }, i, 1232);
    const m = await networkExchange.udp({ host: '127.0.0.1', port }, q, 300);
    if (m && upstreamAnswer(m).answer.some((r) => r.type === TYPE.AAAA)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} gave no synthesized AAAA on port ${port} within 60 s`);
}

interface Server {
  name: string;
  start(): Promise<{ port: number; stop(): Promise<void>; dead(): boolean; log(): string }>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function spawnFlatlab(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
}

async function measure(server: Server, file: string): Promise<PerfResult> {
  const s = await server.start();
  try {
    await waitForSynthesis(s.port, s.dead, server.name);
    // Warm-up: every name once at a gentle pace (a burst would overflow the upstream's
    // socket buffer and leave names uncached), so the measured run hits caches only.
    await dnsperf(s.port, file, ['-n', '1', '-q', '20', '-c', '1', '-T', '1']);
    return await dnsperf(s.port, file, ['-l', String(duration)]);
  } catch (err) {
    throw new Error(`${server.name}: ${(err as Error).message}\n${s.log()}`);
  } finally {
    await s.stop();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  for (const tool of ['dnsperf', 'unbound', 'named']) await execa('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).catch(() => { throw new Error(`${tool} is not installed (Debian packages dnsperf, unbound, bind9)`); });
  const dir = mkdtempSync(join(tmpdir(), 'fl-bench-dns64-'));
  const upstreamPort = await freePort();
  const zoneFile = join(dir, 'lab.zone');
  writeFileSync(zoneFile, zoneText(names));
  const qfile = join(dir, 'queries.txt');
  writeFileSync(qfile, Array.from({ length: names }, (_, i) => `v4-${i}.${ORIGIN} AAAA`).join('\n') + '\n');
  const upstream = spawnFlatlab(['hesiod', '--zone', zoneFile, '--listen', `127.0.0.1:${upstreamPort}`]);
  try {
    const ref = (kind: 'unbound' | 'named', n: number): Server => ({
      name: `${kind} (${n} thread${n === 1 ? '' : 's'})`,
      start: async () => {
        const port = await freePort();
        const opts = { dir: join(dir, `${kind}-${n}`), port, upstreamPort, zones: [ORIGIN], prefix: '64:ff9b::/96', threads: n };
        const r: RunningReference = kind === 'unbound' ? startUnbound(opts) : startNamed(opts);
        return { port, stop: r.stop, dead: () => r.child.exitCode !== null, log: r.output };
      },
    });
    const flatlab: Server = {
      name: 'flatlab dns64',
      start: async () => {
        const port = await freePort();
        const child = spawnFlatlab(['dns64', '--upstream', `127.0.0.1:${upstreamPort}`, '--listen', `127.0.0.1:${port}`]);
        let log = '';
        child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
        return { port, stop: () => stopChild(child), dead: () => child.exitCode !== null, log: () => log };
      },
    };
    const servers = [flatlab, ref('unbound', threads), ref('unbound', 1), ref('named', threads)];
    const results = new Map<string, PerfResult[]>(servers.map((s) => [s.name, []]));
    console.error(`zone: ${names} IPv4-only names; dnsperf ${duration}s, 8 clients, 2 threads, cached synthesized AAAA; ${rounds} alternating rounds`);
    for (let r = 0; r < rounds; r++) {
      const line: string[] = [];
      for (const s of servers) {
        const m = await measure(s, qfile);
        results.get(s.name)?.push(m);
        line.push(`${s.name} ${m.qps}`);
      }
      console.error(`round ${r + 1}: ${line.join(', ')} QPS`);
    }
    const summary = Object.fromEntries(
      [...results].map(([name, ms]) => [name, { qps: Math.round(median(ms.map((m) => m.qps))), qpsPerRound: ms.map((m) => m.qps), lost: median(ms.map((m) => m.lost)), avgLatencyMs: median(ms.map((m) => m.avgLatencyMs)), rcodes: ms[0]?.rcodes ?? '' }]),
    );
    const ours = summary['flatlab dns64']!.qps;
    const unboundBest = summary[`unbound (${threads} thread${threads === 1 ? '' : 's'})`]!.qps;
    const unboundOne = summary['unbound (1 thread)']!.qps;
    const { stdout: unboundVersion } = await execa('unbound', ['-V']);
    const { stdout: bindVersion } = await execa('named', ['-v']);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), node: process.version },
      load_average_at_end: loadavg().map((x) => Number(x.toFixed(2))),
      zone: { names, ttl: 3600 },
      rounds,
      dnsperf: { durationSeconds: duration, clients: 8, threads: 2, outstanding: 500, queryMix: 'AAAA for IPv4-only names: every answer synthesized, from cache after a warm-up pass' },
      versions: { unbound: unboundVersion.split('\n')[0], bind: bindVersion.trim() },
      servers: summary,
      ratio_qps_flatlab_over_unbound: Number((ours / unboundBest).toFixed(3)),
      ratio_qps_flatlab_over_unbound_one_thread: Number((ours / unboundOne).toFixed(3)),
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/dns64.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log('| server                 |     QPS |   lost | avg ms |');
    console.log('|------------------------|---------|--------|--------|');
    for (const [name, s] of Object.entries(summary)) console.log(`| ${name.padEnd(22)} | ${String(s.qps).padStart(7)} | ${String(s.lost).padStart(6)} | ${s.avgLatencyMs.toFixed(3).padStart(6)} |`);
    console.log(`\nQPS ratio flatlab dns64 / Unbound dns64 (${threads} threads): ${result.ratio_qps_flatlab_over_unbound}; / Unbound (1 thread): ${result.ratio_qps_flatlab_over_unbound_one_thread} (medians of ${rounds} alternating rounds; load average ${loadavg()[0]?.toFixed(1)})`);
  } finally {
    await stopChild(upstream);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
