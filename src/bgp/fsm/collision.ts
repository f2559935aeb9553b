/**
 * Connection collision detection (RFC 4271 §6.8, RFC 6286 §2.3): when both speakers connect
 * at once, the connection initiated by the speaker with the higher BGP identifier survives;
 * with equal identifiers (only possible between different ASes, RFC 6286), the one initiated
 * by the speaker with the larger AS number survives.
 */
import { ipv4ToNumber } from './open.js';

export type ConnectionDirection = 'outgoing' | 'incoming';

export interface CollisionInput {
  localRouterId: string;
  remoteRouterId: string;
  localAs: number;
  remoteAs: number;
}

/** Which connection to keep: the one we initiated (`outgoing`) or the peer's (`incoming`). */
export function collisionSurvivor(input: CollisionInput): ConnectionDirection {
  const local = ipv4ToNumber(input.localRouterId) ?? 0;
  const remote = ipv4ToNumber(input.remoteRouterId) ?? 0;
  if (local !== remote) return local > remote ? 'outgoing' : 'incoming';
  return input.localAs > input.remoteAs ? 'outgoing' : 'incoming';
}

/**
 * Which of two colliding connections gets `OpenCollisionDump`. `existing` is the connection
 * already in OpenConfirm (or Established when collisions are checked there), `opened` the one
 * that just received the OPEN; both have the direction they were made in.
 */
export function collisionLoser(
  existing: ConnectionDirection,
  opened: ConnectionDirection,
  input: CollisionInput,
): 'existing' | 'opened' {
  if (existing === opened) {
    // Two connections in the same direction are not a §6.8 collision: keep the older one.
    return 'opened';
  }
  return collisionSurvivor(input) === existing ? 'opened' : 'existing';
}
