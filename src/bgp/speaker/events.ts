/** What the speaker hands back for every input: bytes to send, transport requests, and events. */
import type { PathAttributes, UpdateMessage } from '../wire/types.js';
import type { FsmStateName } from '../fsm/index.js';

/** The RFC 4271 §8 state of a peer's session (the shared FSM's). */
export type SessionState = FsmStateName;

export type SpeakerEvent =
  | { type: 'session'; peer: string; from: SessionState; to: SessionState; reason?: string }
  /** `reason`: the decision step that picked the best path over the runner-up (style.md shape 8), or `only-path`. */
  | { type: 'best-path'; prefix: string; best?: { from: string; attributes: PathAttributes; reason: string }; previous?: string }
  | { type: 'notification-sent'; peer: string; code: number; subcode: number; text?: string }
  | { type: 'notification-received'; peer: string; code: number; subcode: number; text?: string }
  | { type: 'end-of-rib-received'; peer: string; family: string }
  | { type: 'route-refresh-received'; peer: string; family: string }
  | { type: 'update-error'; peer: string; code: string; message: string; disposition: string };

/** One message for a peer: bytes, or (in-process transport only) an UPDATE as a record. */
export type OutgoingMessage = { peer: string; bytes: Uint8Array } | { peer: string; update: UpdateMessage };

export interface Output {
  send: Array<{ peer: string; bytes: Uint8Array }>;
  /**
   * With SpeakerConfig.inProcessUpdates: everything to send, in order, UPDATEs as shared
   * immutable records (the receiver calls receiveUpdate) and other messages as bytes; `send`
   * then stays empty. Absent otherwise.
   */
  messages?: OutgoingMessage[];
  /** Open a transport to these peers, then report it with connectionUp. */
  connect: string[];
  /** Close the transport to these peers (after sending anything queued for them in `send`). */
  close: string[];
  events: SpeakerEvent[];
}

export function emptyOutput(): Output {
  return { send: [], connect: [], close: [], events: [] };
}
