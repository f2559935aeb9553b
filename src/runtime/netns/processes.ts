/**
 * Starting daemons inside a node's namespace and stopping exactly those: each runs in its
 * own process group with output to a log file; it is stopped by the PID and start time we
 * recorded (never by name), TERM first and KILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { existsSync, mkdirSync, openSync, closeSync, fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { RuntimeError } from '../errors.js';
import type { PlannedProcess } from './plan.js';
import { isOurs, processStartTime, type StartedProcess } from './state.js';

const GRACE_MS = 5_000;
/**
 * What a routing daemon started under its own user keeps: FRR's zebra programs routes
 * (net_admin, net_raw), bgpd binds port 179, and both open namespaces (sys_admin). These are
 * the capabilities FRR keeps itself when root starts it and it drops to user frr.
 */
const DAEMON_CAPS = '+net_admin,+net_raw,+net_bind_service,+sys_admin';
const POLL_MS = 50;

export async function startProcess(ns: string, p: PlannedProcess, log: string): Promise<StartedProcess> {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  const logStart = fstatSync(fd).size;
  const privileges = p.user ? ['setpriv', `--reuid=${p.user}`, `--regid=${p.user}`, '--init-groups', `--inh-caps=${DAEMON_CAPS}`, `--ambient-caps=${DAEMON_CAPS}`, '--'] : [];
  // `ip netns exec` execs the command in place (no fork), so the PID we get is the daemon's.
  const argv = ['netns', 'exec', ns, ...privileges, ...resolveFlatlab(p.argv)];
  let child;
  try {
    child = spawn('ip', argv, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...p.env } });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new RuntimeError('netns.spawn', `could not start ${p.name} on ${p.node}`, { hint: `see ${log}` });
  child.unref();
  // Read the start time at once: it identifies this process for its whole life.
  const startTime = await processStartTime(pid);
  if (startTime === undefined) throw await daemonExited({ node: p.node, name: p.name, log, logStart }, 'netns.spawn', `${p.name} on node ${p.node} exited at once`);
  return { node: p.node, name: p.name, pid, startTime, argv: p.argv, log, logStart };
}

const LOG_TAIL_LINES = 3;
const LOG_TAIL_BYTES = 4096;

/**
 * The error for a daemon that died on start, with the last lines it wrote in this run, since
 * that line (a missing file, a config error) is what the user needs; the log path is the hint.
 */
export async function daemonExited(p: Pick<StartedProcess, 'node' | 'name' | 'log' | 'logStart'>, code: string, message: string): Promise<RuntimeError> {
  const tail = await logTail(p.log, p.logStart ?? 0);
  return new RuntimeError(code, tail ? `${message}: ${tail}` : message, { hint: `see its log: ${p.log}` });
}

/** The last few non-empty lines written to `log` from byte `from` on, joined by " | "; '' when there are none. */
export async function logTail(log: string, from: number): Promise<string> {
  let text: string;
  try {
    const fh = await open(log, 'r');
    try {
      const size = (await fh.stat()).size;
      const start = Math.max(from, size - LOG_TAIL_BYTES);
      const buf = Buffer.alloc(Math.max(0, size - start));
      await fh.read(buf, 0, buf.length, start);
      text = buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return '';
  }
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-LOG_TAIL_LINES).join(' | ');
}

export async function isRunning(p: StartedProcess): Promise<boolean> {
  return isOurs(p);
}

/** Stop one process we started; resolves when it is gone. Safe to call for one already gone. */
export async function stopProcess(p: StartedProcess, graceMs = GRACE_MS): Promise<void> {
  if (!(await isOurs(p))) return;
  signalGroup(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isOurs(p))) return;
    await sleep(POLL_MS);
  }
  if (await isOurs(p)) signalGroup(p.pid, 'SIGKILL');
  for (let i = 0; i < 100 && (await isOurs(p)); i++) await sleep(POLL_MS);
}

/**
 * Kinds say `flatlab …` for our own daemons; run this very installation of flatlab (the
 * built CLI beside this module), whatever is or is not on PATH.
 */
export function resolveFlatlab(argv: readonly string[]): string[] {
  if (argv[0] !== 'flatlab') return [...argv];
  // dist/runtime/netns/ → dist/cli/main.js; from the sources (tests) → the built dist/cli/main.js.
  const entry = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../cli/main.js' : '../../../dist/cli/main.js', import.meta.url));
  if (!existsSync(entry)) throw new RuntimeError('netns.no-cli', `the flatlab CLI is not built (${entry} is missing)`, { hint: 'run npm run build' });
  return [process.execPath, entry, ...argv.slice(1)];
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the group: the daemon and anything it forked
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Whether a Unix socket accepts a connection now (closed at once). */
export function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ path });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Wait until `p` listens on `path` (a daemon's API socket). Fails if it exits first or the time
 * runs out. A file left by an earlier run does not count: the socket must accept a connection.
 */
export async function waitForSocket(p: StartedProcess, path: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await socketAccepts(path)) return;
    if (!(await isRunning(p))) throw await daemonExited(p, 'netns.daemon-exited', `${p.name} on node ${p.node} exited before it opened ${path}`);
    if (Date.now() > deadline) throw new RuntimeError('netns.not-ready', `${p.name} on node ${p.node} did not open ${path} within ${timeoutMs / 1000} s`, { hint: `see its log: ${p.log}` });
    await sleep(POLL_MS, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
