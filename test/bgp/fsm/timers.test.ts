import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TimerWheel } from '../../../src/bgp/fsm/index.js';
import type { TimerName } from '../../../src/bgp/fsm/index.js';

const NAMES: TimerName[] = ['ConnectRetry', 'Hold', 'Keepalive', 'IdleHold', 'ErrorForget'];

describe('TimerWheel', () => {
  test('fires nothing early, then each due timer once, earliest first', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: 0, max: 1000 })), { maxLength: 10 }), fc.integer({ min: 0, max: 1000 }), (starts, now) => {
        const w = new TimerWheel();
        const expected = new Map<TimerName, number>();
        for (const [name, s] of starts) {
          w.start(name, s, 0); // restarting replaces the deadline
          expected.set(name, s);
        }
        const next = w.next();
        expect(next).toBe(expected.size ? Math.min(...expected.values()) : undefined);
        const fired: number[] = [];
        for (let e = w.popDue(now); e; e = w.popDue(now)) {
          const name = NAMES.find((n) => e!.type.startsWith(n))!;
          fired.push(expected.get(name)!);
        }
        const due = [...expected.values()].filter((d) => d <= now).sort((a, b) => a - b);
        expect(fired).toEqual(due);
      }),
    );
  });

  test('stop removes a timer; apply takes FSM actions', () => {
    const w = new TimerWheel();
    w.apply([{ type: 'startTimer', timer: 'Hold', seconds: 5 }, { type: 'startTimer', timer: 'Keepalive', seconds: 1 }, { type: 'connect' }], 10);
    w.apply([{ type: 'stopTimer', timer: 'Keepalive' }], 11);
    expect(w.popDue(100)).toEqual({ type: 'HoldTimer_Expires' });
    expect(w.popDue(100)).toBeUndefined();
  });
});
