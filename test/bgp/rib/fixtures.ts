/** Small builders shared by the RIB tests. */
import { Rib } from '../../../src/bgp/rib/index.js';
import type { PathRecord, RibPeerInput, DecisionContext, DecisionOptions } from '../../../src/bgp/rib/index.js';
import { computeFacts, DEFAULT_DECISION_OPTIONS, addressSortKey } from '../../../src/bgp/rib/index.js';
import type { PathAttributes } from '../../../src/bgp/wire/types.js';

export const LOCAL_AS = 65000;

export function ctx(options: Partial<DecisionOptions> = {}, igp: Record<string, number> = {}): DecisionContext {
  return {
    localAs: LOCAL_AS,
    options: { ...DEFAULT_DECISION_OPTIONS, ...options },
    igpCost: (nh) => igp[nh] ?? 0,
    nextHopReachable: () => true,
  };
}

let n = 0;
export function peer(over: Partial<RibPeerInput> & { asn?: number } = {}) {
  n++;
  const input = { id: `p${n}`, address: `192.0.2.${n % 250}`, asn: 65001, routerId: `10.0.0.${n % 250}`, ...over };
  const routerIdNumber = input.routerId.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  return {
    id: input.id,
    address: input.address,
    asn: input.asn,
    routerId: input.routerId,
    ibgp: !input.local && input.asn === LOCAL_AS,
    rrClient: input.rrClient ?? false,
    local: input.local ?? false,
    localAddress: input.localAddress,
    keepPrePolicy: true,
    importPolicy: undefined,
    hasImportPolicy: true,
    hasExportPolicy: input.hasExportPolicy ?? true,
    nextHopSelf: input.nextHopSelf ?? false,
    nextHopUnchanged: input.nextHopUnchanged ?? false,
    allowAsIn: input.allowAsIn ?? 0,
    addressKey: addressSortKey(input.address),
    routerIdNumber,
  };
}

export function path(attrs: PathAttributes, p = peer(), pathId = 0, prefix = '203.0.113.0/24'): PathRecord {
  return { prefix, pathId, peer: p, attrs, facts: computeFacts(attrs) };
}

export function rib(options: Partial<ConstructorParameters<typeof Rib>[0]> = {}): Rib {
  return new Rib({ localAs: LOCAL_AS, routerId: '10.255.0.1', rfc8212: false, ...options });
}

export const seq = (...asns: number[]) => [{ type: 2 as const, asns }];
