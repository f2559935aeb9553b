/**
 * RIB records: peers as the RIB sees them, paths (one route from one peer), Loc-RIB entries
 * with the reason their best path won, and best-path changes reported to the speaker.
 */
import type { PathAttributes } from '../wire/types.js';

/** A path as imported (post-policy) from one peer; immutable, replaced on every change. */
export interface PathRecord {
  readonly prefix: string;
  /** ADD-PATH path identifier (RFC 7911); 0 when add-path is not in use. */
  readonly pathId: number;
  readonly peer: RibPeer;
  /** Frozen and interned: many paths share one object. */
  readonly attrs: PathAttributes;
  /** Values the decision process reads, computed once per attribute set. */
  readonly facts: RouteFacts;
}

/** Derived from one attribute set; shared by every path that carries it. */
export interface RouteFacts {
  readonly localPref: number | undefined;
  /** RFC 4271 §9.1.2.2 a: AS_SET counts 1, confederation segments 0 (RFC 5065 §5.3). */
  readonly asPathLength: number;
  readonly origin: number;
  readonly med: number | undefined;
  /** First AS of the first AS_SEQUENCE, or undefined for an empty path / leading AS_SET. */
  readonly firstAs: number | undefined;
  readonly nextHop: string;
  /** ORIGINATOR_ID as a number, when present (RFC 4456 §9 uses it in place of the router id). */
  readonly originatorId: number | undefined;
  readonly clusterListLength: number;
}

export interface RibPeerInput {
  /** Unique key (the speaker uses the peer address or a name). */
  id: string;
  /** Peer's session address, IPv4 or IPv6 text. */
  address: string;
  asn: number;
  /** Peer's BGP identifier (from its OPEN). */
  routerId: string;
  /** Our address on this session: NEXT_HOP towards eBGP peers and for next-hop-self. */
  localAddress?: string;
  /** Route-reflector client (RFC 4456): makes us a reflector for this peer. */
  rrClient?: boolean;
  /** The pseudo-peer of locally originated routes (the speaker's `originate`). */
  local?: boolean;
  /** Keep the pre-policy Adj-RIB-In (BIRD `import table`, GoBGP always). Default true. */
  keepPrePolicy?: boolean;
  /** Import policy as a function of the route; null rejects. Called after the loop checks. */
  importPolicy?: ImportPolicy;
  /** RFC 8212: whether an import / export policy is configured for this peer. */
  hasImportPolicy?: boolean;
  hasExportPolicy?: boolean;
  nextHopSelf?: boolean;
  /** Keep NEXT_HOP unchanged towards this eBGP peer (BIRD `next hop keep`). */
  nextHopUnchanged?: boolean;
  /** Accept routes whose AS_PATH holds our ASN up to this many times (allowas-in). Default 0. */
  allowAsIn?: number;
}

export type ImportPolicy = (prefix: string, attrs: PathAttributes, peer: RibPeer) => PathAttributes | null;

export interface RibPeer {
  readonly id: string;
  readonly address: string;
  readonly asn: number;
  readonly routerId: string;
  readonly ibgp: boolean;
  readonly rrClient: boolean;
  readonly local: boolean;
  readonly localAddress: string | undefined;
  readonly keepPrePolicy: boolean;
  readonly importPolicy: ImportPolicy | undefined;
  readonly hasImportPolicy: boolean;
  readonly hasExportPolicy: boolean;
  readonly nextHopSelf: boolean;
  readonly nextHopUnchanged: boolean;
  readonly allowAsIn: number;
  /** Sort key of `address` (IPv4 before IPv6, then numeric). */
  readonly addressKey: string;
  /** `routerId` as an unsigned 32-bit number. */
  readonly routerIdNumber: number;
}

export interface DecisionOptions {
  /** LOCAL_PREF for routes that carry none (eBGP-learned, RFC 4271 §5.1.5). Default 100. */
  defaultLocalPref: number;
  /** Compare MED between routes from different neighbour ASes (`always-compare-med`). */
  alwaysCompareMed: boolean;
  /** A missing MED is the worst (BIRD `med metric`-less / Cisco `missing-as-worst`); default: 0 (RFC 4271). */
  medMissingAsWorst: boolean;
  /** Pick the best per neighbour AS first, then among those (Cisco `deterministic-med`). */
  deterministicMed: boolean;
}

export interface DecisionContext {
  localAs: number;
  options: DecisionOptions;
  /** IGP cost to a next hop (RFC 4271 §9.1.2.2 e); default 0 for all. */
  igpCost(nextHop: string): number;
  /** Whether a next hop resolves (RFC 4271 §9.1.2.1); unresolvable routes are not eligible. */
  nextHopReachable(nextHop: string): boolean;
}

export type DecisionStepName =
  | 'local-origination'
  | 'local-pref'
  | 'as-path-length'
  | 'origin'
  | 'med'
  | 'ebgp-over-ibgp'
  | 'igp-cost'
  | 'router-id'
  | 'cluster-list-length'
  | 'peer-address'
  | 'path-id';

/** Why a path is best: the step that removed the last competitor, or that it was alone. */
export type DecisionReason = DecisionStepName | 'only-path';

export interface DecisionStep {
  readonly name: DecisionStepName;
  /** Negative when `a` is better, positive when `b` is, 0 when this step cannot tell. */
  compare(a: PathRecord, b: PathRecord, ctx: DecisionContext): number;
  /**
   * Whether `compare` is a total preorder under `ctx` (it orders the paths by a key of each):
   * then a remaining path beats `x` exactly when a best remaining one does, and the elimination
   * needs one pass for the best and one to drop what it beats instead of comparing every pair.
   * Absent or false: compared pairwise (MED, which only compares paths of one neighbour AS).
   */
  total?(ctx: DecisionContext): boolean;
}

export interface BestChange {
  prefix: string;
  old: PathRecord | undefined;
  new: PathRecord | undefined;
  /** Reason of the new best, or 'withdrawn' when no eligible path is left. */
  reason: DecisionReason | 'withdrawn';
}

/** Why a route did not make it from Adj-RIB-In (pre-policy) to the decision process. */
export type ImportRejection = 'as-loop' | 'originator-id-loop' | 'cluster-loop' | 'rfc8212' | 'policy';
