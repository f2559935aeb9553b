/**
 * One peer's FSM with its timers: the piece a speaker or a test drives. `handle(event, now)`
 * and `tick(now)` return the actions that are not timer bookkeeping (send, connect, close,
 * established, down), in order.
 */
import { establishedHoldRestart, initialFsmState, step } from './step.js';
import { TimerWheel } from './timers.js';
import type { FsmAction, FsmConfig, FsmEvent, FsmState } from './types.js';

/** Bound on timer expiries handled in one tick, so a misbehaving config cannot spin forever. */
const MAX_EXPIRIES_PER_TICK = 64;

const KEEPALIVE_MSG: FsmEvent = Object.freeze({ type: 'KeepAliveMsg' });
const UPDATE_MSG: FsmEvent = Object.freeze({ type: 'UpdateMsg' });
const NO_ACTIONS: readonly FsmAction[] = Object.freeze([]);

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

  /**
   * A KEEPALIVE or UPDATE received: `handle` of its event. In Established, where all it does is
   * restart the hold timer (RFC 4271 §8.2.2; `establishedHoldRestart`), that is done here
   * without the event, step result and action lists `handle` makes: a peer sending a full
   * table sends one UPDATE per few routes. The result is shared; callers do not change it.
   */
  messageReceived(type: 'KeepAliveMsg' | 'UpdateMsg', now: number): readonly FsmAction[] {
    const hold = establishedHoldRestart(this.state);
    if (hold === undefined) return this.handle(type === 'UpdateMsg' ? UPDATE_MSG : KEEPALIVE_MSG, now);
    if (hold > 0) this.timers.start('Hold', hold, now);
    return NO_ACTIONS;
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
