/**
 * Reading a daemon's progress during an ingest without a fixed polling grid. A fixed interval
 * quantises the measured time to that interval (BIRD's 100k in 0.32 s was one or two 250 ms
 * polls), and polling every few milliseconds throughout would load the daemon and, through
 * the clients it spawns (birdc, vtysh, gobgp), the two cores it shares. So the next reading
 * is timed from the readings so far: half the predicted time left at the rate seen since the
 * session came up, between `minMs` and `maxMs`; while nothing has arrived yet, the wait
 * doubles from `minMs`. Readings thicken towards the predicted end, so the end is bracketed
 * to about one reading's round trip whatever the daemon's speed.
 *
 * The same schedule serves every target; only the client that reads the counter differs.
 */

/** One reading of a counter: when the request went out, when the answer came back, what it said. */
export interface Reading {
  sentAt: number;
  answeredAt: number;
  count: number;
}

export interface PollSchedule {
  /** Shortest wait between readings (ms). */
  minMs: number;
  /** Longest wait between readings (ms). */
  maxMs: number;
}

export const DEFAULT_SCHEDULE: PollSchedule = { minMs: 10, maxMs: 250 };

/** Milliseconds to wait before the next reading of a counter that should reach `target`, counted from `startAt`. */
export function nextPollDelay(readings: readonly Reading[], target: number, startAt: number, schedule: PollSchedule = DEFAULT_SCHEDULE): number {
  const clamp = (ms: number) => Math.min(schedule.maxMs, Math.max(schedule.minMs, ms));
  const last = readings[readings.length - 1];
  if (!last) return schedule.minMs;
  if (last.count <= 0) {
    let idle = 0;
    for (let i = readings.length - 1; i >= 0 && readings[i]!.count <= 0; i--) idle++;
    return clamp(schedule.minMs * 2 ** Math.min(idle - 1, 30));
  }
  // The rate since the first reading that saw progress: the start (connection, first UPDATEs
  // parsed) is slower than the steady state and would make the end look further than it is.
  // So the first reading with progress is followed at once by a second one to measure it.
  const first = readings.find((r) => r.count > 0)!;
  if (first === last) return schedule.minMs;
  const mid = (r: Reading) => (r.sentAt + r.answeredAt) / 2;
  const elapsed = mid(last) - mid(first);
  if (elapsed <= 0 || last.count === first.count) return clamp(schedule.maxMs);
  const left = (target - last.count) / ((last.count - first.count) / elapsed) - (last.answeredAt - mid(last));
  return clamp(left / 2);
}

/**
 * When the counter reached `target`, as an interval: after the last reading below it went out
 * (that reading's value was taken after it was sent) and no later than the first reading at or
 * above it came back. Undefined while no reading has reached it.
 */
export function reachedBetween(readings: readonly Reading[], target: number, startAt: number): { after: number; by: number } | undefined {
  const k = readings.findIndex((r) => r.count >= target);
  if (k < 0) return undefined;
  return { after: k > 0 ? Math.max(startAt, readings[k - 1]!.sentAt) : startAt, by: readings[k]!.answeredAt };
}

export interface PollOptions {
  /** Give up after this long (ms) since `startAt`. */
  timeoutMs: number;
  schedule?: PollSchedule;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Read `count` on the schedule above until it reaches `target`; resolves with every reading. */
export async function pollUntil(count: () => Promise<number>, target: number, startAt: number, opts: PollOptions): Promise<Reading[]> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const readings: Reading[] = [];
  let failed: Error | undefined;
  for (;;) {
    const sentAt = now();
    try {
      const value = await count();
      readings.push({ sentAt, answeredAt: now(), count: value });
      if (value >= target) return readings;
    } catch (err) {
      failed = err as Error; // a busy daemon's client timing out says nothing about the count: no reading
    }
    if (now() - startAt > opts.timeoutMs) {
      const seen = readings[readings.length - 1]?.count ?? 0;
      throw new Error(`timed out after ${opts.timeoutMs} ms: ${seen} of ${target} after ${readings.length} readings${failed ? ` (last failed read: ${failed.message})` : ''}`);
    }
    await sleep(nextPollDelay(readings, target, startAt, opts.schedule));
  }
}
