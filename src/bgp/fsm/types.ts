/**
 * The records of the BGP finite state machine (RFC 4271 §8): states, events, actions, the
 * per-peer configuration, and the session parameters negotiated from both OPENs.
 *
 * The FSM is one connection's state machine. Connection collision (§6.8) is decided outside
 * it by `collisionLoser` and fed back as an `OpenCollisionDump` event to the losing FSM.
 */
import type {
  Capability,
  Family,
  KeepaliveMessage,
  NotificationMessage,
  OpenMessage,
  UpdateMessage,
} from '../wire/types.js';

export type FsmStateName = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export const FSM_STATES: readonly FsmStateName[] = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

/** Timers the FSM asks its driver to run; each expires into the event of the same name. */
export type TimerName = 'ConnectRetry' | 'Hold' | 'Keepalive' | 'IdleHold' | 'ErrorForget';

export const TIMER_EVENT = {
  ConnectRetry: 'ConnectRetryTimer_Expires',
  Hold: 'HoldTimer_Expires',
  Keepalive: 'KeepaliveTimer_Expires',
  IdleHold: 'IdleHoldTimer_Expires',
  ErrorForget: 'ErrorForgetTimer_Expires',
} as const satisfies Record<TimerName, string>;

/** The error a received message was found to carry (what the NOTIFICATION we send will say). */
export interface MessageError {
  code: number;
  subcode: number;
  data?: Uint8Array;
}

/**
 * FSM events (RFC 4271 §8.1), named as in the RFC. DelayOpen (events 12, 20) is not
 * implemented: neither BIRD nor GoBGP delays its OPEN by default.
 * `ErrorForgetTimer_Expires` is ours: it ends a run of failures for restart damping (BIRD's
 * `error forget time`).
 */
export type FsmEvent =
  | { type: 'ManualStart' }
  | { type: 'ManualStop' }
  | { type: 'AutomaticStart' }
  | { type: 'ManualStart_with_PassiveTcpEstablishment' }
  | { type: 'AutomaticStart_with_PassiveTcpEstablishment' }
  | { type: 'AutomaticStop' }
  | { type: 'ConnectRetryTimer_Expires' }
  | { type: 'HoldTimer_Expires' }
  | { type: 'KeepaliveTimer_Expires' }
  | { type: 'IdleHoldTimer_Expires' }
  | { type: 'ErrorForgetTimer_Expires' }
  | { type: 'TcpConnection_Valid' }
  | { type: 'Tcp_CR_Acked' }
  | { type: 'TcpConnectionConfirmed' }
  | { type: 'TcpConnectionFails' }
  | { type: 'BGPOpen'; open: OpenMessage }
  | { type: 'BGPHeaderErr'; error: MessageError }
  | { type: 'BGPOpenMsgErr'; error: MessageError }
  | { type: 'OpenCollisionDump' }
  | { type: 'NotifMsgVerErr'; notification?: NotificationMessage }
  | { type: 'NotifMsg'; notification?: NotificationMessage }
  | { type: 'KeepAliveMsg' }
  | { type: 'UpdateMsg'; update?: UpdateMessage }
  | { type: 'UpdateMsgErr'; error: MessageError };

export type FsmEventType = FsmEvent['type'];

export const FSM_EVENT_TYPES: readonly FsmEventType[] = [
  'ManualStart',
  'ManualStop',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
  'AutomaticStop',
  'ConnectRetryTimer_Expires',
  'HoldTimer_Expires',
  'KeepaliveTimer_Expires',
  'IdleHoldTimer_Expires',
  'ErrorForgetTimer_Expires',
  'TcpConnection_Valid',
  'Tcp_CR_Acked',
  'TcpConnectionConfirmed',
  'TcpConnectionFails',
  'BGPOpen',
  'BGPHeaderErr',
  'BGPOpenMsgErr',
  'OpenCollisionDump',
  'NotifMsgVerErr',
  'NotifMsg',
  'KeepAliveMsg',
  'UpdateMsg',
  'UpdateMsgErr',
];

/** Why a session left for Idle; `notification` is the one sent or received, when any. */
export type DownReason =
  | 'manual-stop'
  | 'automatic-stop'
  | 'hold-timer-expired'
  | 'tcp-connection-failed'
  | 'notification-received'
  | 'open-error'
  | 'header-error'
  | 'update-error'
  | 'collision'
  | 'fsm-error';

export type FsmAction =
  /** Open a TCP connection to the peer. */
  | { type: 'connect' }
  /** Drop the TCP connection (and release the session's resources). */
  | { type: 'close' }
  | { type: 'send'; message: OpenMessage | KeepaliveMessage | NotificationMessage }
  | { type: 'startTimer'; timer: TimerName; seconds: number }
  | { type: 'stopTimer'; timer: TimerName }
  | { type: 'established'; session: NegotiatedSession }
  /** Left a non-Idle state for Idle; `wasEstablished` means the peer's routes must go. */
  | { type: 'down'; reason: DownReason; wasEstablished: boolean; notification?: { code: number; subcode: number } };

/** Restart damping (RFC 4271 §8.1.1 DampPeerOscillations; BIRD `error wait time` / `error forget time`). */
export interface IdleHoldConfig {
  /** Restart automatically after a failure, after the idle hold time (BIRD does by default). */
  autoRestart: boolean;
  /** First wait after a failure, seconds (BIRD: 60). */
  initial: number;
  /** Upper bound of the doubling wait, seconds (BIRD: 300). */
  max: number;
  /** A failure this long after the previous one starts a new run at `initial` (BIRD: 300). */
  forget: number;
}

export interface FsmConfig {
  localAs: number;
  /** Expected peer AS; the OPEN's (4-octet) AS must equal it (RFC 4271 §6.2 Bad Peer AS). */
  peerAs: number;
  /** Our BGP identifier, dotted quad. */
  routerId: string;
  /** Hold time we propose: 0 or ≥ 3 seconds (RFC 4271 §4.2). BIRD, GoBGP default 90 (GoBGP) / 240 (BIRD). */
  holdTime: number;
  /** ConnectRetryTime, seconds (RFC 4271 §10 suggests 120; BIRD `connect retry time` 120). */
  connectRetryTime: number;
  /** OpenSent's large hold timer, seconds (RFC 4271 §8.2.2 suggests 4 minutes). */
  openSentHoldTime: number;
  /** Only accept connections, never connect (the PassiveTcpEstablishment option). */
  passive: boolean;
  /** Capabilities we send in our OPEN (the speaker builds them from its families and knobs). */
  capabilities: Capability[];
  /** Capability codes the peer must advertise, else OPEN error Unsupported Capability (RFC 5492 §3). */
  requiredCapabilities: number[];
  idleHold: IdleHoldConfig;
}

export interface FsmState {
  name: FsmStateName;
  /** RFC 4271 ConnectRetryCounter. */
  connectRetryCounter: number;
  /** Failures in the current damping run (reset by ErrorForget expiry or a manual start). */
  failures: number;
  /** The peer's OPEN once received. */
  peerOpen?: OpenMessage;
  /** Negotiated once the peer's OPEN is accepted. */
  session?: NegotiatedSession;
  /** The IdleHold timer is running: AutomaticStart waits for it (RFC 4271 events 6, 7, 13). */
  idleHoldRunning: boolean;
  /** An automatic start arrived while damped, or a failure asked for a restart. */
  pendingStart?: 'active' | 'passive';
  /** Remembered so a failure in any state restarts in the mode the session was started with. */
  startMode?: 'active' | 'passive';
  /** Set by a manual or automatic stop: no automatic restart until the next start event. */
  stopped: boolean;
}

export interface GracefulRestartParameters {
  restartTime: number;
  restarting: boolean;
  families: Array<{ family: Family | 'other'; afi: number; safi: number; forwardingPreserved: boolean }>;
}

/** Session parameters computed from our OPEN and the peer's (a CodecContext plus the rest). */
export interface NegotiatedSession {
  peerAs: number;
  peerRouterId: string;
  ibgp: boolean;
  /** min(our hold time, theirs); 0 means no hold timer and no keepalives. */
  holdTime: number;
  /** holdTime / 3, rounded down (RFC 4271 §10 suggests a third of the hold time). */
  keepaliveTime: number;
  fourOctetAs: boolean;
  extendedMessage: boolean;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  /** Families both sides advertised (ipv4-unicast implied when neither sent multiprotocol, RFC 4760 §8). */
  families: Family[];
  addPathReceive: Set<Family>;
  addPathSend: Set<Family>;
  /** The peer's graceful-restart capability, when it sent one and we did too. */
  gracefulRestart?: GracefulRestartParameters;
}

export interface StepResult {
  state: FsmState;
  actions: FsmAction[];
}
