/** What a translator is configured with (RFC 7915 leaves these to the operator). */
import type { AddressMapper } from './address-map.js';

export interface SiitOptions {
  mapper: AddressMapper;
  /** The translator is a router (§4.1, §5.1): TTL/Hop Limit is decremented. Default true. */
  decrementTtl?: boolean;
  /** `lowest-ipv6-mtu` (§4.1): IPv4 packets without DF are fragmented to fit it. Default 1280. */
  lowestIpv6Mtu?: number;
  /** MTU of the IPv6 next hop, when known: a DF packet that does not fit is refused (`packet-too-big`). */
  ipv6NextHopMtu?: number;
  /** MTU of the IPv4 next hop, when known (bounds the MTU reported in translated Packet Too Big). */
  ipv4NextHopMtu?: number;
  /** IPv4 UDP without checksum, unfragmented (§4.5): compute one (default) or drop. */
  udpZeroChecksum?: 'compute' | 'drop';
  /** Identification for IPv4 packets made from unfragmented IPv6 (§5.1 leaves the algorithm to the translator). Default 0. */
  nextIpv4Id?: () => number;
}

export interface ResolvedOptions {
  mapper: AddressMapper;
  decrementTtl: boolean;
  lowestIpv6Mtu: number;
  ipv6NextHopMtu: number | undefined;
  ipv4NextHopMtu: number | undefined;
  udpZeroChecksum: 'compute' | 'drop';
  nextIpv4Id: () => number;
}

export function resolveOptions(o: SiitOptions): ResolvedOptions {
  return {
    mapper: o.mapper,
    decrementTtl: o.decrementTtl ?? true,
    lowestIpv6Mtu: o.lowestIpv6Mtu ?? 1280,
    ipv6NextHopMtu: o.ipv6NextHopMtu,
    ipv4NextHopMtu: o.ipv4NextHopMtu,
    udpZeroChecksum: o.udpZeroChecksum ?? 'compute',
    nextIpv4Id: o.nextIpv4Id ?? (() => 0),
  };
}
