import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { EventQueue } from '../../../src/runtime/sim/event-queue.js';
import { seededRandom } from '../../../src/runtime/sim/random.js';

describe('EventQueue', () => {
  it('runs events in time order, ties in insertion order, and advances the clock', () => {
    const q = new EventQueue();
    const seen: string[] = [];
    q.schedule(20, () => seen.push('b'));
    q.schedule(10, () => seen.push('a1'));
    q.schedule(10, () => seen.push('a2'));
    const c = q.schedule(15, () => seen.push('cancelled'));
    q.cancel(c);
    q.runUntil(12);
    expect(seen).toEqual(['a1', 'a2']);
    expect(q.now()).toBe(12);
    q.runUntil(100);
    expect(seen).toEqual(['a1', 'a2', 'b']);
    expect(q.now()).toBe(100);
  });

  it('runs events scheduled by events, at their own time', () => {
    const q = new EventQueue();
    const times: number[] = [];
    const tick = () => {
      times.push(q.now());
      if (times.length < 5) q.schedule(1000, tick);
    };
    q.schedule(0, tick);
    q.runUntil(60_000);
    expect(times).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('stops a runaway loop with an error instead of hanging', () => {
    const q = new EventQueue();
    const loop = () => void q.schedule(0, loop);
    q.schedule(0, loop);
    expect(() => q.runUntil(1, 1000)).toThrow(/exceeded 1000 events/);
  });

  propTest.prop([fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 })])('executes any schedule in sorted, stable order', (delays) => {
    const q = new EventQueue();
    const order: number[] = [];
    delays.forEach((d, i) => q.schedule(d, () => order.push(i)));
    q.runUntil(1000);
    const expected = delays.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(order).toEqual(expected);
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and uniform enough', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(seededRandom(43).next()).not.toBe(seededRandom(42).next());
  });
});
