/**
 * The BGP FSM as a pure function (RFC 4271 §8.2.2): `step(state, event, config)` returns the
 * next state and the actions for the driver (send, connect, close, timers). No I/O, no clock.
 *
 * Choices where the RFC leaves room, and whom they follow:
 * - DelayOpen and SendNOTIFICATIONwithoutOPEN are off (BIRD, GoBGP defaults), so errors before
 *   our OPEN is sent close the connection silently.
 * - A header/OPEN error in Established sends the NOTIFICATION the error calls for (§6.1, §6.2,
 *   as BIRD and GoBGP do), where the §8.2.2 table would send an FSM Error.
 * - FSM errors carry the RFC 6608 subcode naming the state.
 * - `passive` never connects, even when ConnectRetryTimer expires in Active (BIRD `passive on`).
 * - Entering Idle after a failure (anything but ManualStop) starts the IdleHold timer when
 *   `idleHold.autoRestart` is set, and the session restarts when it expires (BIRD `error wait
 *   time`); the wait doubles with each failure of a run (see damping.ts).
 */
import { ERROR_CODE } from '../wire/types.js';
import type { NotificationMessage } from '../wire/types.js';
import { idleHoldTime } from './damping.js';
import { buildOpen, negotiate, validateOpen } from './open.js';
import type {
  DownReason,
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmState,
  FsmStateName,
  MessageError,
  StepResult,
  TimerName,
} from './types.js';

/** Cease subcodes (RFC 4486). */
export const CEASE = { ADMINISTRATIVE_SHUTDOWN: 2, OUT_OF_RESOURCES: 8, CONNECTION_COLLISION: 7 } as const;

/** RFC 6608 FSM Error subcodes: an unexpected message in this state. */
const FSM_ERROR_SUBCODE: Partial<Record<FsmStateName, number>> = { OpenSent: 1, OpenConfirm: 2, Established: 3 };

export function initialFsmState(): FsmState {
  return { name: 'Idle', connectRetryCounter: 0, failures: 0, idleHoldRunning: false, stopped: false };
}

export function notification(code: number, subcode: number, data: Uint8Array = new Uint8Array(0)): NotificationMessage {
  return { type: 'NOTIFICATION', code, subcode, data };
}

const SESSION_TIMERS: readonly TimerName[] = ['ConnectRetry', 'Hold', 'Keepalive'];

interface IdleOptions {
  reason: DownReason;
  counter: 'increment' | 'reset' | 'keep';
  send?: MessageError;
  received?: NotificationMessage;
}

/** Every path to Idle from a non-Idle state: stop timers, maybe notify, close, maybe damp. */
function toIdle(state: FsmState, config: FsmConfig, o: IdleOptions): StepResult {
  const actions: FsmAction[] = [];
  if (o.send) actions.push({ type: 'send', message: notification(o.send.code, o.send.subcode, o.send.data) });
  for (const t of SESSION_TIMERS) actions.push({ type: 'stopTimer', timer: t });
  actions.push({ type: 'close' });
  const told = o.send ?? o.received;
  actions.push({
    type: 'down',
    reason: o.reason,
    wasEstablished: state.name === 'Established',
    ...(told ? { notification: { code: told.code, subcode: told.subcode } } : {}),
  });
  const next: FsmState = {
    name: 'Idle',
    connectRetryCounter:
      o.counter === 'reset' ? 0 : o.counter === 'increment' ? state.connectRetryCounter + 1 : state.connectRetryCounter,
    failures: state.failures,
    idleHoldRunning: state.idleHoldRunning,
    stopped: state.stopped,
  };
  if (state.startMode) next.startMode = state.startMode;
  if (o.reason === 'manual-stop') {
    next.stopped = true;
    if (next.idleHoldRunning) actions.push({ type: 'stopTimer', timer: 'IdleHold' });
    next.idleHoldRunning = false;
  } else if (config.idleHold.autoRestart && !state.stopped) {
    next.failures = state.failures + 1;
    next.idleHoldRunning = true;
    next.pendingStart = state.startMode ?? (config.passive ? 'passive' : 'active');
    actions.push({ type: 'startTimer', timer: 'IdleHold', seconds: idleHoldTime(next.failures, config.idleHold) });
    actions.push({ type: 'startTimer', timer: 'ErrorForget', seconds: config.idleHold.forget });
  }
  return { state: next, actions };
}

function start(state: FsmState, config: FsmConfig, mode: 'active' | 'passive'): StepResult {
  const next: FsmState = {
    name: mode === 'active' ? 'Connect' : 'Active',
    connectRetryCounter: 0,
    failures: state.failures,
    idleHoldRunning: false,
    stopped: false,
    startMode: mode,
  };
  const actions: FsmAction[] = [{ type: 'startTimer', timer: 'ConnectRetry', seconds: config.connectRetryTime }];
  if (mode === 'active') actions.push({ type: 'connect' });
  return { state: next, actions };
}

/** TCP is up (Tcp_CR_Acked / TcpConnectionConfirmed in Connect or Active): send our OPEN. */
function sendOpen(state: FsmState, config: FsmConfig): StepResult {
  return {
    state: withoutSession(state, 'OpenSent'),
    actions: [
      { type: 'stopTimer', timer: 'ConnectRetry' },
      { type: 'send', message: buildOpen(config) },
      // RFC 4271 §8.2.2: "sets the HoldTimer to a large value"; 4 minutes is suggested.
      { type: 'startTimer', timer: 'Hold', seconds: config.openSentHoldTime },
    ],
  };
}

function withoutSession(state: FsmState, name: FsmStateName): FsmState {
  const next: FsmState = { ...state, name };
  delete next.peerOpen;
  delete next.session;
  return next;
}

function stay(state: FsmState, actions: FsmAction[] = []): StepResult {
  return { state, actions };
}

function fsmError(state: FsmState): MessageError {
  return { code: ERROR_CODE.FSM, subcode: FSM_ERROR_SUBCODE[state.name] ?? 0 };
}

function holdRestart(state: FsmState): FsmAction[] {
  const hold = state.session?.holdTime ?? 0;
  return hold > 0 ? [{ type: 'startTimer', timer: 'Hold', seconds: hold }] : [];
}

/**
 * In Established a KEEPALIVE or UPDATE received only restarts the hold timer (RFC 4271 §8.2.2):
 * the hold time it restarts (0: none runs), or undefined in any other state, where `step`
 * decides. What `step` does for those events in Established, for a driver that skips it.
 */
export function establishedHoldRestart(state: FsmState): number | undefined {
  return state.name === 'Established' ? (state.session?.holdTime ?? 0) : undefined;
}

export function step(state: FsmState, event: FsmEvent, config: FsmConfig): StepResult {
  // Our own damping timer: it only ends a failure run, in any state.
  if (event.type === 'ErrorForgetTimer_Expires') return stay({ ...state, failures: 0 });
  switch (state.name) {
    case 'Idle':
      return stepIdle(state, event, config);
    case 'Connect':
    case 'Active':
      return stepConnecting(state, event, config);
    case 'OpenSent':
      return stepOpenSent(state, event, config);
    case 'OpenConfirm':
      return stepOpenConfirm(state, event, config);
    case 'Established':
      return stepEstablished(state, event, config);
  }
}

function stepIdle(state: FsmState, event: FsmEvent, config: FsmConfig): StepResult {
  switch (event.type) {
    case 'ManualStart':
    case 'ManualStart_with_PassiveTcpEstablishment': {
      // An operator's start overrides damping (BIRD `enable` restarts at once).
      const mode = event.type === 'ManualStart' && !config.passive ? 'active' : 'passive';
      const r = start({ ...state, failures: 0 }, config, mode);
      const stops: FsmAction[] = [{ type: 'stopTimer', timer: 'ErrorForget' }];
      if (state.idleHoldRunning) stops.push({ type: 'stopTimer', timer: 'IdleHold' });
      return { state: r.state, actions: [...stops, ...r.actions] };
    }
    case 'AutomaticStart':
    case 'AutomaticStart_with_PassiveTcpEstablishment': {
      const mode = event.type === 'AutomaticStart' && !config.passive ? 'active' : 'passive';
      // RFC 4271 events 6/7: while damped, the start waits for IdleHoldTimer_Expires.
      if (state.idleHoldRunning) return stay({ ...state, pendingStart: mode, stopped: false });
      return start(state, config, mode);
    }
    case 'IdleHoldTimer_Expires': {
      const next: FsmState = { ...state, idleHoldRunning: false };
      const pending = state.pendingStart;
      delete next.pendingStart;
      if (pending && !state.stopped) return start(next, config, pending);
      return stay(next);
    }
    default:
      // RFC 4271 §8.2.2 Idle: any other event does not change the state.
      return stay(state);
  }
}

/** Connect and Active differ only in ConnectRetryTimer_Expires and TcpConnectionFails. */
function stepConnecting(state: FsmState, event: FsmEvent, config: FsmConfig): StepResult {
  switch (event.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
      return stay(state);
    case 'ManualStop':
      return toIdle(state, config, { reason: 'manual-stop', counter: 'reset' });
    case 'ConnectRetryTimer_Expires': {
      const restart: FsmAction = { type: 'startTimer', timer: 'ConnectRetry', seconds: config.connectRetryTime };
      if (config.passive) return stay(state, [restart]);
      const actions: FsmAction[] = [];
      if (state.name === 'Connect') actions.push({ type: 'close' });
      actions.push(restart, { type: 'connect' });
      return { state: { ...state, name: 'Connect' }, actions };
    }
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return sendOpen(state, config);
    case 'TcpConnectionFails':
      // Connect: "stops the ConnectRetryTimer to zero, drops the TCP connection, releases all
      // BGP resources" (no counter change); Active: also increments ConnectRetryCounter.
      return toIdle(state, config, {
        reason: 'tcp-connection-failed',
        counter: state.name === 'Active' ? 'increment' : 'keep',
      });
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(state, config, { reason: event.type === 'BGPHeaderErr' ? 'header-error' : 'open-error', counter: 'increment' });
    case 'NotifMsgVerErr':
      return toIdle(state, config, { reason: 'notification-received', counter: 'increment', ...received(event) });
    default:
      return toIdle(state, config, { reason: 'fsm-error', counter: 'increment' });
  }
}

function received(event: { notification?: NotificationMessage }): { received?: NotificationMessage } {
  return event.notification ? { received: event.notification } : {};
}

const ADMIN_SHUTDOWN: MessageError = { code: ERROR_CODE.CEASE, subcode: CEASE.ADMINISTRATIVE_SHUTDOWN };
const HOLD_EXPIRED: MessageError = { code: ERROR_CODE.HOLD_TIMER_EXPIRED, subcode: 0 };
const COLLISION: MessageError = { code: ERROR_CODE.CEASE, subcode: CEASE.CONNECTION_COLLISION };

/** Events that end an open or established session the same way in OpenSent, OpenConfirm, Established. */
function commonSessionEvent(state: FsmState, event: FsmEvent, config: FsmConfig): StepResult | undefined {
  switch (event.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return stay(state);
    // A second connection: tracked by the driver for collision detection (§6.8).
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return stay(state);
    case 'ManualStop':
      return toIdle(state, config, { reason: 'manual-stop', counter: 'reset', send: ADMIN_SHUTDOWN });
    case 'AutomaticStop':
      return toIdle(state, config, { reason: 'automatic-stop', counter: 'increment', send: ADMIN_SHUTDOWN });
    case 'HoldTimer_Expires':
      return toIdle(state, config, { reason: 'hold-timer-expired', counter: 'increment', send: HOLD_EXPIRED });
    case 'BGPHeaderErr':
      return toIdle(state, config, { reason: 'header-error', counter: 'increment', send: event.error });
    case 'BGPOpenMsgErr':
      return toIdle(state, config, { reason: 'open-error', counter: 'increment', send: event.error });
    case 'OpenCollisionDump':
      return toIdle(state, config, { reason: 'collision', counter: 'increment', send: COLLISION });
    case 'NotifMsgVerErr':
      // RFC 4271 §8.2.2 (OpenSent, OpenConfirm): no counter increment for a version error.
      return toIdle(state, config, {
        reason: 'notification-received',
        counter: state.name === 'Established' ? 'increment' : 'keep',
        ...received(event),
      });
    default:
      return undefined;
  }
}

function stepOpenSent(state: FsmState, event: FsmEvent, config: FsmConfig): StepResult {
  const common = commonSessionEvent(state, event, config);
  if (common) return common;
  switch (event.type) {
    case 'TcpConnectionFails': {
      // RFC 4271: close, restart ConnectRetryTimer, keep listening, go to Active.
      const next = withoutSession(state, 'Active');
      return {
        state: next,
        actions: [
          { type: 'stopTimer', timer: 'Hold' },
          { type: 'close' },
          { type: 'startTimer', timer: 'ConnectRetry', seconds: config.connectRetryTime },
        ],
      };
    }
    case 'BGPOpen': {
      const problem = validateOpen(event.open, config);
      if (problem) return toIdle(state, config, { reason: 'open-error', counter: 'increment', send: problem });
      const session = negotiate(config, event.open);
      const actions: FsmAction[] = [
        { type: 'stopTimer', timer: 'ConnectRetry' },
        { type: 'send', message: { type: 'KEEPALIVE' } },
      ];
      if (session.holdTime > 0) {
        actions.push({ type: 'startTimer', timer: 'Keepalive', seconds: session.keepaliveTime });
        actions.push({ type: 'startTimer', timer: 'Hold', seconds: session.holdTime });
      } else {
        // A zero hold time: no keepalives and no hold timer (RFC 4271 §4.4).
        actions.push({ type: 'stopTimer', timer: 'Hold' });
      }
      return { state: { ...state, name: 'OpenConfirm', peerOpen: event.open, session }, actions };
    }
    case 'NotifMsg':
      // Not in the RFC's OpenSent list; handled as its "other events" but without sending a
      // NOTIFICATION back to a peer that has just sent one (BIRD, GoBGP).
      return toIdle(state, config, { reason: 'notification-received', counter: 'increment', ...received(event) });
    default:
      return toIdle(state, config, { reason: 'fsm-error', counter: 'increment', send: fsmError(state) });
  }
}

function stepOpenConfirm(state: FsmState, event: FsmEvent, config: FsmConfig): StepResult {
  const common = commonSessionEvent(state, event, config);
  if (common) return common;
  switch (event.type) {
    case 'KeepaliveTimer_Expires':
      return stay(state, keepaliveActions(state));
    case 'TcpConnectionFails':
      return toIdle(state, config, { reason: 'tcp-connection-failed', counter: 'increment' });
    case 'NotifMsg':
      return toIdle(state, config, { reason: 'notification-received', counter: 'increment', ...received(event) });
    case 'KeepAliveMsg': {
      const session = state.session;
      if (!session) throw new Error('FSM invariant: OpenConfirm without a negotiated session');
      return {
        state: { ...state, name: 'Established' },
        actions: [...holdRestart(state), { type: 'established', session }],
      };
    }
    default:
      return toIdle(state, config, { reason: 'fsm-error', counter: 'increment', send: fsmError(state) });
  }
}

function keepaliveActions(state: FsmState): FsmAction[] {
  const actions: FsmAction[] = [{ type: 'send', message: { type: 'KEEPALIVE' } }];
  const k = state.session?.keepaliveTime ?? 0;
  if (k > 0) actions.push({ type: 'startTimer', timer: 'Keepalive', seconds: k });
  return actions;
}

function stepEstablished(state: FsmState, event: FsmEvent, config: FsmConfig): StepResult {
  const common = commonSessionEvent(state, event, config);
  if (common) return common;
  switch (event.type) {
    case 'KeepaliveTimer_Expires':
      return stay(state, keepaliveActions(state));
    case 'KeepAliveMsg':
    case 'UpdateMsg':
      return stay(state, holdRestart(state));
    case 'TcpConnectionFails':
    case 'NotifMsg':
      return toIdle(state, config, {
        reason: event.type === 'NotifMsg' ? 'notification-received' : 'tcp-connection-failed',
        counter: 'increment',
        ...(event.type === 'NotifMsg' ? received(event) : {}),
      });
    case 'UpdateMsgErr':
      return toIdle(state, config, { reason: 'update-error', counter: 'increment', send: event.error });
    default:
      return toIdle(state, config, { reason: 'fsm-error', counter: 'increment', send: fsmError(state) });
  }
}
