/** Shared by the FSM tests. */
import { fsmConfig } from '../../../src/bgp/fsm/index.js';
import type { FsmConfig } from '../../../src/bgp/fsm/index.js';
import type { OpenMessage } from '../../../src/bgp/wire/types.js';

export const config: FsmConfig = fsmConfig({ localAs: 65001, peerAs: 65002, routerId: '192.0.2.1', holdTime: 90 });

export function peerOpen(over: Partial<OpenMessage> = {}): OpenMessage {
  return {
    type: 'OPEN',
    version: 4,
    myAs: 65002,
    holdTime: 180,
    bgpIdentifier: '192.0.2.2',
    capabilities: [
      { code: 1, name: 'multiprotocol', afi: 1, safi: 1 },
      { code: 65, name: 'four-octet-as', asn: 65002 },
    ],
    ...over,
  };
}

