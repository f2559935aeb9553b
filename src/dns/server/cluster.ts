/**
 * Several processes serving the same addresses. node:cluster distributes TCP connections;
 * for UDP each worker binds its own SO_REUSEPORT socket through native/udp-batch (the kernel
 * spreads client flows over them), or, when that addon is not built, node:cluster shares one
 * UDP handle among the workers (Node 20's dgram has no `reusePort`). The primary keeps the
 * HTTP listener; it gathers metrics from the workers and forwards reloads to them.
 */
import cluster, { type Worker } from 'node:cluster';
import { FlatlabError } from '../../config/diagnostics.js';
import type { DnsMetricsSnapshot } from './dns-metrics.js';
import type { DaemonPeers, HesiodDaemon } from './hesiod-daemon.js';
import type { ReloadResult } from './zone-store.js';

type ToWorker = { kind: 'metrics'; id: number } | { kind: 'reload'; id: number };
type FromWorker =
  | { kind: 'metrics'; id: number; snapshot: DnsMetricsSnapshot }
  | { kind: 'reload'; id: number; result: ReloadResult }
  | { kind: 'ready' }
  /** A worker received a signed NOTIFY: the primary reloads everyone. */
  | { kind: 'reload-request' };

export class ClusterStartError extends FlatlabError {}

const ENV_FLAG = 'FLATLAB_CLUSTER_WORKER';
const REPLY_TIMEOUT_MS = 5000;

export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[ENV_FLAG] === '1';
}

export interface ClusterPrimary {
  peers: DaemonPeers;
  workers: readonly Worker[];
  /** Resolves when every worker reported ready (its sockets are bound). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** Fork `count` workers that rerun this command line; they must call `serveAsWorker`. */
export function forkWorkers(count: number, onWorkerExit: (code: number | null) => void, onReloadRequest: () => void = () => undefined): ClusterPrimary {
  const workers: Worker[] = [];
  let nextId = 1;
  let stopping = false;
  const pending = new Map<number, (msg: FromWorker) => void>();
  let readyCount = 0;
  let markReady: () => void = () => undefined;
  let failStart: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  for (let i = 0; i < count; i++) {
    const w = cluster.fork({ [ENV_FLAG]: '1' });
    w.on('message', (msg: FromWorker) => {
      if (msg.kind === 'reload-request') {
        onReloadRequest();
        return;
      }
      if (msg.kind === 'ready') {
        readyCount += 1;
        if (readyCount === count) markReady();
        return;
      }
      pending.get(msg.id)?.(msg);
    });
    w.on('exit', (code) => {
      // A worker that dies before binding its sockets means none of them will (same flags).
      if (readyCount < count) failStart(new ClusterStartError('hesiod.worker-failed', `a worker exited with code ${code ?? 'null'} before serving`, { hint: 'its error is printed above; the flags or zones are the same for every worker' }));
      else if (!stopping) onWorkerExit(code);
    });
    workers.push(w);
  }
  const ask = <T>(msg: Omit<ToWorker, 'id'>, pick: (m: FromWorker) => T | undefined): Promise<T[]> =>
    Promise.all(
      workers.filter((w) => w.isConnected()).map(
        (w) =>
          new Promise<T>((resolve, reject) => {
            const id = nextId++;
            const timer = setTimeout(() => {
              pending.delete(id);
              reject(new Error(`worker ${w.process.pid ?? '?'} did not answer ${msg.kind} within ${REPLY_TIMEOUT_MS} ms`));
            }, REPLY_TIMEOUT_MS);
            pending.set(id, (m) => {
              const v = pick(m);
              if (v === undefined) return;
              clearTimeout(timer);
              pending.delete(id);
              resolve(v);
            });
            w.send({ ...msg, id } as ToWorker);
          }),
      ),
    );
  return {
    workers,
    ready,
    peers: {
      metrics: () => ask({ kind: 'metrics' }, (m) => (m.kind === 'metrics' ? m.snapshot : undefined)),
      reload: () => ask({ kind: 'reload' }, (m) => (m.kind === 'reload' ? m.result : undefined)),
    },
    async stop() {
      stopping = true;
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const kill = setTimeout(() => w.process.kill('SIGKILL'), 5000);
              w.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              w.disconnect();
            }),
        ),
      );
    },
  };
}

/** For a worker's daemon: pass signed-NOTIFY reloads to the primary. */
export function askPrimaryToReload(): void {
  process.send?.({ kind: 'reload-request' } satisfies FromWorker);
}

/** In a worker: answer the primary's requests; close and exit when it disconnects. */
export function serveAsWorker(daemon: HesiodDaemon): Promise<void> {
  const send = (m: FromWorker) => process.send?.(m);
  process.on('message', (msg: ToWorker) => {
    if (msg.kind === 'metrics') send({ kind: 'metrics', id: msg.id, snapshot: daemon.metrics.snapshot() });
    else if (msg.kind === 'reload') void daemon.reload().then((result) => send({ kind: 'reload', id: msg.id, result }));
  });
  // Ctrl-C reaches the whole process group; the primary decides when we stop.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('SIGHUP', () => undefined);
  send({ kind: 'ready' });
  return new Promise((resolve) => {
    process.once('disconnect', () => void daemon.close().then(resolve));
  });
}
