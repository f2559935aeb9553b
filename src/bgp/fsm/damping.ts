/**
 * Restart damping (RFC 4271 §8.1.1 DampPeerOscillations), shaped like BIRD's
 * `error wait time min,max` and `error forget time`: the wait after the n-th failure in a run
 * is min·2^(n-1), capped at max.
 */
import type { IdleHoldConfig } from './types.js';

export const DEFAULT_IDLE_HOLD: IdleHoldConfig = Object.freeze({ autoRestart: true, initial: 60, max: 300, forget: 300 });

/** Seconds to wait in Idle after `failures` consecutive failures (≥ 1). */
export function idleHoldTime(failures: number, config: IdleHoldConfig): number {
  if (failures <= 1) return Math.min(config.initial, config.max);
  // Double without overflowing to Infinity for huge failure counts.
  const exponent = Math.min(failures - 1, 52);
  return Math.min(config.initial * 2 ** exponent, config.max);
}
