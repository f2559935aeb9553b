/**
 * The augmented lab: what every emitter and runtime reads. Built from a validated topology
 * by the pipeline (`pipeline.ts`): defaults → addressing → interfaces → sessions → routes.
 * Emitters and runtimes never look at the raw YAML; everything they need is here, resolved.
 *
 * Addresses are written in CIDR form with the interface's prefix length (`10.0.0.0/31`).
 * Ordering is significant and deterministic: nodes in file order, links in file order,
 * sessions sorted by (node, peer, family).
 */
import type { Policy } from '../bgp/policy/model.js';
import type { DampingConfig } from '../bgp/rib/flap-damping.js';

export type AddressFamily = 'ipv4' | 'ipv6';

export interface Lab {
  name: string;
  /** The topology file the lab came from (as given on the command line). */
  sourceFile: string;
  nodes: LabNode[];
  links: LabLink[];
  sessions: BgpSession[];
  /** Policies by name, including the built-ins `all` and `none` only when referenced. */
  policies: Record<string, Policy>;
  addressing: AddressingPlan;
  /** Free-form lab-level settings passed through from the topology (`lab:` section), e.g. overlay networks. */
  extras: Record<string, unknown>;
}

export interface AddressingPlan {
  loopback: { ipv4?: string; ipv6?: string };
  links: { ipv4?: string; ipv6?: string };
  /** Prefix length per point-to-point link: 31 for IPv4; 127 or 64 for IPv6. */
  p2pLength: { ipv4: number; ipv6: number };
}

export type NodeRole = 'router' | 'route-reflector' | 'host' | 'switch' | 'server';

export interface LabNode {
  name: string;
  /** Registered kind name (src/kinds/). */
  kind: string;
  role: NodeRole;
  /** Container image override (containerlab); kinds supply defaults. */
  image?: string;
  loopback: { ipv4?: string; ipv6?: string };
  interfaces: LabInterface[];
  bgp?: NodeBgp;
  /** Static routes computed for loopback reachability inside an AS, plus user-given ones. */
  routes: StaticRoute[];
  /** Kind-specific settings from the topology (`config:` on the node), validated by the kind. */
  config: Record<string, unknown>;
  /** Per-node environment for containers / processes. */
  env: Record<string, string>;
}

export interface LabInterface {
  /** Interface name inside the node, `eth1`… in link order unless overridden. */
  name: string;
  /** Index into `Lab.links`. */
  link: number;
  ipv4?: string;
  ipv6?: string;
  /** The far end(s): one for point-to-point, several on a multi-access link. */
  peers: Array<{ node: string; interface: string }>;
}

export interface LinkEndpoint {
  node: string;
  interface: string;
  ipv4?: string;
  ipv6?: string;
}

export interface Netem {
  /** Milliseconds. */
  delayMs?: number;
  jitterMs?: number;
  /** Percent, 0-100. */
  lossPercent?: number;
  /** kbit/s. */
  rateKbit?: number;
}

export interface LabLink {
  index: number;
  /** Two endpoints for point-to-point; three or more for a multi-access segment. */
  endpoints: LinkEndpoint[];
  type: 'p2p' | 'lan';
  subnet: { ipv4?: string; ipv6?: string };
  netem?: Netem;
  mtu?: number;
}

export interface NodeBgp {
  asn: number;
  /** Dotted quad; the IPv4 loopback address by default. */
  routerId: string;
  /** Prefixes this node originates (CIDR). */
  originate: string[];
  /** Default import / export chains for this node's sessions (policy names; `all` / `none` built in). */
  import: string[];
  export: string[];
  /** Set when role is route-reflector: the cluster id (dotted quad, router id by default). */
  clusterId?: string;
  /** Route flap damping (RFC 2439) of eBGP-learned routes, times in seconds; absent: off. */
  damping?: DampingConfig;
}

export interface BgpSessionEnd {
  node: string;
  asn: number;
  /** Address this end uses as the session's local address (interface or loopback). */
  address: string;
  /** Import/export chains this end applies on this session. */
  import: string[];
  export: string[];
  /** This end reflects routes to the other end (RFC 4456: the other end is its client). */
  routeReflectorClient: boolean;
  nextHopSelf: boolean;
}

export interface BgpSession {
  /** Stable id `a~b~family`, node names sorted. */
  id: string;
  type: 'ebgp' | 'ibgp';
  family: AddressFamily;
  /** The link the session runs over, or `loopback` for multihop iBGP between loopbacks. */
  via: { link: number } | 'loopback';
  a: BgpSessionEnd;
  b: BgpSessionEnd;
}

export interface StaticRoute {
  prefix: string;
  via: string;
  /** Outgoing interface name on this node. */
  interface?: string;
}
