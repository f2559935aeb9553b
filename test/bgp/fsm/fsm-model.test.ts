/**
 * Model-based test of the FSM against a reference transition table written from RFC 4271
 * §8.2.2 (DelayOpen off, SendNOTIFICATIONwithoutOPEN off, no damping), with the two
 * deviations step.ts documents: errors in Established send their own NOTIFICATION, and a
 * NOTIFICATION received in OpenSent is not answered with an FSM Error.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fsmConfig, initialFsmState, step, FSM_EVENT_TYPES } from '../../../src/bgp/fsm/index.js';
import type { FsmEvent, FsmEventType, FsmStateName } from '../../../src/bgp/fsm/index.js';
import { peerOpen } from './fixtures.js';

const config = fsmConfig({
  localAs: 65001,
  peerAs: 65002,
  routerId: '192.0.2.1',
  holdTime: 90,
  idleHold: { autoRestart: false },
});

type Counter = '0' | '+1' | '=';
/** next state, what is sent ('OPEN', 'KEEPALIVE', a NOTIFICATION error code, or nothing), counter. */
type Row = [FsmStateName, 'OPEN' | 'KEEPALIVE' | number | null, Counter, { connect?: true }?];

type Kind = FsmEventType | 'BGPOpenBad';
const STARTS: Kind[] = ['ManualStart', 'AutomaticStart', 'ManualStart_with_PassiveTcpEstablishment', 'AutomaticStart_with_PassiveTcpEstablishment'];
const KINDS: Kind[] = [...FSM_EVENT_TYPES, 'BGPOpenBad'];

function table(rows: Partial<Record<Kind, Row>>, other: Row): (k: Kind) => Row {
  return (k) => rows[k] ?? other;
}

const stay = (s: FsmStateName): Row => [s, null, '='];
const starts = (s: FsmStateName) => Object.fromEntries(STARTS.map((k) => [k, stay(s)]));

const REFERENCE: Record<FsmStateName, (k: Kind) => Row> = {
  Idle: table(
    {
      ManualStart: ['Connect', null, '0', { connect: true }],
      AutomaticStart: ['Connect', null, '0', { connect: true }],
      ManualStart_with_PassiveTcpEstablishment: ['Active', null, '0'],
      AutomaticStart_with_PassiveTcpEstablishment: ['Active', null, '0'],
    },
    stay('Idle'),
  ),
  Connect: table(
    {
      ...starts('Connect'),
      TcpConnection_Valid: stay('Connect'),
      ErrorForgetTimer_Expires: stay('Connect'),
      ManualStop: ['Idle', null, '0'],
      ConnectRetryTimer_Expires: ['Connect', null, '=', { connect: true }],
      Tcp_CR_Acked: ['OpenSent', 'OPEN', '='],
      TcpConnectionConfirmed: ['OpenSent', 'OPEN', '='],
      TcpConnectionFails: ['Idle', null, '='],
    },
    ['Idle', null, '+1'],
  ),
  Active: table(
    {
      ...starts('Active'),
      TcpConnection_Valid: stay('Active'),
      ErrorForgetTimer_Expires: stay('Active'),
      ManualStop: ['Idle', null, '0'],
      ConnectRetryTimer_Expires: ['Connect', null, '=', { connect: true }],
      Tcp_CR_Acked: ['OpenSent', 'OPEN', '='],
      TcpConnectionConfirmed: ['OpenSent', 'OPEN', '='],
      TcpConnectionFails: ['Idle', null, '+1'],
    },
    ['Idle', null, '+1'],
  ),
  OpenSent: table(
    {
      ...starts('OpenSent'),
      TcpConnection_Valid: stay('OpenSent'),
      Tcp_CR_Acked: stay('OpenSent'),
      TcpConnectionConfirmed: stay('OpenSent'),
      ErrorForgetTimer_Expires: stay('OpenSent'),
      ManualStop: ['Idle', 6, '0'],
      AutomaticStop: ['Idle', 6, '+1'],
      HoldTimer_Expires: ['Idle', 4, '+1'],
      TcpConnectionFails: ['Active', null, '='],
      BGPOpen: ['OpenConfirm', 'KEEPALIVE', '='],
      BGPOpenBad: ['Idle', 2, '+1'],
      BGPHeaderErr: ['Idle', 1, '+1'],
      BGPOpenMsgErr: ['Idle', 2, '+1'],
      OpenCollisionDump: ['Idle', 6, '+1'],
      NotifMsgVerErr: ['Idle', null, '='],
      NotifMsg: ['Idle', null, '+1'],
    },
    ['Idle', 5, '+1'],
  ),
  OpenConfirm: table(
    {
      ...starts('OpenConfirm'),
      TcpConnection_Valid: stay('OpenConfirm'),
      Tcp_CR_Acked: stay('OpenConfirm'),
      TcpConnectionConfirmed: stay('OpenConfirm'),
      ErrorForgetTimer_Expires: stay('OpenConfirm'),
      ManualStop: ['Idle', 6, '0'],
      AutomaticStop: ['Idle', 6, '+1'],
      HoldTimer_Expires: ['Idle', 4, '+1'],
      KeepaliveTimer_Expires: ['OpenConfirm', 'KEEPALIVE', '='],
      TcpConnectionFails: ['Idle', null, '+1'],
      NotifMsgVerErr: ['Idle', null, '='],
      NotifMsg: ['Idle', null, '+1'],
      BGPHeaderErr: ['Idle', 1, '+1'],
      BGPOpenMsgErr: ['Idle', 2, '+1'],
      OpenCollisionDump: ['Idle', 6, '+1'],
      KeepAliveMsg: ['Established', null, '='],
    },
    ['Idle', 5, '+1'],
  ),
  Established: table(
    {
      ...starts('Established'),
      TcpConnection_Valid: stay('Established'),
      Tcp_CR_Acked: stay('Established'),
      TcpConnectionConfirmed: stay('Established'),
      ErrorForgetTimer_Expires: stay('Established'),
      ManualStop: ['Idle', 6, '0'],
      AutomaticStop: ['Idle', 6, '+1'],
      HoldTimer_Expires: ['Idle', 4, '+1'],
      KeepaliveTimer_Expires: ['Established', 'KEEPALIVE', '='],
      KeepAliveMsg: stay('Established'),
      UpdateMsg: stay('Established'),
      TcpConnectionFails: ['Idle', null, '+1'],
      NotifMsg: ['Idle', null, '+1'],
      NotifMsgVerErr: ['Idle', null, '+1'],
      UpdateMsgErr: ['Idle', 3, '+1'],
      BGPHeaderErr: ['Idle', 1, '+1'],
      BGPOpenMsgErr: ['Idle', 2, '+1'],
      OpenCollisionDump: ['Idle', 6, '+1'],
    },
    ['Idle', 5, '+1'],
  ),
};

function event(k: Kind): FsmEvent {
  switch (k) {
    case 'BGPOpen':
      return { type: 'BGPOpen', open: peerOpen() };
    case 'BGPOpenBad':
      return { type: 'BGPOpen', open: peerOpen({ version: 3 }) };
    case 'BGPHeaderErr':
      return { type: 'BGPHeaderErr', error: { code: 1, subcode: 2 } };
    case 'BGPOpenMsgErr':
      return { type: 'BGPOpenMsgErr', error: { code: 2, subcode: 4 } };
    case 'UpdateMsgErr':
      return { type: 'UpdateMsgErr', error: { code: 3, subcode: 1 } };
    default:
      return { type: k } as FsmEvent;
  }
}

// Bias towards the events that move a session forward so sequences reach Established often.
const FORWARD: Kind[] = ['ManualStart', 'TcpConnectionConfirmed', 'BGPOpen', 'KeepAliveMsg', 'KeepaliveTimer_Expires', 'UpdateMsg'];
const arbKind = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FORWARD) }, { weight: 2, arbitrary: fc.constantFrom(...KINDS) });

describe('FSM against the RFC 4271 §8.2.2 reference table', () => {
  test('random event sequences: state, counter, what is sent, connect/established/down', () => {
    fc.assert(
      fc.property(fc.array(arbKind, { maxLength: 40 }), (kinds) => {
        let state = initialFsmState();
        for (const k of kinds) {
          const [next, sends, counter, extra] = REFERENCE[state.name](k);
          const r = step(state, event(k), config);
          const where = `${state.name} + ${k}`;
          expect(r.state.name, where).toBe(next);
          const expectedCounter = counter === '0' ? 0 : counter === '+1' ? state.connectRetryCounter + 1 : state.connectRetryCounter;
          expect(r.state.connectRetryCounter, where).toBe(expectedCounter);
          const sent = r.actions.flatMap((a) => (a.type === 'send' ? [a.message.type === 'NOTIFICATION' ? a.message.code : a.message.type] : []));
          expect(sent, where).toEqual(sends === null ? [] : [sends]);
          expect(r.actions.some((a) => a.type === 'connect'), where).toBe(extra?.connect === true);
          expect(r.actions.some((a) => a.type === 'established'), where).toBe(state.name !== 'Established' && next === 'Established');
          const down = r.actions.find((a) => a.type === 'down');
          expect(down !== undefined, where).toBe(state.name !== 'Idle' && next === 'Idle');
          if (down?.type === 'down') expect(down.wasEstablished).toBe(state.name === 'Established');
          // Leaving for Idle always closes the connection.
          if (state.name !== 'Idle' && next === 'Idle') expect(r.actions).toContainEqual({ type: 'close' });
          state = r.state;
        }
      }),
      { numRuns: 500 },
    );
  });

  test('every (state, event) pair is covered by the table and step agrees', () => {
    // Reach each state by a fixed prefix of events, then apply every event kind once.
    const prefixes: Record<FsmStateName, Kind[]> = {
      Idle: [],
      Connect: ['ManualStart'],
      Active: ['ManualStart_with_PassiveTcpEstablishment'],
      OpenSent: ['ManualStart', 'TcpConnectionConfirmed'],
      OpenConfirm: ['ManualStart', 'TcpConnectionConfirmed', 'BGPOpen'],
      Established: ['ManualStart', 'TcpConnectionConfirmed', 'BGPOpen', 'KeepAliveMsg'],
    };
    for (const [name, prefix] of Object.entries(prefixes) as Array<[FsmStateName, Kind[]]>) {
      let s = initialFsmState();
      for (const k of prefix) s = step(s, event(k), config).state;
      expect(s.name).toBe(name);
      for (const k of KINDS) expect(step(s, event(k), config).state.name, `${name} + ${k}`).toBe(REFERENCE[name](k)[0]);
    }
  });
});
