/**
 * Real routing daemons for interop tests and benchmarks: namespaces joined by veth pairs,
 * BIRD / FRR bgpd / GoBGP / ExaBGP / flatlab bgpd started in them with a config, bounded
 * waits, and stopping exactly the PIDs we started (src/runtime/netns/processes.ts starts and
 * stops them, as it does for the netns runtime; the runtime's observers parse their output).
 *
 * Addresses: link i (from 1) of a net with subnet S is 10.S.i.0/24 and fd00:S:i::/64; the first node
 * named in the link gets .1 / ::1, the second .2 / ::2.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { startProcess, stopProcess, isRunning } from '../../src/runtime/netns/processes.js';
import { processStartTime, type StartedProcess } from '../../src/runtime/netns/state.js';
import type { RouteObservation } from '../../src/runtime/runtime.js';
import { birdRouteObservation, parseBirdRoutes } from '../../src/runtime/netns/observers/bird.js';
import { frrPaths } from '../../src/runtime/netns/observers/frr.js';
import { gobgpPaths } from '../../src/runtime/netns/observers/gobgp.js';

const REPO = resolve(import.meta.dirname, '../..');

// ------------------------------------------------------------------ waiting

/** Thrown by a probe to stop waiting at once (the daemon died): other errors count as "not yet". */
export class GiveUp extends Error {}

/** Throws GiveUp when `daemon` is no longer running, with the end of its log. */
export async function mustBeRunning(daemon: RunningDaemon): Promise<void> {
  if (!(await daemon.running())) throw new GiveUp(`${daemon.name} exited; the end of ${daemon.log}:\n${daemon.logText().slice(-2000)}`);
}

/** Poll `probe` until it returns a value (not undefined); throws after `timeoutMs` naming what and the last observation. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, opts: { timeoutMs?: number; intervalMs?: number; last?: () => unknown } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let i = 0; ; i++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      lastError = err;
    }
    if (Date.now() > deadline || i > 100_000) {
      const seen = opts.last ? ` (last seen: ${JSON.stringify(opts.last())})` : lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await sleepMs(opts.intervalMs ?? 200);
  }
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------------ namespaces

export interface NetSpec {
  /** Short tag unique per test file: namespaces are `flt-<tag>-<node>`. */
  tag: string;
  /** Second octet of the IPv4 link networks (and the second group of the IPv6 ones), 1-254. */
  subnet: number;
  nodes: readonly string[];
  links: ReadonlyArray<readonly [string, string]>;
}

export interface TestNet {
  spec: NetSpec;
  ns(node: string): string;
  /** `node`'s address on its link with `peer`. */
  address(node: string, peer: string, family: 4 | 6): string;
  exec(node: string, argv: readonly string[], opts?: { timeoutMs?: number; input?: string }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  destroy(): Promise<void>;
}

const nsPrefix = (tag: string) => `flt-${tag}-`;

async function ip(args: string[], input?: string): Promise<void> {
  const r = await execa('ip', args, { reject: false, timeout: 30_000, ...(input !== undefined ? { input } : {}) });
  if (r.exitCode !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr}`);
}

/** Namespaces left by an earlier crashed run of the same test (same tag); removed before creating. */
function leftovers(tag: string): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(nsPrefix(tag)));
}

export async function createNet(spec: NetSpec): Promise<TestNet> {
  for (const ns of leftovers(spec.tag)) await ip(['netns', 'del', ns]);
  const ns = (node: string) => {
    if (!spec.nodes.includes(node)) throw new Error(`no node ${node} in net ${spec.tag}`);
    return `${nsPrefix(spec.tag)}${node}`;
  };
  const created: string[] = [];
  const destroy = async () => {
    for (const n of created) await execa('ip', ['netns', 'del', n], { reject: false });
  };
  try {
    for (const node of spec.nodes) {
      await ip(['netns', 'add', ns(node)]);
      created.push(ns(node));
      await ip(['-n', ns(node), 'link', 'set', 'lo', 'up']);
    }
    for (const [i, [a, b]] of spec.links.entries()) {
      const ia = `l${i}${b}`.slice(0, 15);
      const ib = `l${i}${a}`.slice(0, 15);
      await ip(['link', 'add', ia, 'netns', ns(a), 'type', 'veth', 'peer', 'name', ib, 'netns', ns(b)]);
      for (const [node, dev, host] of [[a, ia, 1], [b, ib, 2]] as const) {
        // nodad: IPv6 addresses usable at once, not tentative for a second or two.
        await ip(['-n', ns(node), '-batch', '-'], `address add 10.${spec.subnet}.${i + 1}.${host}/24 dev ${dev}\naddress add fd00:${spec.subnet}:${i + 1}::${host}/64 dev ${dev} nodad\nlink set ${dev} up\n`);
      }
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  const linkIndex = (x: string, y: string) => {
    const i = spec.links.findIndex(([a, b]) => (a === x && b === y) || (a === y && b === x));
    if (i < 0) throw new Error(`no link ${x}–${y} in net ${spec.tag}`);
    return i;
  };
  return {
    spec,
    ns,
    address(node, peer, family) {
      const i = linkIndex(node, peer);
      const host = spec.links[i]![0] === node ? 1 : 2;
      return family === 4 ? `10.${spec.subnet}.${i + 1}.${host}` : `fd00:${spec.subnet}:${i + 1}::${host}`;
    },
    async exec(node, argv, opts = {}) {
      const r = await execa('ip', ['netns', 'exec', ns(node), ...argv], { reject: false, timeout: opts.timeoutMs ?? 20_000, ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }) });
      return { exitCode: r.exitCode ?? 127, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
    },
    destroy,
  };
}

// ------------------------------------------------------------------ processes

export interface RunningDaemon {
  name: string;
  pid: number;
  log: string;
  process: StartedProcess;
  running(): Promise<boolean>;
  /** SIGSTOP / SIGCONT of this PID only. */
  freeze(): void;
  thaw(): void;
  stop(graceMs?: number): Promise<void>;
  logText(): string;
}

/** Every daemon started in this test process, so a failed setup still stops what it started. */
const started: RunningDaemon[] = [];

/** Stop every daemon this test process started and has not stopped yet (for afterAll). */
export async function stopStarted(): Promise<void> {
  await stopAll(started.splice(0));
}

export async function startDaemon(ns: string, name: string, argv: string[], dir: string, opts: { user?: string; env?: Record<string, string> } = {}): Promise<RunningDaemon> {
  const log = join(dir, `${name}.log`);
  const p = await startProcess(ns, { node: ns, name, argv, ...(opts.user ? { user: opts.user } : {}), ...(opts.env ? { env: opts.env } : {}) }, log);
  return track(p);
}

/**
 * A daemon in the test's own namespace (tests on loopback addresses), started and stopped the
 * same way: its own process group, output to `dir/<name>.log`, stopped by PID and start time.
 */
export async function startHostDaemon(name: string, argv: string[], dir: string, opts: { env?: Record<string, string> } = {}): Promise<RunningDaemon> {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  let child;
  try {
    child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...opts.env } });
  } finally {
    closeSync(fd);
  }
  child.unref();
  const pid = child.pid;
  const startTime = pid === undefined ? undefined : await processStartTime(pid);
  if (pid === undefined || startTime === undefined) throw new Error(`${name} exited at once; see ${log}`);
  return track({ node: 'host', name, pid, startTime, argv, log });
}

function track(p: StartedProcess): RunningDaemon {
  const log = p.log;
  const daemon: RunningDaemon = {
    name: p.name,
    pid: p.pid,
    log,
    process: p,
    running: () => isRunning(p),
    freeze: () => process.kill(p.pid, 'SIGSTOP'),
    thaw: () => process.kill(p.pid, 'SIGCONT'),
    async stop(graceMs) {
      try {
        process.kill(p.pid, 'SIGCONT'); // a frozen daemon cannot act on SIGTERM
      } catch {
        // already gone
      }
      await stopProcess(p, graceMs);
    },
    logText: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
  };
  started.push(daemon);
  return daemon;
}

/** Stop several daemons at once (GoBGP takes seconds to exit; do not wait for each in turn). */
export async function stopAll(daemons: ReadonlyArray<{ stop(): Promise<void> } | undefined>): Promise<void> {
  await Promise.all(daemons.map((d) => d?.stop().catch(() => undefined)));
}

// ------------------------------------------------------------------ BIRD 2

export interface Bird {
  daemon: RunningDaemon;
  birdc(...args: string[]): Promise<string>;
  /** `show route PREFIX all`, as observations (protocol name in `from`). */
  routes(prefix: string): Promise<RouteObservation[]>;
}

export async function startBird(ns: string, dir: string, conf: string): Promise<Bird> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bird.conf'), conf);
  const sock = join(dir, 'bird.ctl');
  const daemon = await startDaemon(ns, 'bird', ['bird', '-f', '-c', join(dir, 'bird.conf'), '-s', sock], dir);
  // birdc exits non-zero for "Network not found": read its output either way.
  const birdc = async (...args: string[]) => (await execa('birdc', ['-s', sock, ...args], { reject: false, timeout: 10_000 })).stdout;
  await waitFor('BIRD control socket', async () => {
    await mustBeRunning(daemon);
    return (await birdc('show', 'status')).includes('Daemon is up') ? true : undefined;
  }, { timeoutMs: 15_000 });
  return {
    daemon,
    birdc,
    async routes(prefix) {
      return parseBirdRoutes(await birdc('show', 'route', prefix, 'all')).map((r) => birdRouteObservation(r, r.protocol));
    },
  };
}

// ------------------------------------------------------------------ FRR bgpd (with zebra)

export interface Frr {
  daemons: RunningDaemon[];
  stop(): Promise<void>;
  bgpd: RunningDaemon;
  vtysh(...commands: string[]): Promise<string>;
  json<T>(command: string): Promise<T>;
  routes(prefix: string): Promise<RouteObservation[]>;
}

function userIds(name: string): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim()) };
}

/**
 * zebra + bgpd as user frr (they refuse root outside their vty group) in a `-N` pathspace
 * named after the namespace, sockets and pid files in `dir`, which frr must own.
 */
export async function startFrr(ns: string, dir: string, conf: string, opts: { bgpdArgs?: string[] } = {}): Promise<Frr> {
  mkdirSync(dir, { recursive: true });
  const { uid, gid } = userIds('frr');
  chownSync(dir, uid, gid);
  writeFileSync(join(dir, 'frr.conf'), conf);
  chownSync(join(dir, 'frr.conf'), uid, gid);
  const args = (d: string) => [`/usr/lib/frr/${d}`, '-N', ns, '-f', join(dir, 'frr.conf'), '-i', join(dir, `${d}.pid`), '-z', join(dir, 'zserv.api'), '--vty_socket', dir];
  const zebra = await startDaemon(ns, 'zebra', args('zebra'), dir, { user: 'frr' });
  await waitFor('zebra API socket', async () => {
    await mustBeRunning(zebra);
    return existsSync(join(dir, 'zserv.api')) ? true : undefined;
  }, { timeoutMs: 15_000 });
  const bgpd = await startDaemon(ns, 'bgpd', [...args('bgpd'), ...(opts.bgpdArgs ?? [])], dir, { user: 'frr' });
  const vtysh = async (...commands: string[]) => {
    const r = await execa('ip', ['netns', 'exec', ns, 'vtysh', '--vty_socket', dir, ...commands.flatMap((c) => ['-c', c])], { reject: false, timeout: 15_000 });
    return `${r.stdout}`;
  };
  const json = async <T>(command: string): Promise<T> => JSON.parse((await vtysh(command)).trim() || '{}') as T;
  await waitFor('FRR bgpd answers vtysh', async () => {
    await mustBeRunning(bgpd);
    return (await vtysh('show bgp summary json')).trim().startsWith('{') ? true : undefined;
  }, { timeoutMs: 20_000 });
  return {
    daemons: [bgpd, zebra],
    bgpd,
    async stop() {
      await stopAll([bgpd, zebra]);
      // The -N pathspace directory FRR made for itself.
      rmSync(join('/var/run/frr', ns), { recursive: true, force: true });
    },
    vtysh,
    json,
    async routes(prefix) {
      const afi = prefix.includes(':') ? 'ipv6' : 'ipv4';
      return frrPaths(prefix, await json(`show bgp ${afi} unicast ${prefix} json`));
    },
  };
}

// ------------------------------------------------------------------ GoBGP

export interface Gobgp {
  daemon: RunningDaemon;
  gobgp(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  routes(prefix: string): Promise<RouteObservation[]>;
}

export async function startGobgp(net: TestNet, node: string, dir: string, toml: string): Promise<Gobgp> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'gobgpd.toml'), toml);
  // The API listens on the namespace's own loopback, so the default port never clashes.
  const daemon = await startDaemon(net.ns(node), 'gobgpd', ['gobgpd', '-f', join(dir, 'gobgpd.toml'), '--api-hosts', '127.0.0.1:50051', '--log-level', 'info'], dir);
  const gobgp = (...args: string[]) => net.exec(node, ['gobgp', '-u', '127.0.0.1', '-p', '50051', ...args], { timeoutMs: 20_000 });
  await waitFor('gobgpd API', async () => {
    await mustBeRunning(daemon);
    return (await gobgp('global')).exitCode === 0 ? true : undefined;
  }, { timeoutMs: 20_000 });
  return {
    daemon,
    gobgp,
    async routes(prefix) {
      const r = await gobgp('global', 'rib', '-a', prefix.includes(':') ? 'ipv6' : 'ipv4', prefix, '-j');
      if (r.exitCode !== 0) throw new Error(`gobgp global rib failed: ${r.stderr}`);
      return gobgpPaths(prefix, (JSON.parse(r.stdout.trim() || 'null') as Parameters<typeof gobgpPaths>[1] | null) ?? {});
    },
  };
}

// ------------------------------------------------------------------ ExaBGP

export interface Exabgp {
  daemon: RunningDaemon;
  /** Append API commands (`announce route …`) that exabgp reads from its `commands` process. */
  send(...commands: string[]): void;
  /** Parsed JSON messages exabgp received (its `receiver` process writes them one per line). */
  received(): Array<Record<string, unknown>>;
}

/**
 * ExaBGP with two API processes: `commands` (tail -F of a file we append to) and `receiver`
 * (writes the JSON of every UPDATE/NOTIFICATION/refresh it gets). `neighbors` is the body of
 * the config's neighbor blocks; reference `api-commands` and `api-receiver` in them.
 */
export async function startExabgp(ns: string, dir: string, neighbors: string, env: Record<string, string> = {}): Promise<Exabgp> {
  mkdirSync(dir, { recursive: true });
  const commands = join(dir, 'commands.txt');
  const received = join(dir, 'received.jsonl');
  writeFileSync(commands, '');
  writeFileSync(join(dir, 'commands.sh'), `#!/bin/sh\nexec tail -n +1 -F ${commands}\n`, { mode: 0o755 });
  // No exec: the shell keeps ExaBGP's pipe on its stdout open (ExaBGP takes EOF there for a dead process and restarts it).
  writeFileSync(join(dir, 'receiver.sh'), `#!/bin/sh\ncat >> ${received}\n`, { mode: 0o755 });
  writeFileSync(
    join(dir, 'exabgp.conf'),
    `process api-commands {\n  run ${join(dir, 'commands.sh')};\n  encoder text;\n}\nprocess api-receiver {\n  run ${join(dir, 'receiver.sh')};\n  encoder json;\n}\n${neighbors}`,
  );
  const daemon = await startDaemon(ns, 'exabgp', ['exabgp', join(dir, 'exabgp.conf')], dir, {
    env: {
      exabgp_daemon_user: 'root',
      exabgp_daemon_daemonize: 'false',
      exabgp_daemon_drop: 'false',
      exabgp_tcp_bind: '',
      exabgp_log_destination: 'stdout',
      exabgp_api_cli: 'false',
      exabgp_api_ack: 'false',
      ...env,
    },
  });
  return {
    daemon,
    send: (...lines) => writeFileSync(commands, `${lines.join('\n')}\n`, { flag: 'a' }),
    // ExaBGP 4.2.21 double-quotes the afi/safi/subtype of a "refresh" message (`"afi": ""ipv4""`): repaired before parsing.
    received: () => (existsSync(received) ? readFileSync(received, 'utf8') : '').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l.replace(/""([\w-]+)""/g, '"$1"')) as Record<string, unknown>),
  };
}

// ------------------------------------------------------------------ flatlab bgpd

export interface FlatlabBgpd {
  daemon: RunningDaemon;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  /** The JSON log lines (pino) the daemon wrote: sessions, notifications, update errors. */
  events(): Array<Record<string, unknown>>;
}

export interface NeighborJson { name: string; address: string; remoteAs: number; state: string; prefixes: { received: number; accepted: number; advertised: number } }
export interface RouteJson { prefix: string; from: string; asPath: number[]; nextHop: string; origin?: string; localPref?: number; med?: number; communities: string[]; largeCommunities: string[] }

export function httpOverSocket<T>(socketPath: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return new Promise((resolveReq, reject) => {
    const req = request({ socketPath, path, method, timeout: 10_000, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        try {
          resolveReq(JSON.parse(text) as T);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * flatlab bgpd from the sources (through tsx, so tests check the code as it is, built or not),
 * control API on a unix socket in `dir`, JSON log in `dir/bgpd.log`.
 */
export async function startFlatlabBgpd(ns: string, dir: string, yaml: string, opts: { logLevel?: string; fromDist?: boolean } = {}): Promise<FlatlabBgpd> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bgpd.yml'), yaml);
  const sock = join(dir, 'bgpd.sock');
  // Tests run the sources (through tsx); benchmarks run the build, as users do.
  const entry = opts.fromDist ? [join(REPO, 'dist/cli/main.js')] : ['--import', 'tsx', join(REPO, 'src/cli/main.ts')];
  const argv = [process.execPath, ...entry, 'bgpd', '--config', join(dir, 'bgpd.yml'), '--control-socket', sock, '--log-level', opts.logLevel ?? 'info'];
  const daemon = await startDaemon(ns, 'bgpd', argv, dir, { env: { NODE_PATH: join(REPO, 'node_modules') } });
  const get = <T>(path: string) => httpOverSocket<T>(sock, 'GET', path);
  await waitFor('flatlab bgpd control socket', async () => {
    await mustBeRunning(daemon);
    return (await get('/health')) ? true : undefined;
    // Compiling the sources through tsx takes seconds on a loaded 2-core machine.
  }, { timeoutMs: 60_000 });
  return {
    daemon,
    get,
    post: <T>(path: string, body: unknown) => httpOverSocket<T>(sock, 'POST', path, body),
    events: () => daemon.logText().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Wait until flatlab's neighbor `name` is Established. */
export async function waitEstablished(bgpd: FlatlabBgpd, name: string, timeoutMs = 30_000): Promise<void> {
  let last: NeighborJson | undefined;
  await waitFor(`flatlab session ${name} Established`, async () => {
    last = (await bgpd.get<NeighborJson[]>('/neighbors')).find((n) => n.name === name);
    return last?.state === 'Established' ? true : undefined;
  }, { timeoutMs, last: () => last });
}

/** flatlab's best route for `prefix`, when there is one. */
export async function flatlabRoute(bgpd: FlatlabBgpd, prefix: string): Promise<RouteJson | undefined> {
  return (await bgpd.get<RouteJson[]>(`/rib?prefix=${encodeURIComponent(prefix)}`))[0];
}
