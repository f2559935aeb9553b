/**
 * The Runtime interface: what a scenario can do to a lab, whatever runs it (design.md
 * "Runtimes"). Narrow on purpose (style.md shape 12): lifecycle, impairments, node control,
 * exec, and observations. `sim` answers in virtual time; `netns` and `containerlab` answer
 * from real daemons. Every call takes an AbortSignal so Ctrl-C stops waits and cleans up.
 */
import type { Lab, Netem } from '../topology/lab.js';

export type RuntimeName = 'sim' | 'netns' | 'containerlab';
export const RUNTIME_NAMES: readonly RuntimeName[] = ['sim', 'netns', 'containerlab'];

/** What a runtime can do; a step that needs something a runtime lacks fails naming those that have it. */
export type RuntimeCapability =
  | 'bgp'          // observe BGP sessions and routes
  | 'dns'          // send DNS queries from a node
  | 'ping'         // ICMP echo between nodes (sim: modelled packets)
  | 'tcp'          // TCP connections between nodes (sim: modelled SYN / SYN-ACK)
  | 'exec'         // run a command on a node
  | 'link-state'   // take links down and up
  | 'netem'        // delay / loss / rate on links
  | 'node-control'  // stop and start nodes
  | 'overlay'       // ZeroTier-style overlay: a member's networks and addresses, authorization at the controller
  | 'overlay-paths'; // how overlay members reach each other (direct underlay path or relay)

export interface CallOptions {
  signal?: AbortSignal;
}

export type SessionState = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established';

export interface SessionObservation {
  /** Peer node name when the peer is in the lab, else its address. */
  peer: string;
  peerAddress: string;
  peerAsn: number;
  state: SessionState;
  /** Seconds in the current state, when the daemon says. */
  uptimeSeconds?: number;
  prefixesReceived?: number;
  prefixesAccepted?: number;
}

export interface RouteObservation {
  prefix: string;
  /** Best path first; `best` marks the selected one. */
  best: boolean;
  asPath: number[];
  nextHop: string;
  localPref?: number;
  med?: number;
  communities: string[];
  largeCommunities: string[];
  /** Peer node the route was learned from, or `local` for originated routes. */
  from: string;
  /** Held back by route flap damping (RFC 2439): received, but not eligible for best path. */
  suppressed?: boolean;
}

export interface DnsQuery {
  name: string;
  type: string;
  class?: 'IN' | 'HS';
  /** Server address (the node's resolver when absent). */
  server?: string;
}

export interface DnsObservation {
  rcode: string;
  answers: Array<{ name: string; type: string; ttl: number; data: string }>;
  /** Milliseconds. */
  elapsedMs: number;
}

export interface ReachQuery {
  /** Address or name (resolved on the node). */
  to: string;
  protocol: 'icmp' | 'tcp';
  port?: number;
  count?: number;
}

export interface ReachObservation {
  reachable: boolean;
  /** Human-readable detail: loss, rtt, the error. */
  detail: string;
  rttMs?: number;
}

/** One overlay network as a member sees it (`zerotier-cli listnetworks`). */
export interface OverlayNetworkObservation {
  network: string;
  status: 'OK' | 'ACCESS_DENIED' | 'NOT_FOUND' | 'REQUESTING_CONFIGURATION';
  /** Assigned addresses with prefix length. */
  addresses: string[];
  /** Peers the member's config lists (node names). */
  peers: string[];
}

/** How a member reaches one peer (`zerotier-cli peers`). */
export interface OverlayPeerObservation {
  /** Node name. */
  peer: string;
  link: 'direct' | 'relay';
  /** The underlay endpoint in use (`address:port`) on a direct link. */
  path?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface NodeStatus {
  name: string;
  kind: string;
  state: 'running' | 'stopped' | 'absent' | 'failed';
  detail?: string;
}

export interface LabStatus {
  lab: string;
  runtime: RuntimeName;
  nodes: NodeStatus[];
}

/** One link by its endpoints (`r1:r2`, or `r1:eth1` style from the scenario, resolved by the runner). */
export interface LinkRef {
  index: number;
}

export interface Runtime {
  readonly name: RuntimeName;
  readonly capabilities: ReadonlySet<RuntimeCapability>;

  /** Bring the lab up; returns when every node passed its ready check. Idempotent. */
  up(lab: Lab, opts?: CallOptions): Promise<void>;
  /** Take over a lab an earlier `flatlab up` left running; false when it is not running. */
  attach(lab: Lab, opts?: CallOptions): Promise<boolean>;
  /** Tear everything down; never throws for things already gone. */
  down(opts?: CallOptions): Promise<void>;
  status(opts?: CallOptions): Promise<LabStatus>;

  exec(node: string, argv: readonly string[], opts?: CallOptions): Promise<ExecResult>;
  setLinkState(link: LinkRef, state: 'up' | 'down', opts?: CallOptions): Promise<void>;
  /** Apply impairment to both directions of a link; `undefined` clears it. */
  setNetem(link: LinkRef, netem: Netem | undefined, opts?: CallOptions): Promise<void>;
  stopNode(node: string, opts?: CallOptions): Promise<void>;
  startNode(node: string, opts?: CallOptions): Promise<void>;

  bgpSessions(node: string, opts?: CallOptions): Promise<SessionObservation[]>;
  bgpRoutes(node: string, prefix: string | undefined, opts?: CallOptions): Promise<RouteObservation[]>;
  dnsQuery(from: string, query: DnsQuery, opts?: CallOptions): Promise<DnsObservation>;
  reach(from: string, query: ReachQuery, opts?: CallOptions): Promise<ReachObservation>;

  /** Overlay (capability `overlay`): the member's networks. Runtimes without overlays leave these out. */
  overlayNetworks?(node: string, opts?: CallOptions): Promise<OverlayNetworkObservation[]>;
  /** Overlay (capability `overlay-paths`): how the member reaches its peers. */
  overlayPeers?(node: string, opts?: CallOptions): Promise<OverlayPeerObservation[]>;
  /** Overlay (capability `overlay`): authorize or deauthorize a member at its network's controller. */
  overlayAuthorize?(member: string, authorized: boolean, opts?: CallOptions): Promise<void>;

  /** Milliseconds on the runtime's clock (virtual on sim). */
  now(): number;
  /** Let time pass: virtual time advances on sim; real runtimes sleep. */
  sleep(ms: number, opts?: CallOptions): Promise<void>;
}
