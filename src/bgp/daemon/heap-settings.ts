/**
 * V8 heap settings `flatlab bgpd` applies to itself: one from the start, one once its heap is
 * large (docs/bgpd-performance.md, "Peak at 1M" and "Why 100k cost twice per prefix", has the
 * measurements behind them).
 *
 * Young generation. V8 starts with 1 MiB semi-spaces and doubles them, up to 16 MiB, whenever
 * a scavenge finds as much surviving as they hold. A table being received survives almost
 * whole, so within the first ~50,000 routes the young generation reached 2 × 16 MiB: 24 MiB
 * more pages to fault in and zero (~6,000 page faults), for objects that were then copied
 * twice (within the young generation, then out of it) instead of once. With 100k routes that
 * was a fifth of the peak RSS (106 against 84-86 MiB) and a sixth of the CPU (0.54-0.65
 * against 0.47-0.50 s); at 1M the peak was 220-241 against 193-195 MiB at about the same CPU
 * (min 2.92 against 3.04 s, medians 3.3 and 3.3, load 6-8). So the semi-spaces keep their
 * first size (growth factor 1, which V8 reads each time it would grow them) from the start:
 * the CLI sets it before it loads the daemon's modules (applyStartHeapSettings), as loading
 * them alone grew the young generation (set only once they were loaded: idle 67.4-69.0 against
 * 63.1-63.6 MiB, 100k peak 92.5-93.5 against 85.6-85.9).
 *
 * Old generation. A full table is a heap that grows for seconds on end. After each mark-compact
 * V8 lets the old generation grow by a factor it derives from how fast the collector runs
 * against the program, up to 4× here: during a 1M-route ingest the last mark-compact before
 * the end came at ~90 MB of live data and the next one was due near 400 MB, so the heap reached
 * ~380 MB (a quarter to a third of it garbage) while the routes need ~250. A fixed growth of
 * 50% costs a few more mark-compacts (~12% more CPU seconds at 1M) and takes ~60 MiB (16%) off
 * the peak RSS. From the start it also cost ~8% CPU at 100k for 1 MiB, so it applies only from
 * LARGE_HEAP_BYTES of heap in use: early enough that V8 computes the next limit after a
 * mark-compact with it (during the 1M ingest that mark-compact came at ~145 MB), above what
 * the daemon uses with 100k routes.
 *
 * Only settings V8 reads while it runs belong here: the young generation's maximum size
 * (--max-semi-space-size) is fixed when the process starts and cannot be changed from inside.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Applied when the daemon starts. */
export const START_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=1'];
/** Applied once the heap in use reaches LARGE_HEAP_BYTES. */
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

/** Apply START_V8_FLAGS (the CLI calls this before it loads the daemon's modules). */
export function applyStartHeapSettings(set: (flags: string) => void = setFlagsFromString): void {
  for (const flag of START_V8_FLAGS) set(flag);
}

/** Apply START_V8_FLAGS now (again: setting them twice changes nothing) and DAEMON_V8_FLAGS once the heap reaches LARGE_HEAP_BYTES; returns a function that stops waiting for it. */
export function applyDaemonHeapSettings(env: HeapSettingsEnv = processEnv): () => void {
  applyStartHeapSettings(env.set);
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
