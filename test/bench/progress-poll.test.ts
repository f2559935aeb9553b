/** bench/_progress-poll: the reading schedule, the bracket of the moment a counter reached its target, and the loop on a simulated clock. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { nextPollDelay, pollUntil, reachedBetween, type PollSchedule, type Reading } from '../../bench/_progress-poll.js';

const schedule: PollSchedule = { minMs: 10, maxMs: 250 };

const readingsArb = fc.array(fc.record({ sentAt: fc.integer({ min: 0, max: 1e6 }), latency: fc.integer({ min: 0, max: 500 }), count: fc.integer({ min: 0, max: 2e6 }) }), { maxLength: 30 })
  .map((rs) => rs.sort((a, b) => a.sentAt - b.sentAt).map((r) => ({ sentAt: r.sentAt, answeredAt: r.sentAt + r.latency, count: r.count })));

/**
 * A simulated daemon whose counter rises linearly from `lag` ms after the start to `n` at `end`
 * ms; each reading takes `latency` ms and samples the counter halfway through.
 */
function simulate(n: number, lag: number, end: number, latency: number) {
  let clock = 0;
  const at = (t: number) => (t <= lag ? 0 : Math.min(n, Math.floor((n * (t - lag)) / (end - lag))));
  const exact = lag + ((end - lag) * n) / n; // the counter reaches n at `end`
  return {
    run: () => pollUntil(async () => {
      const v = at(clock + latency / 2);
      clock += latency;
      return v;
    }, n, 0, { timeoutMs: 10 * end + 10_000, schedule, now: () => clock, sleep: async (ms) => void (clock += ms) }),
    exact,
  };
}

describe('nextPollDelay', () => {
  test('property: always between the schedule\'s shortest and longest wait', () => {
    fc.assert(fc.property(readingsArb, fc.integer({ min: 1, max: 2e6 }), fc.integer({ min: 0, max: 1e6 }), (readings, target, startAt) => {
      const d = nextPollDelay(readings, target, startAt, schedule);
      expect(d).toBeGreaterThanOrEqual(schedule.minMs);
      expect(d).toBeLessThanOrEqual(schedule.maxMs);
    }));
  });

  test('while nothing has arrived the wait doubles up to the longest', () => {
    const zeros: Reading[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      zeros.push({ sentAt: i * 100, answeredAt: i * 100 + 1, count: 0 });
      waits.push(nextPollDelay(zeros, 1000, 0, schedule));
    }
    expect(waits).toEqual([10, 20, 40, 80, 160, 250, 250]);
  });

  test('half the predicted time left at the rate seen since progress began', () => {
    const first: Reading = { sentAt: 100, answeredAt: 100, count: 100 };
    // The first reading with progress: another at once, to measure the rate.
    expect(nextPollDelay([first], 1000, 0, schedule)).toBe(10);
    // 400 more in 100 ms: 500 left take 125 ms, wait 62.5 (less the half round trip since the value was read).
    expect(nextPollDelay([first, { sentAt: 200, answeredAt: 200, count: 500 }], 1000, 0, schedule)).toBe(62.5);
    expect(nextPollDelay([first, { sentAt: 198, answeredAt: 202, count: 500 }], 1000, 0, schedule)).toBe(61.5);
    // Far from the end: the longest wait; nearly there: the shortest; stalled: the longest.
    expect(nextPollDelay([first, { sentAt: 200, answeredAt: 200, count: 110 }], 1000, 0, schedule)).toBe(250);
    expect(nextPollDelay([first, { sentAt: 200, answeredAt: 200, count: 999 }], 1000, 0, schedule)).toBe(10);
    expect(nextPollDelay([first, { sentAt: 200, answeredAt: 200, count: 100 }], 1000, 0, schedule)).toBe(250);
  });
});

describe('reachedBetween', () => {
  test('property: the moment a monotone counter reached its target lies in the bracket', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ gap: fc.integer({ min: 0, max: 300 }), latency: fc.integer({ min: 0, max: 100 }), where: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 10_000 }),
      (plan, crossing, target) => {
        // Counter: 0 before `crossing`, `target` from it on (the worst case for bracketing: one step).
        let t = 0;
        const readings: Reading[] = plan.map(({ gap, latency, where }) => {
          t += gap;
          const sentAt = t;
          t += latency;
          const sampled = sentAt + where * latency;
          return { sentAt, answeredAt: t, count: sampled >= crossing ? target : 0 };
        });
        const b = reachedBetween(readings, target, 0);
        if (!readings.some((r) => r.count >= target)) {
          expect(b).toBeUndefined();
          return;
        }
        expect(b!.after).toBeLessThanOrEqual(b!.by);
        expect(b!.after).toBeLessThanOrEqual(crossing);
        expect(b!.by).toBeGreaterThanOrEqual(crossing);
      },
    ));
  });
});

describe('pollUntil', () => {
  test('property: on a steady ingest the bracket holds the end and is about one round trip wide, with few readings', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1000, max: 2_000_000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 50, max: 120_000 }), fc.integer({ min: 0, max: 80 }),
      async (n, wait, length, latency) => {
        // The counter starts moving early in the ingest (readings back off while it stays at 0).
        const lag = Math.min(wait, Math.floor(length / 4));
        const end = lag + length;
        const sim = simulate(n, lag, end, latency);
        const readings = await sim.run();
        const b = reachedBetween(readings, n, 0)!;
        expect(b.after).toBeLessThanOrEqual(sim.exact);
        expect(b.by).toBeGreaterThanOrEqual(sim.exact);
        // About a round trip wide: the last reading below went out at most a round trip and a half
        // plus the shortest wait (and a counter step) before the end.
        expect(b.by - b.after).toBeLessThanOrEqual(2.5 * latency + 2 * schedule.minMs + (2 * length) / n + 1);
        // Thin far from the end: not many more readings than a fixed grid at the longest wait would take.
        expect(readings.length).toBeLessThanOrEqual(end / schedule.maxMs + 2 * Math.log2(Math.max(2, end / schedule.minMs)) + 8);
      },
    ), { numRuns: 200 });
  });

  test('a failing read is no reading; the timeout names the last count', async () => {
    let clock = 0;
    let calls = 0;
    const count = async () => {
      calls++;
      clock += 5;
      if (calls % 2 === 0) throw new Error('busy');
      return 3;
    };
    await expect(pollUntil(count, 10, 0, { timeoutMs: 1000, schedule, now: () => clock, sleep: async (ms) => void (clock += ms) })).rejects.toThrow(/3 of 10 .*last failed read: busy/);
  });
});
