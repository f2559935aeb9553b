/**
 * One peer's FSM with its timers: the piece a speaker or a test drives. `handle(event, now)`
 * and `tick(now)` return the actions that are not timer bookkeeping (send, connect, close,
 * established, down), in order.
 */
import { initialFsmState, step } from './step.js';
import { TimerWheel } from './timers.js';
import type { FsmAction, FsmConfig, FsmEvent, FsmState } from './types.js';

/** Bound on timer expiries handled in one tick, so a misbehaving config cannot spin forever. */
const MAX_EXPIRIES_PER_TICK = 64;

export class FsmRunner {
  state: FsmState = initialFsmState();
  readonly timers = new TimerWheel();

  constructor(readonly config: FsmConfig) {}

  handle(event: FsmEvent, now: number): FsmAction[] {
    const r = step(this.state, event, this.config);
    this.state = r.state;
    this.timers.apply(r.actions, now);
    return r.actions.filter((a) => a.type !== 'startTimer' && a.type !== 'stopTimer');
  }

  /** Fire every timer due at `now` (earliest first). */
  tick(now: number): FsmAction[] {
    const out: FsmAction[] = [];
    for (let i = 0; i < MAX_EXPIRIES_PER_TICK; i++) {
      const event = this.timers.popDue(now);
      if (!event) break;
      out.push(...this.handle(event, now));
    }
    return out;
  }
}
