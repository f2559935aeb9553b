/**
 * FSM configuration with defaults and checks. Defaults follow BIRD where the RFC only
 * suggests: hold 240 s (BIRD `hold time`), connect retry 120 s (RFC 4271 §10, BIRD),
 * OpenSent hold 240 s (RFC 4271 §8.2.2 "4 minutes"), error wait 60..300 s, forget 300 s.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import { DEFAULT_IDLE_HOLD } from './damping.js';
import { ipv4ToNumber } from './open.js';
import type { FsmConfig } from './types.js';

export class FsmConfigError extends FlatlabError {
  constructor(field: string, message: string, hint: string) {
    super('bgp.fsm.config', `BGP session ${field}: ${message}`, { hint });
  }
}

export type FsmConfigInput = Pick<FsmConfig, 'localAs' | 'peerAs' | 'routerId'> &
  Partial<Omit<FsmConfig, 'localAs' | 'peerAs' | 'routerId' | 'idleHold'>> & { idleHold?: Partial<FsmConfig['idleHold']> };

function checkAsn(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) {
    throw new FsmConfigError(field, `${v} is not an AS number`, 'use an integer from 1 to 4294967295');
  }
}

function checkSeconds(field: string, v: number, min: number): void {
  if (!Number.isFinite(v) || v < min) throw new FsmConfigError(field, `${v} is not a usable time`, `use at least ${min} seconds`);
}

export function fsmConfig(input: FsmConfigInput): FsmConfig {
  checkAsn('localAs', input.localAs);
  checkAsn('peerAs', input.peerAs);
  const id = ipv4ToNumber(input.routerId);
  if (id === undefined || id === 0) {
    throw new FsmConfigError('routerId', `"${input.routerId}" is not a usable BGP identifier`, 'use a non-zero dotted quad, e.g. 192.0.2.1');
  }
  const holdTime = input.holdTime ?? 240;
  // RFC 4271 §4.2: the hold time is 0 or at least three seconds, and fits 16 bits.
  if (!Number.isInteger(holdTime) || holdTime < 0 || holdTime > 0xffff || holdTime === 1 || holdTime === 2) {
    throw new FsmConfigError('holdTime', `${holdTime} is not a valid hold time`, 'use 0 (no keepalives) or 3..65535 seconds');
  }
  const config: FsmConfig = {
    localAs: input.localAs,
    peerAs: input.peerAs,
    routerId: input.routerId,
    holdTime,
    connectRetryTime: input.connectRetryTime ?? 120,
    openSentHoldTime: input.openSentHoldTime ?? 240,
    passive: input.passive ?? false,
    capabilities: input.capabilities ?? [
      { code: 1, name: 'multiprotocol', afi: 1, safi: 1 },
      { code: 2, name: 'route-refresh' },
      { code: 65, name: 'four-octet-as', asn: input.localAs },
    ],
    requiredCapabilities: input.requiredCapabilities ?? [],
    idleHold: { ...DEFAULT_IDLE_HOLD, ...input.idleHold },
  };
  checkSeconds('connectRetryTime', config.connectRetryTime, 1);
  checkSeconds('openSentHoldTime', config.openSentHoldTime, 3);
  checkSeconds('idleHold.initial', config.idleHold.initial, 0);
  checkSeconds('idleHold.max', config.idleHold.max, config.idleHold.initial);
  checkSeconds('idleHold.forget', config.idleHold.forget, 0);
  return config;
}
