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

  /** A reference queue: a list scanned for the earliest (time, insertion) on every step. */
  class ModelQueue {
    items: Array<{ at: number; seq: number; id: number; cancelled: boolean }> = [];
    clock = 0;
    seq = 0;
    schedule(delay: number, id: number) {
      const ev = { at: this.clock + delay, seq: this.seq++, id, cancelled: false };
      this.items.push(ev);
      return ev;
    }
    runUntil(until: number, run: (id: number) => void) {
      for (;;) {
        const live = this.items.filter((e) => !e.cancelled && e.at <= until);
        if (live.length === 0) break;
        const ev = live.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a));
        this.items.splice(this.items.indexOf(ev), 1);
        this.clock = ev.at;
        run(ev.id);
      }
      if (until > this.clock) this.clock = until;
    }
  }

  /** `budget`: run through runSome slices of that many events (as SimRuntime.sleep does) instead of one runUntil. */
  type Op = { kind: 'schedule'; delay: number; spawn: number } | { kind: 'cancel'; which: number } | { kind: 'run'; advance: number; budget: number | undefined };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('schedule' as const), delay: fc.integer({ min: 0, max: 50 }), spawn: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }),
    fc.record({ kind: fc.constant('run' as const), advance: fc.integer({ min: 0, max: 40 }), budget: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }) }),
  );

  propTest.prop([fc.array(op, { maxLength: 150 })])('interleaved scheduling, cancelling and running (events scheduling events) match a reference queue', (ops) => {
    const q = new EventQueue();
    const m = new ModelQueue();
    const real: number[] = [];
    const model: number[] = [];
    const handles: Array<[ReturnType<EventQueue['schedule']>, ReturnType<ModelQueue['schedule']>]> = [];
    let ids = 0;
    // An event with `spawn` > 0 schedules one more, `spawn` ms later, in both queues alike.
    const spawnOf = new Map<number, number>();
    const fire = (id: number, into: number[], again: (delay: number, id: number) => void) => {
      into.push(id);
      const s = spawnOf.get(id) ?? 0;
      if (s > 0) again(s * 7, id + 100_000);
    };
    const scheduleReal = (delay: number, id: number): ReturnType<EventQueue['schedule']> => q.schedule(delay, () => fire(id, real, (d, i) => void scheduleReal(d, i)));
    const scheduleModel = (delay: number, id: number) => m.schedule(delay, id);
    for (const o of ops) {
      if (o.kind === 'schedule') {
        const id = ids++;
        spawnOf.set(id, o.spawn);
        handles.push([scheduleReal(o.delay, id), scheduleModel(o.delay, id)]);
      } else if (o.kind === 'cancel') {
        const h = handles[o.which % Math.max(1, handles.length)];
        if (h) {
          q.cancel(h[0]);
          h[1].cancelled = true;
        }
      } else {
        const until = q.now() + o.advance;
        if (o.budget === undefined) q.runUntil(until);
        else for (let slices = 0; !q.runSome(until, o.budget); slices++) expect(slices).toBeLessThan(1000);
        m.runUntil(until, (id) => fire(id, model, (d, i) => void scheduleModel(d, i)));
        expect(real).toEqual(model);
        expect(q.now()).toBe(m.clock);
      }
    }
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
