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
    for (;;) {
      const next = this.peek();
      if (next === undefined || next > until) break;
      const ev = this.pop()!;
      this.clock = ev.at;
      this.executed++;
      if (this.executed > maxEvents) throw new Error(`simulation exceeded ${maxEvents} events; a protocol loop is likely`);
      ev.run();
    }
    if (until > this.clock) this.clock = until;
  }

  private push(ev: ScheduledEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
