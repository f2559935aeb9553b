/**
 * V8 heap settings `flatlab bgpd` applies to itself: one before its modules load, one once
 * they are, one once its heap is large (docs/bgpd-performance.md, "Peak at 1M" and "Daemon
 * heap (session 6)", has the measurements behind them).
 *
 * Young generation. V8 starts with 1 MiB semi-spaces and doubles them, up to 16 MiB, whenever
 * a scavenge finds as much surviving as they hold; loading the daemon's modules alone grew them,
 * and V8 hands that memory back only after 15-30 s idle. So the CLI stops the growth (growth
 * factor 1, which V8 reads each time it would grow them) before it loads the daemon's modules
 * (applyStartHeapSettings), and the daemon gives V8 its own growth back once they are loaded
 * (RUN_V8_FLAGS): idle RSS 67.4-68.4 → 63.2-63.4 MiB, and a 100k ingest, which starts from the
 * small young generation, peaks at 93.9 instead of 105.7-106.0 MiB, at the same CPU (100k
 * 0.52-0.62 against 0.56-0.59 s, 1M 2.94-3.02 against 2.58-2.88, load 2-4). Keeping the
 * semi-spaces at 1 MiB through the ingest too did more at 100k (peak 85 MiB, ~5,000 fewer page
 * faults) and took 27 MiB off the 1M peak, but cost CPU at 1M (2.92-3.95 against 2.58-3.37 s;
 * letting them grow again from 64 MB of heap, 3.04-4.59), as a long ingest's garbage is then
 * promoted; not kept. Between the two, the growth stops at 4 MiB semi-spaces (YOUNG_CAP_BYTES
 * of new space), watched after every GC since V8 fixes its own maximum (16 MiB) at process
 * start: a table being received survives whole, so the last two doublings (to 8 and 16 MiB)
 * only faulted in 24 MiB more to copy the same routes through. The watch runs between turns of
 * the event loop, so a turn that allocates megabytes may grow it once past the cap first (a
 * socket read is 64 KiB: the daemon's turns are short). docs/bgpd-performance.md
 * ("Daemon heap (session 7)") has the figures.
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
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Applied by the CLI before it loads the daemon's modules. */
export const START_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=1'];
/** Applied once the daemon's modules are loaded: V8's own young-generation growth (its default factor). */
export const RUN_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=2'];
/**
 * The young generation's size (new space: both semi-spaces) from which it grows no further:
 * 2 × 4 MiB. Below it RUN_V8_FLAGS' growth applies, from it YOUNG_CAPPED_V8_FLAGS'; V8 may
 * shrink it when idle, and it grows back to the cap.
 */
export const YOUNG_CAP_BYTES = 8 * 1024 * 1024;
/** Applied while the young generation is at YOUNG_CAP_BYTES or above. */
export const YOUNG_CAPPED_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=1'];
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
  /** Bytes of the young generation (V8's new space, both semi-spaces). */
  youngSize(): number;
  /** Call `fn` after garbage collections (soon after each, not during it) until stopped. */
  afterGc(fn: () => void): { stop(): void };
}

/** This process's V8 (the default of applyDaemonHeapSettings). */
export const processHeapEnv: HeapSettingsEnv = {
  set: setFlagsFromString,
  heapUsed: () => getHeapStatistics().used_heap_size,
  every(ms, fn) {
    const timer = setInterval(fn, ms).unref();
    return { stop: () => clearInterval(timer) };
  },
  youngSize: () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
  afterGc(fn) {
    const observer = new PerformanceObserver(fn);
    observer.observe({ entryTypes: ['gc'] });
    return { stop: () => observer.disconnect() };
  },
};

/** Apply START_V8_FLAGS (the CLI calls this before it loads the daemon's modules). */
export function applyStartHeapSettings(set: (flags: string) => void = setFlagsFromString): void {
  for (const flag of START_V8_FLAGS) set(flag);
}

/**
 * Apply RUN_V8_FLAGS now, YOUNG_CAPPED_V8_FLAGS whenever a GC leaves the young generation at
 * YOUNG_CAP_BYTES or above (RUN_V8_FLAGS again when it is below), and DAEMON_V8_FLAGS once the
 * heap reaches LARGE_HEAP_BYTES; returns a function that stops both watches.
 */
export function applyDaemonHeapSettings(env: HeapSettingsEnv = processHeapEnv): () => void {
  for (const flag of RUN_V8_FLAGS) env.set(flag);
  let capped = false;
  const capYoung = (): void => {
    const atCap = env.youngSize() >= YOUNG_CAP_BYTES;
    if (atCap === capped) return;
    capped = atCap;
    for (const flag of atCap ? YOUNG_CAPPED_V8_FLAGS : RUN_V8_FLAGS) env.set(flag);
  };
  capYoung();
  const young = env.afterGc(capYoung);
  const applied = (): boolean => {
    if (env.heapUsed() < LARGE_HEAP_BYTES) return false;
    for (const flag of DAEMON_V8_FLAGS) env.set(flag);
    return true;
  };
  if (applied()) return () => young.stop();
  const watch = env.every(CHECK_MS, () => {
    if (applied()) watch.stop();
  });
  return () => {
    watch.stop();
    young.stop();
  };
}
