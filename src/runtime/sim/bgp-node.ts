/**
 * A BGP-speaking node in the sim: the sans-IO speaker core configured from the lab's
 * sessions. The sim runtime owns transport and time; this class only translates between
 * lab names (peer nodes) and the speaker's peer ids, and turns its state into observations.
 */
import { resolvePolicyChain } from '../../bgp/policy/evaluate.js';
import { getKind } from '../../kinds/index.js';
import type { Kind } from '../../kinds/kind.js';
import { Speaker, type Output, type PeerConfig } from '../../bgp/speaker/index.js';
import type { AttributeInterner } from '../../bgp/rib/index.js';
import type { AsPathSegment, Family, PathAttributes } from '../../bgp/wire/types.js';
import type { BgpSession, Lab, LabNode } from '../../topology/lab.js';
import type { RouteObservation, SessionObservation, SessionState } from '../runtime.js';

export interface SimPeer {
  /** Speaker peer id: `<peer node>` or `<peer node>/<family>` when a pair has several sessions. */
  id: string;
  session: BgpSession;
  peerNode: string;
  localAddress: string;
  peerAddress: string;
}

/** Lab hold time in sim: BIRD's and FRR's lab-friendly defaults differ; 90 s is RFC 4271's suggestion. */
const SIM_HOLD_TIME = 90;
/** Seconds between connection attempts: short, as lab configs set it, so failures recover quickly. */
const SIM_CONNECT_RETRY = 5;

export function simPeers(lab: Lab, node: string): SimPeer[] {
  const mine = lab.sessions.filter((s) => s.a.node === node || s.b.node === node);
  const countByPeer = new Map<string, number>();
  for (const s of mine) {
    const peer = s.a.node === node ? s.b.node : s.a.node;
    countByPeer.set(peer, (countByPeer.get(peer) ?? 0) + 1);
  }
  return mine.map((s) => {
    const [me, them] = s.a.node === node ? [s.a, s.b] : [s.b, s.a];
    return {
      id: (countByPeer.get(them.node) ?? 0) > 1 ? `${them.node}/${s.family}` : them.node,
      session: s,
      peerNode: them.node,
      localAddress: me.address,
      peerAddress: them.address,
    };
  });
}

function kindOf(name: string): Kind | undefined {
  try {
    return getKind(name);
  } catch {
    return undefined;
  }
}

export class SimBgpNode {
  readonly speaker: Speaker;
  readonly peers: SimPeer[];
  /** Virtual time of the speaker's last tick (the runtime ticks once per instant). */
  tickedAt: number | undefined;
  /** An end-of-instant flush is queued (see SimRuntime.flushAtEndOfInstant). */
  flushScheduled = false;
  /** The transport asks for a peer on every segment. */
  private readonly byId: Map<string, SimPeer>;

  constructor(readonly lab: Lab, readonly node: LabNode, now: number, opts: { inProcessUpdates?: boolean; interner?: AttributeInterner } = {}) {
    if (!node.bgp) throw new Error(`node ${node.name} has no BGP intent`);
    this.peers = simPeers(lab, node.name);
    this.byId = new Map(this.peers.map((p) => [p.id, p]));
    const restartWait = kindOf(node.kind)?.restartWait;
    const peerConfigs: PeerConfig[] = this.peers.map((p) => {
      const me = p.session.a.node === node.name ? p.session.a : p.session.b;
      const family: Family = p.session.family === 'ipv4' ? 'ipv4-unicast' : 'ipv6-unicast';
      return {
        id: p.id,
        address: p.peerAddress,
        remoteAsn: (p.session.a.node === node.name ? p.session.b : p.session.a).asn,
        localAddress: p.localAddress,
        type: p.session.type,
        import: resolvePolicyChain(me.import, lab.policies),
        export: resolvePolicyChain(me.export, lab.policies),
        routeReflectorClient: me.routeReflectorClient,
        nextHopSelf: me.nextHopSelf,
        holdTime: SIM_HOLD_TIME,
        connectRetry: SIM_CONNECT_RETRY,
        // The restart wait of the node's kind (FRR and flatlab bgpd restart within seconds, BIRD after 60 s).
        ...(restartWait ? { idleHold: { initial: restartWait.initial, max: restartWait.max } } : {}),
        families: [family],
      };
    });
    this.speaker = new Speaker(
      // No pre-policy Adj-RIB-In, as BIRD without `import table` and FRR without soft-reconfiguration
      // inbound: a 1,000-router sim holds tens of millions of routes, and nothing in sim reads them.
      // No best-path events either: the runtime reads only session events.
      { localAsn: node.bgp.asn, routerId: node.bgp.routerId, ...(node.bgp.clusterId ? { clusterId: node.bgp.clusterId } : {}), ...(node.bgp.damping ? { damping: node.bgp.damping } : {}), keepPrePolicy: false, bestPathEvents: false, inProcessUpdates: opts.inProcessUpdates ?? false, ...(opts.interner ? { interner: opts.interner } : {}), peers: peerConfigs },
      { now },
    );
  }

  /** Start every session and originate the node's prefixes. */
  start(): Output[] {
    const outs = this.peers.map((p) => this.speaker.startPeer(p.id));
    for (const prefix of this.node.bgp!.originate) outs.push(this.speaker.originate(prefix, { origin: 0 }));
    return outs;
  }

  peerById(id: string): SimPeer | undefined {
    return this.byId.get(id);
  }

  sessions(): SessionObservation[] {
    return this.peers.map((p) => {
      const counts = this.speaker.sessionState(p.id) === 'Established' ? this.speaker.peerRouteCounts(p.id) : undefined;
      return {
        peer: p.peerNode,
        peerAddress: p.peerAddress,
        peerAsn: (p.session.a.node === this.node.name ? p.session.b : p.session.a).asn,
        state: this.speaker.sessionState(p.id).toLowerCase() as SessionState,
        prefixesAccepted: counts?.accepted ?? 0,
        // Not known without the pre-policy table (see keepPrePolicy above).
      };
    });
  }

  routes(prefix: string | undefined): RouteObservation[] {
    const routes = prefix === undefined ? this.speaker.locRibRoutes() : [this.speaker.bestRoute(prefix)].filter((r) => r !== undefined);
    const out = routes.map((r) => routeObservation(r.prefix, r.attributes, this.peerById(r.from)?.peerNode ?? 'local'));
    // Paths flap damping holds back, as FRR lists its damped paths beside the best one.
    if (prefix !== undefined && this.speaker.dampingEnabled) {
      for (const r of this.speaker.routesWithDamping(prefix)) {
        if (r.suppressed) out.push({ ...routeObservation(prefix, r.attributes, this.peerById(r.from)?.peerNode ?? r.from), best: false, suppressed: true });
      }
    }
    return out;
  }
}

export function routeObservation(prefix: string, a: PathAttributes, from: string): RouteObservation {
  return {
    prefix,
    best: true,
    asPath: flattenAsPath(a.asPath),
    nextHop: a.mpReach?.nextHop ?? a.nextHop ?? '',
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
    communities: (a.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`),
    largeCommunities: (a.largeCommunities ?? []).map((c) => c.join(':')),
    from,
  };
}

/** The path as a reader lists it: sequences in order, a set's members in order (as `show route` prints). */
function flattenAsPath(segments: readonly AsPathSegment[] | undefined): number[] {
  return (segments ?? []).flatMap((s) => s.asns);
}
