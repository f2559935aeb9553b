/**
 * The sim's virtual time: a discrete-event queue. Events run in (time, insertion order), so
 * a run is a pure function of its inputs and seed. 60 s of protocol time costs only the
 * events in it.
 */

export interface ScheduledEvent {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

export class EventQueue {
  private heap: ScheduledEvent[] = [];
  private seq = 0;
  private clock = 0;
  /** Events executed so far (a bound for runaway simulations). */
  executed = 0;

  now(): number {
    return this.clock;
  }

  /** Run `fn` `delayMs` from now (not before now). Returns a handle for `cancel`. */
  schedule(delayMs: number, fn: () => void): ScheduledEvent {
    const ev: ScheduledEvent = { at: this.clock + Math.max(0, delayMs), seq: this.seq++, run: fn, cancelled: false };
    this.push(ev);
    return ev;
  }

  cancel(ev: ScheduledEvent | undefined): void {
    if (ev) ev.cancelled = true;
  }

  /** Time of the next pending event, or undefined. */
  peek(): number | undefined {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
    return this.heap[0]?.at;
  }

  /**
   * Run every event due up to `until`, then set the clock to `until`. Bounded by
   * `maxEvents` so a protocol loop cannot hang the process.
   */
  runUntil(until: number, maxEvents = 50_000_000): void {
    this.runSome(until, Infinity, maxEvents);
  }

  /**
   * Run at most `budget` of the events due up to `until`, in order. True when none is left (the
   * clock is then at `until`); false when the budget ran out first (the clock stays at the last
   * event run), so a caller can yield and go on with the same events as one runUntil would run.
   */
  runSome(until: number, budget: number, maxEvents = 50_000_000): boolean {
    for (let n = 0; ; n++) {
      const next = this.peek();
      if (next === undefined || next > until) break;
      if (n >= budget) return false;
      const ev = this.pop()!;
      this.clock = ev.at;
      this.executed++;
      if (this.executed > maxEvents) throw new Error(`simulation exceeded ${maxEvents} events; a protocol loop is likely`);
      ev.run();
    }
    if (until > this.clock) this.clock = until;
    return true;
  }

  // Sift with a hole rather than swaps: one write per level (this runs for every segment and timer).
  private push(ev: ScheduledEvent): void {
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(ev, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = ev;
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[m]!, last)) break;
      h[i] = h[m]!;
      i = m;
    }
    h[i] = last;
    return top;
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
