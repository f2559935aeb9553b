/**
 * FsmRunner.messageReceived against FsmRunner.handle: the shortcut for a KEEPALIVE or UPDATE
 * received must leave the same state and timers and hand the driver the same actions as the
 * event through `step`, in every state a session can reach.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { FsmRunner, fsmConfig, type FsmEvent, type TimerName } from '../../../src/bgp/fsm/index.js';
import { establishedHoldRestart, initialFsmState } from '../../../src/bgp/fsm/step.js';
import { peerOpen } from './fixtures.js';

const TIMERS: TimerName[] = ['ConnectRetry', 'Hold', 'Keepalive', 'IdleHold', 'ErrorForget'];

/** From Idle to Established with the peer's hold time (`handle` takes every event of it). */
const ESTABLISH = (holdTime: number): FsmEvent[] => [
  { type: 'ManualStart_with_PassiveTcpEstablishment' },
  { type: 'TcpConnectionConfirmed' },
  { type: 'BGPOpen', open: peerOpen({ holdTime }) },
  { type: 'KeepAliveMsg' },
];

/** Inputs that walk a session to Established and out again, with KEEPALIVEs and UPDATEs among them. */
const input = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(ESTABLISH(180), ESTABLISH(0)) },
  { weight: 4, arbitrary: fc.constantFrom<'KeepAliveMsg' | 'UpdateMsg'>('KeepAliveMsg', 'UpdateMsg') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<FsmEvent>(
      { type: 'ManualStart' },
      { type: 'ManualStart_with_PassiveTcpEstablishment' },
      { type: 'AutomaticStart' },
      { type: 'TcpConnectionConfirmed' },
      { type: 'Tcp_CR_Acked' },
      { type: 'BGPOpen', open: peerOpen() },
      { type: 'BGPOpen', open: peerOpen({ holdTime: 0 }) },
      { type: 'KeepaliveTimer_Expires' },
      { type: 'IdleHoldTimer_Expires' },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<FsmEvent>({ type: 'HoldTimer_Expires' }, { type: 'TcpConnectionFails' }, { type: 'ManualStop' }, { type: 'NotifMsg' }) },
);

function deadlines(r: FsmRunner): Array<number | undefined> {
  return TIMERS.map((t) => r.timers.deadline(t));
}

describe('FsmRunner.messageReceived', () => {
  test('does what handle does with the KeepAliveMsg or UpdateMsg event, in every state', () => {
    let inEstablished = 0;
    fc.assert(
      fc.property(fc.constantFrom(0, 90), fc.boolean(), fc.array(fc.tuple(input, fc.integer({ min: 0, max: 50 })), { maxLength: 60 }), (holdTime, autoRestart, inputs) => {
        const config = fsmConfig({ localAs: 65001, peerAs: 65002, routerId: '192.0.2.1', holdTime, idleHold: { autoRestart } });
        const viaHandle = new FsmRunner(config);
        const viaShortcut = new FsmRunner(config);
        let now = 0;
        for (const [i, dt] of inputs) {
          now += dt;
          if (Array.isArray(i)) {
            for (const e of i) expect(viaShortcut.handle(e, now)).toEqual(viaHandle.handle(e, now));
          } else if (typeof i === 'string') {
            if (viaHandle.state.name === 'Established') inEstablished++;
            const expected = viaHandle.handle({ type: i }, now);
            expect(viaShortcut.messageReceived(i, now)).toEqual(expected);
          } else expect(viaShortcut.handle(i, now)).toEqual(viaHandle.handle(i, now));
          expect(viaShortcut.state).toEqual(viaHandle.state);
          expect(deadlines(viaShortcut)).toEqual(deadlines(viaHandle));
        }
      }),
      { numRuns: 500 },
    );
    // The shortcut itself was taken, not only the way through `step`.
    expect(inEstablished).toBeGreaterThan(100);
  });

  test('establishedHoldRestart: the negotiated hold time in Established only', () => {
    expect(establishedHoldRestart(initialFsmState())).toBeUndefined();
    const r = new FsmRunner(fsmConfig({ localAs: 65001, peerAs: 65002, routerId: '192.0.2.1', holdTime: 90 }));
    r.handle({ type: 'ManualStart_with_PassiveTcpEstablishment' }, 0);
    r.handle({ type: 'TcpConnectionConfirmed' }, 0);
    r.handle({ type: 'BGPOpen', open: peerOpen() }, 0);
    expect(establishedHoldRestart(r.state)).toBeUndefined();
    r.handle({ type: 'KeepAliveMsg' }, 0);
    expect(r.state.name).toBe('Established');
    expect(establishedHoldRestart(r.state)).toBe(90);
    // The hold timer runs from the last message.
    expect(r.messageReceived('UpdateMsg', 40)).toEqual([]);
    expect(r.timers.deadline('Hold')).toBe(130);
  });
});
