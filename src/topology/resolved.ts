/**
 * The intermediate model between the validated file and the Lab: names resolved, defaults
 * applied, endpoints parsed. Each phase adds to it; `pipeline.ts` turns it into a `Lab`.
 */
import type { DataPath } from '../config/yaml-source.js';
import type { IpAddress, IpFamily, IpPrefix } from '../net/ip.js';
import type { Netem, NodeRole } from './lab.js';
import type { KindInfo } from './kind-catalog.js';
import type { DampingConfig } from '../bgp/rib/flap-damping.js';

export interface ResolvedNode {
  name: string;
  /** Position in the file's `nodes:` map; loopback host offsets follow it. */
  index: number;
  path: DataPath;
  kindName: string;
  kind?: KindInfo;
  role: NodeRole;
  image?: string;
  asn?: number;
  speaksBgp: boolean;
  routerId?: string;
  clusterId?: string;
  /** Route flap damping, seconds for the times (checked). */
  damping?: DampingConfig;
  loopbackOverride: Partial<Record<IpFamily, IpAddress>>;
  originate: string[];
  import: string[];
  export: string[];
  config: Record<string, unknown>;
  env: Record<string, string>;
  routes: UserRoute[];
  /** Indices of the links this node is on, in link order (one entry per endpoint). */
  linkSlots: Array<{ link: number; endpoint: number }>;
}

export interface ResolvedEndpoint {
  node: string;
  /** Given in the file as `node:ifname`. */
  explicitInterface?: string;
  /** Assigned by the interfaces phase. */
  interface: string;
  path: DataPath;
}

export interface ResolvedLink {
  index: number;
  path: DataPath;
  endpoints: ResolvedEndpoint[];
  type: 'p2p' | 'lan';
  netem?: Netem;
  mtu?: number;
  /** Explicit subnet, `false` for "none of this family", undefined to allocate from the pool. */
  subnetOverride: Partial<Record<IpFamily, IpPrefix | false>>;
  /** False when an endpoint is broken; later phases skip the link. */
  usable: boolean;
}

/** A static route from the file; `viaNode` names a neighbour, resolved to its address on a shared link. */
export interface UserRoute {
  prefix: string;
  family: IpFamily;
  via?: string;
  viaNode?: string;
  interface?: string;
  path: DataPath;
}
