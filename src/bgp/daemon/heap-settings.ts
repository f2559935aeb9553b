/**
 * V8 heap settings `flatlab bgpd` applies to itself once its heap is large
 * (docs/bgpd-performance.md, "Peak at 1M", has the measurements behind them).
 *
 * A full table is a heap that grows for seconds on end. After each mark-compact V8 lets the old
 * generation grow by a factor it derives from how fast the collector runs against the program,
 * up to 4× here: during a 1M-route ingest the last mark-compact before the end came at ~90 MB
 * of live data and the next one was due near 400 MB, so the heap reached ~380 MB (a quarter to
 * a third of it garbage) while the routes need ~250. A fixed growth of 50% costs a few more
 * mark-compacts (~12% more CPU seconds at 1M) and takes ~60 MiB (16%) off the peak RSS.
 * From the start it also cost ~8% CPU at 100k for 1 MiB, so it applies only from
 * LARGE_HEAP_BYTES of heap in use: early enough that V8 computes the next limit after a
 * mark-compact with it (during the 1M ingest that mark-compact came at ~145 MB), above what
 * the daemon uses with 100k routes.
 *
 * Only settings V8 reads while it runs belong here: the young generation's size
 * (--max-semi-space-size) is fixed when the process starts and cannot be changed from inside.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

export const DAEMON_V8_FLAGS: readonly string[] = ['--heap-growing-percent=50'];
/** Heap in use from which DAEMON_V8_FLAGS apply. */
export const LARGE_HEAP_BYTES = 64 * 1024 * 1024;
/** How often the heap is looked at until then (reading it takes microseconds). */
const CHECK_MS = 200;

export interface HeapSettingsEnv {
  /** V8's flag setter. */
  set(flags: string): void;
  heapUsed(): number;
  /** Call `fn` every `ms` until stopped (without keeping the process alive). */
  every(ms: number, fn: () => void): { stop(): void };
}

const processEnv: HeapSettingsEnv = {
  set: setFlagsFromString,
  heapUsed: () => getHeapStatistics().used_heap_size,
  every(ms, fn) {
    const timer = setInterval(fn, ms).unref();
    return { stop: () => clearInterval(timer) };
  },
};

/** Apply DAEMON_V8_FLAGS once the heap reaches LARGE_HEAP_BYTES; returns a function that stops waiting for it. */
export function applyDaemonHeapSettings(env: HeapSettingsEnv = processEnv): () => void {
  const applied = (): boolean => {
    if (env.heapUsed() < LARGE_HEAP_BYTES) return false;
    for (const flag of DAEMON_V8_FLAGS) env.set(flag);
    return true;
  };
  if (applied()) return () => {};
  const watch = env.every(CHECK_MS, () => {
    if (applied()) watch.stop();
  });
  return () => watch.stop();
}
