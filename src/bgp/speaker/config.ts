/**
 * What a speaker is told: its own identity and, per peer, the session and its policies
 * (already resolved to policy records, see resolvePolicyChain). Defaults are filled by
 * `normaliseSpeakerConfig` so the rest of the speaker reads plain values.
 */
import type { NamedPolicy } from '../policy/evaluate.js';
import type { IdleHoldConfig } from '../fsm/index.js';
import type { Family } from '../wire/types.js';
import { FlatlabError } from '../../config/diagnostics.js';
import { parseAddress } from '../policy/address.js';
import { DEFAULT_DECISION_OPTIONS, dampingConfigProblems, type AttributeInterner, type DampingConfig, type DecisionOptions } from '../rib/index.js';

export interface PeerConfig {
  /** How the caller names the peer in inputs and outputs. */
  id: string;
  /** The peer's address (the TCP remote end). */
  address: string;
  remoteAsn: number;
  /** Our address on the session: NEXT_HOP for `next-hop self` and eBGP. */
  localAddress: string;
  /** Our IPv6 next hop when IPv6 routes go over an IPv4 session (RFC 4760 needs an IPv6 one). */
  localAddress6?: string;
  /** Derived from the ASNs when absent. */
  type?: 'ebgp' | 'ibgp';
  /** Resolved import/export chains. Absent: `all` on iBGP, and on eBGP nothing (RFC 8212) unless `rfc8212: false`. */
  import?: NamedPolicy[];
  export?: NamedPolicy[];
  routeReflectorClient?: boolean;
  nextHopSelf?: boolean;
  /** Seconds; RFC 4271 §10 suggests 90 (BIRD uses 240, FRR 180). 0 disables keepalives. */
  holdTime?: number;
  families?: Family[];
  /** Never connect; wait for the peer. */
  passive?: boolean;
  /**
   * MinRouteAdvertisementInterval in seconds. RFC 4271 §10 suggests 30 s for eBGP, 5 s for
   * iBGP; BIRD and FRR labs run with 0, and so do we by default so lab scenarios converge fast.
   */
  mrai?: number;
  /** Seconds between connection attempts (RFC 4271 §10 suggests 120; BIRD's default "connect retry time" is 120, labs want less). */
  connectRetry?: number;
  /** Announce the four-octet-as capability (RFC 6793); false behaves as an old 2-octet speaker. */
  fourOctetAs?: boolean;
  /** Advertise RFC 8654 extended messages (UPDATEs up to 65535 bytes when both sides do). Default false, as BIRD and FRR. */
  extendedMessage?: boolean;
  /** Restart damping after failures (the FSM's defaults follow BIRD: 60 s doubling to 300 s). */
  idleHold?: Partial<IdleHoldConfig>;
}

export interface SpeakerConfig {
  localAsn: number;
  routerId: string;
  /** RFC 4456 §7: defaults to the router id. */
  clusterId?: string;
  /** RFC 8212: eBGP sessions without explicit policy import and export nothing. Default true. */
  rfc8212?: boolean;
  /** Compare MED between routes from different neighbour ASes (FRR `bgp always-compare-med`). Default false (RFC 4271). */
  alwaysCompareMed?: boolean;
  /** Choose the best per neighbour AS first, then among those (FRR `bgp deterministic-med`). Default false. */
  deterministicMed?: boolean;
  /** A route without MED is the worst rather than 0 (FRR `bgp bestpath med missing-as-worst`). Default false (RFC 4271). */
  medMissingAsWorst?: boolean;
  /**
   * Keep each peer's Adj-RIB-In before import policy (soft reconfiguration inbound, received
   * counts, `adjRibIn(peer, 'pre-policy')`). Default true; a large simulation may turn it off
   * to halve its memory, as BIRD does without `import table`.
   */
  keepPrePolicy?: boolean;
  /**
   * A driver that carries messages in-process (the sim runtime) sets this: UPDATEs to a peer
   * whose session uses 4-octet ASNs and no ADD-PATH go out as records in `Output.messages`,
   * unencoded, for the far speaker's `receiveUpdate` (the entry the byte path uses after
   * decoding). Default false: everything is bytes in `Output.send`.
   */
  inProcessUpdates?: boolean;
  /**
   * Report each best-path change as a `best-path` event (the daemon installs kernel routes from
   * them and keeps the latest for its control API). Default true; a driver that reads none (the
   * sim runtime) turns them off and spares an object per changed prefix.
   */
  bestPathEvents?: boolean;
  /** Route flap damping (RFC 2439) of eBGP-learned routes, FRR's penalties (seconds for the times). Off when absent. */
  damping?: DampingConfig;
  /**
   * Attribute interner shared with other speakers in the same process (the sim runtime passes
   * one to every node): a set exported by one speaker is already interned when another
   * receives it, and equal sets are one object across the lab. Default: the speaker's own.
   */
  interner?: AttributeInterner;
  peers: PeerConfig[];
}

export interface NormalisedPeer {
  id: string;
  address: string;
  remoteAsn: number;
  localAddress: string;
  localAddress6: string | undefined;
  type: 'ebgp' | 'ibgp';
  import: NamedPolicy[];
  export: NamedPolicy[];
  routeReflectorClient: boolean;
  nextHopSelf: boolean;
  holdTime: number;
  families: Family[];
  passive: boolean;
  mrai: number;
  connectRetry: number;
  fourOctetAs: boolean;
  idleHold: Partial<IdleHoldConfig> | undefined;
  extendedMessage: boolean;
}

export interface NormalisedConfig {
  localAsn: number;
  routerId: string;
  clusterId: string;
  decision: DecisionOptions;
  keepPrePolicy: boolean;
  inProcessUpdates: boolean;
  bestPathEvents: boolean;
  damping: DampingConfig | undefined;
  interner: AttributeInterner | undefined;
  peers: NormalisedPeer[];
}

export class SpeakerConfigError extends FlatlabError {
  constructor(what: string, hint: string) {
    super('bgp.speaker.config', what, { hint });
  }
}

export const DEFAULT_HOLD_TIME = 90;
export const DEFAULT_CONNECT_RETRY = 5;
export const DEFAULT_MRAI = 0;
/** The RIB pseudo-peer of the speaker's own routes (`LocRibRoute.from` for them). */
export const LOCAL_PEER_ID = '(local)';

const ACCEPT_ALL: NamedPolicy[] = [{ name: 'all', policy: [{ action: 'accept' }] }];
const REJECT_ALL: NamedPolicy[] = [{ name: 'none (RFC 8212)', policy: [{ action: 'reject' }] }];

export function normaliseSpeakerConfig(config: SpeakerConfig): NormalisedConfig {
  const rfc8212 = config.rfc8212 ?? true;
  const seen = new Set<string>();
  const peers = config.peers.map((p): NormalisedPeer => {
    if (p.id === LOCAL_PEER_ID) throw new SpeakerConfigError(`peer id "${p.id}" is reserved`, 'it names the speaker\'s own routes; choose another id');
    if (seen.has(p.id)) throw new SpeakerConfigError(`peer "${p.id}" is configured twice`, 'give each peer its own id');
    seen.add(p.id);
    const type = p.type ?? (p.remoteAsn === config.localAsn ? 'ibgp' : 'ebgp');
    if (type === 'ibgp' && p.remoteAsn !== config.localAsn) throw new SpeakerConfigError(`peer "${p.id}" is iBGP but AS ${p.remoteAsn} is not ours (${config.localAsn})`, 'confederations are not supported; make the ASNs equal or the type ebgp');
    if (p.routeReflectorClient && type !== 'ibgp') throw new SpeakerConfigError(`peer "${p.id}" is a route-reflector client but eBGP`, 'route reflection is within one AS (RFC 4456)');
    for (const [key, value] of [['address', p.address], ['localAddress', p.localAddress], ['localAddress6', p.localAddress6]] as const) {
      if (value !== undefined && !parseAddress(value)) throw new SpeakerConfigError(`peer "${p.id}": ${key} "${value}" is not an IP address`, 'write an IPv4 or IPv6 address without a prefix length');
    }
    if (p.localAddress6 !== undefined && !p.localAddress6.includes(':')) throw new SpeakerConfigError(`peer "${p.id}": localAddress6 "${p.localAddress6}" is not IPv6`, 'it is the IPv6 next hop for IPv6 routes (RFC 4760); give an IPv6 address');
    const holdTime = p.holdTime ?? DEFAULT_HOLD_TIME;
    if (holdTime !== 0 && (holdTime < 3 || holdTime > 65535)) throw new SpeakerConfigError(`peer "${p.id}": hold time ${holdTime} s`, 'RFC 4271 §4.2: 0, or 3 to 65535 seconds');
    const deny = type === 'ebgp' && rfc8212 ? REJECT_ALL : ACCEPT_ALL;
    return {
      id: p.id,
      address: p.address,
      remoteAsn: p.remoteAsn,
      localAddress: p.localAddress,
      localAddress6: p.localAddress6 ?? (p.localAddress.includes(':') ? p.localAddress : undefined),
      type,
      import: p.import ?? deny,
      export: p.export ?? deny,
      routeReflectorClient: p.routeReflectorClient ?? false,
      nextHopSelf: p.nextHopSelf ?? false,
      holdTime,
      families: p.families ?? ['ipv4-unicast', 'ipv6-unicast'],
      passive: p.passive ?? false,
      mrai: p.mrai ?? DEFAULT_MRAI,
      connectRetry: p.connectRetry ?? DEFAULT_CONNECT_RETRY,
      fourOctetAs: p.fourOctetAs ?? true,
      idleHold: p.idleHold,
      extendedMessage: p.extendedMessage ?? false,
    };
  });
  const decision: DecisionOptions = {
    ...DEFAULT_DECISION_OPTIONS,
    alwaysCompareMed: config.alwaysCompareMed ?? DEFAULT_DECISION_OPTIONS.alwaysCompareMed,
    deterministicMed: config.deterministicMed ?? DEFAULT_DECISION_OPTIONS.deterministicMed,
    medMissingAsWorst: config.medMissingAsWorst ?? DEFAULT_DECISION_OPTIONS.medMissingAsWorst,
  };
  const dampingProblem = config.damping ? dampingConfigProblems(config.damping)[0] : undefined;
  if (dampingProblem) throw new SpeakerConfigError(`damping: ${dampingProblem.message}`, dampingProblem.hint);
  return { localAsn: config.localAsn, routerId: config.routerId, clusterId: config.clusterId ?? config.routerId, decision, keepPrePolicy: config.keepPrePolicy ?? true, inProcessUpdates: config.inProcessUpdates ?? false, bestPathEvents: config.bestPathEvents ?? true, damping: config.damping, interner: config.interner, peers };
}
