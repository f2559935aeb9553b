/**
 * A tiny timer table for driving the FSM from an injectable clock: the driver applies the
 * FSM's startTimer/stopTimer actions, then asks which timers are due at `now` and feeds the
 * matching events back into `step`. No real timers: time is whatever number the caller passes
 * (seconds, virtual or wall-clock).
 */
import { TIMER_EVENT } from './types.js';
import type { FsmAction, FsmEvent, TimerName } from './types.js';

export class TimerWheel {
  private readonly deadlines = new Map<TimerName, number>();

  start(timer: TimerName, seconds: number, now: number): void {
    this.deadlines.set(timer, now + seconds);
  }

  stop(timer: TimerName): void {
    this.deadlines.delete(timer);
  }

  running(timer: TimerName): boolean {
    return this.deadlines.has(timer);
  }

  deadline(timer: TimerName): number | undefined {
    return this.deadlines.get(timer);
  }

  /** Apply the timer actions among `actions`; the others are the caller's. */
  apply(actions: readonly FsmAction[], now: number): void {
    for (const a of actions) {
      if (a.type === 'startTimer') this.start(a.timer, a.seconds, now);
      else if (a.type === 'stopTimer') this.stop(a.timer);
    }
  }

  /** Earliest deadline, for a driver that sleeps until then. */
  next(): number | undefined {
    let best: number | undefined;
    for (const d of this.deadlines.values()) if (best === undefined || d < best) best = d;
    return best;
  }

  /**
   * The earliest timer due at `now`, removed from the table, as its FSM event. One at a time,
   * because the FSM's reaction to one expiry may stop or restart the others.
   */
  popDue(now: number): FsmEvent | undefined {
    let bestTimer: TimerName | undefined;
    let bestAt = Infinity;
    for (const [timer, at] of this.deadlines) {
      if (at <= now && at < bestAt) {
        bestTimer = timer;
        bestAt = at;
      }
    }
    if (bestTimer === undefined) return undefined;
    this.deadlines.delete(bestTimer);
    return { type: TIMER_EVENT[bestTimer] };
  }
}
