/**
 * BGP finite state machine (RFC 4271 §8), sans-IO.
 *
 * API:
 * - `fsmConfig({ localAs, peerAs, routerId, holdTime?, connectRetryTime?, passive?,
 *   capabilities?, requiredCapabilities?, idleHold? })` → FsmConfig with defaults, or FsmConfigError.
 * - `initialFsmState()` → Idle; `step(state, event, config)` → `{ state, actions }` (pure).
 *   Events are RFC 4271 §8.1 events by name (`{ type: 'BGPOpen', open }`, `{ type:
 *   'KeepAliveMsg' }`, `{ type: 'HoldTimer_Expires' }`, …). Actions: `connect`, `close`,
 *   `send` (OPEN/KEEPALIVE/NOTIFICATION record), `startTimer(timer, seconds)`,
 *   `stopTimer(timer)`, `established(session)`, `down(reason, wasEstablished, notification?)`.
 * - `TimerWheel`: apply the timer actions with the caller's `now`, `popDue(now)` → the timer
 *   event to feed back. `FsmRunner` bundles state + timers: `handle(event, now)`, `tick(now)`.
 * - `validateOpen(open, config)` → the OPEN error to send, or undefined; `negotiate(config,
 *   peerOpen)` → NegotiatedSession (hold/keepalive, 4-octet AS, add-path, extended message,
 *   families, route refresh, graceful restart); `sessionCodecContext(session)` → CodecContext.
 * - `collisionSurvivor` / `collisionLoser` (§6.8): the driver sends `OpenCollisionDump` to the loser.
 * - `idleHoldTime(failures, idleHold)`: the damped restart wait.
 */
import type { AddressTexts } from '../wire/address.js';
import type { CodecContext } from '../wire/types.js';
import type { NegotiatedSession } from './types.js';

export * from './types.js';
export { step, initialFsmState, notification, CEASE } from './step.js';
export { buildOpen, validateOpen, negotiate, openAsn, ipv4ToNumber, familyOfAfiSafi, OPEN_ERROR, BGP_VERSION } from './open.js';
export { collisionSurvivor, collisionLoser, type CollisionInput, type ConnectionDirection } from './collision.js';
export { idleHoldTime, DEFAULT_IDLE_HOLD } from './damping.js';
export { TimerWheel } from './timers.js';
export { FsmRunner } from './runner.js';
export { fsmConfig, FsmConfigError, type FsmConfigInput } from './config.js';

export function sessionCodecContext(session: NegotiatedSession, addressTexts?: AddressTexts): CodecContext {
  return {
    fourOctetAs: session.fourOctetAs,
    addPathReceive: session.addPathReceive,
    addPathSend: session.addPathSend,
    extendedMessage: session.extendedMessage,
    ibgp: session.ibgp,
    addressTexts,
  };
}
