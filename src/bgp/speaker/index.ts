/**
 * The sans-IO BGP speaker core: `new Speaker(config, { now })`, then feed it connection
 * changes, bytes and clock ticks; each call returns an Output (bytes to send, transports to
 * open or close, events). See docs/policy-engine.md for the policy side.
 */
export { Speaker, SpeakerInputError, familyOfPrefix, LOCAL, type DampedRoute, type LocRibRoute } from './speaker.js';
export { normaliseSpeakerConfig, SpeakerConfigError, DEFAULT_HOLD_TIME, DEFAULT_CONNECT_RETRY, DEFAULT_MRAI, type PeerConfig, type SpeakerConfig } from './config.js';
export { emptyOutput, type Output, type SessionState, type SpeakerEvent } from './events.js';
export { packUpdates, attributesKey, type OutgoingChange } from './packing.js';
