/**
 * The BGP speaker core, sans-IO (style.md, the holo model): bytes, connection changes and
 * clock ticks go in; bytes to send, transports to open or close, and events come out. No
 * sockets and no timers live here; a driver (the daemon, the sim runtime, a test harness)
 * moves bytes and calls `tick`.
 *
 * Per peer: session state machine, framer and codec context, Adj-RIB-Out, import and export
 * chains. The routes themselves live in one src/bgp/rib `Rib` (Adj-RIB-In pre- and post-policy,
 * Loc-RIB, attribute interning) and its decision process is the only one: a peer enters the
 * RIB when its session is established (the RIB needs its BGP identifier) and leaves it when the
 * session goes down (RFC 4271 §8.2.2: its routes go with it).
 */
import {
  BgpDecodeError,
  BgpEncodeError,
  BgpFramer,
  codecContext,
  decodeMessage,
  encodeMessage,
  endOfRib,
  endOfRibFamily,
  familyOf,
  shutdownCommunicationOf,
  shutdownNotification,
  type BgpMessage,
  type Capability,
  type CodecContext,
  type DecodedMessage,
  type Family,
  type OpenMessage,
  type PathAttributes,
  type Prefix,
  type UpdateMessage,
} from '../wire/index.js';
import { FsmRunner, fsmConfig, sessionCodecContext, type FsmAction, type FsmEvent, type MessageError, type NegotiatedSession } from '../fsm/index.js';
import { applyPolicyChain, type NamedPolicy } from '../policy/evaluate.js';
import { compilePolicy } from '../policy/compile.js';
import { parseAddress, parsePrefix } from '../policy/address.js';
import { prependAsPath } from '../policy/as-path.js';
import { AdjRibOut, exportRejection, Rib, RoutePositions, type BestChange, type DampingState, type ImportPolicy, type PathRecord, type RibPeer } from '../rib/index.js';
import { FlatlabError } from '../../config/diagnostics.js';
import { LOCAL_PEER_ID, normaliseSpeakerConfig, type NormalisedConfig, type NormalisedPeer, type PeerConfig, type SpeakerConfig } from './config.js';
import { emptyOutput, type Output, type SessionState, type SpeakerEvent } from './events.js';
import { packGroups, type AttributeGroup } from './packing.js';

/** A call the speaker cannot honour (unknown peer, bytes without a connection, a bad prefix). */
export class SpeakerInputError extends FlatlabError {
  constructor(code: string, what: string, hint: string) {
    super(`bgp.speaker.${code}`, what, { hint });
  }
}

/** RFC 4271 §4.2: LOCAL_PREF when none is known. */
const DEFAULT_LOCAL_PREF = 100;

/** The RIB pseudo-peer of the routes this speaker originates. */
export const LOCAL = LOCAL_PEER_ID;

const FAMILY_AFI: Record<Family, number> = { 'ipv4-unicast': 1, 'ipv6-unicast': 2 };

interface PeerState {
  cfg: NormalisedPeer;
  /** The RFC 4271 §8 state machine with its timers (src/bgp/fsm/). */
  fsm: FsmRunner;
  connected: boolean;
  initiatedLocally: boolean;
  framer: BgpFramer | undefined;
  ctx: CodecContext;
  /** Set while Established. */
  session: NegotiatedSession | undefined;
  families: Set<Family>;
  mraiNextAt: number;
  /** Interned attribute sets as last sent (compared by identity). */
  adjOut: AdjRibOut;
  /**
   * Prefixes to look at in the next flush, in the order they changed. The lists `publish` makes
   * are shared by every peer; a prefix may be in several (the flush after the first finds it
   * sent already).
   */
  pending: PendingPrefixes[];
  /** exportFor results per family, by Loc-RIB attribute object and source peer. Cleared with the session. */
  exportCache: ExportCache;
  /** The peer as the RIB knows it, while established. */
  ribPeer: RibPeer | undefined;
  /** The export chain's verdict when it is the same for every route (see constantVerdict), for `exportChain`. */
  exportChain: readonly NamedPolicy[] | undefined;
  exportVerdict: 'accept' | 'reject' | undefined;
  /** End-of-RIB still owed after the initial table dump (RFC 4724 §2). */
  endOfRibDue: boolean;
}

/** One path of a prefix with what flap damping says of it. */
export interface DampedRoute {
  prefix: string;
  from: string;
  attributes: PathAttributes;
  best: boolean;
  /** Held back by damping: not eligible for best path until reused. */
  suppressed: boolean;
  damping?: DampingState;
}

export interface LocRibRoute {
  prefix: string;
  from: string;
  attributes: PathAttributes;
  reason: string;
}

export function familyOfPrefix(prefix: string): Family {
  return prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast';
}

/** Prefixes of one family whose Adj-RIB-Out entries may have to change. */
interface PendingPrefixes {
  family: Family;
  prefixes: readonly Prefix[];
}

const BOTH_FAMILIES: ReadonlySet<Family> = new Set<Family>(['ipv4-unicast', 'ipv6-unicast']);

/** `prefixes` as pending lists, one per family of `families` that has some. */
function pendingLists(prefixes: Iterable<string>, families: ReadonlySet<Family>): PendingPrefixes[] {
  const v4: Prefix[] = [];
  const v6: Prefix[] = [];
  for (const prefix of prefixes) (familyOfPrefix(prefix) === 'ipv6-unicast' ? v6 : v4).push({ prefix });
  const out: PendingPrefixes[] = [];
  if (v4.length > 0 && families.has('ipv4-unicast')) out.push({ family: 'ipv4-unicast', prefixes: v4 });
  if (v6.length > 0 && families.has('ipv6-unicast')) out.push({ family: 'ipv6-unicast', prefixes: v6 });
  return out;
}

function* prefixesOf(routes: Iterable<{ prefix: string }>): IterableIterator<string> {
  for (const r of routes) yield r.prefix;
}

/** One family's UPDATE content for a peer, as a flush collects it. */
interface FamilyChanges {
  withdrawn: Prefix[];
  groups: AttributeGroup[];
  byAttributes: Map<PathAttributes, AttributeGroup>;
}

/** A chain whose first term matches everything, sets nothing and decides: its verdict without evaluating it per route. */
function constantVerdict(chain: readonly NamedPolicy[]): 'accept' | 'reject' | undefined {
  const first = chain[0] ? compilePolicy(chain[0].policy).terms[0] : undefined;
  if (!first || first.conditions.length > 0 || first.actions.length > 0 || first.verdict === 'next') return undefined;
  return first.verdict;
}

/** What one peer is sent for a Loc-RIB attribute set from one source peer (null: not exported); a set from several sources (rare) chains. */
interface ExportEntry {
  from: RibPeer;
  result: PathAttributes | null;
  other: ExportEntry | undefined;
}

type ExportCache = Record<Family, WeakMap<PathAttributes, ExportEntry>>;

const emptyExportCache = (): ExportCache => ({ 'ipv4-unicast': new WeakMap(), 'ipv6-unicast': new WeakMap() });

function withoutMpAttributes(a: PathAttributes): PathAttributes {
  const { mpReach: _r, mpUnreach: _u, ...rest } = a;
  return rest;
}

function negotiated(p: PeerState, family: Family | undefined): boolean {
  return family !== undefined && p.families.has(family);
}

function sameRoute(a: PathRecord | undefined, b: PathRecord | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.peer === b.peer && a.attrs === b.attrs);
}

/** The FSM event for a message that failed to decode, by the NOTIFICATION code it carries. */
function decodeErrorEvent(err: BgpDecodeError): FsmEvent {
  const error: MessageError = { code: err.errorCode, subcode: err.errorSubcode, data: err.data };
  if (err.errorCode === 1) return { type: 'BGPHeaderErr', error };
  if (err.errorCode === 2) return { type: 'BGPOpenMsgErr', error };
  // UPDATE errors (3) and malformed ROUTE-REFRESH (RFC 7313 §5: code 7) end the session the same way.
  return { type: 'UpdateMsgErr', error };
}

export class Speaker {
  private readonly config: NormalisedConfig;
  /** What the speaker was built with, so peers added later get the same defaults (RFC 8212). */
  private readonly rfc8212: boolean;
  private readonly peers = new Map<string, PeerState>();
  private readonly rib: Rib;
  /** Where each route sits in every peer's Adj-RIB-Out. */
  private readonly routePositions = new RoutePositions();
  /**
   * Each prefix the decision touched since the last `publish`: its first change of the input,
   * whose `new` later changes of the same prefix overwrite, so it holds the best path before
   * and the best path now (the RIB reports every change of a best path) without a lookup.
   */
  private readonly changed = new Map<string, BestChange>();
  /**
   * Without best-path events only which prefixes changed is read (flush works out what each peer
   * needs), so they are listed as they come instead: a prefix whose best path changed twice, or
   * came back to where it was, costs a flush a lookup that finds nothing to send.
   */
  private movedPrefixes: string[] = [];
  /** ebgpBase results by Loc-RIB set, for routes we originate and routes learned from peers. */
  private readonly ebgpBases = { local: new WeakMap<PathAttributes, PathAttributes>(), learned: new WeakMap<PathAttributes, PathAttributes>() };
  /** Milliseconds; the FSM's timers run in seconds of the same clock. */
  private now: number;

  constructor(config: SpeakerConfig, clock: { now: number }) {
    this.config = normaliseSpeakerConfig(config);
    this.rfc8212 = config.rfc8212 ?? true;
    this.now = clock.now;
    this.rib = new Rib({
      localAs: this.config.localAsn,
      routerId: this.config.routerId,
      clusterId: this.config.clusterId,
      decision: this.config.decision,
      // RFC 8212 is in the peers' default chains (normaliseSpeakerConfig), where a reload can change it.
      rfc8212: false,
      ...(this.config.damping ? { damping: this.config.damping, clock: () => this.now } : {}),
      ...(this.config.interner ? { interner: this.config.interner } : {}),
    });
    this.rib.addPeer({ id: LOCAL, address: '0.0.0.0', asn: this.config.localAsn, routerId: this.config.routerId, local: true });
    for (const cfg of this.config.peers) this.peers.set(cfg.id, this.freshPeer(cfg));
  }

  // ------------------------------------------------------------------ inputs

  startPeer(peerId: string): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    this.fsm(p, { type: p.cfg.passive ? 'ManualStart_with_PassiveTcpEstablishment' : 'ManualStart' }, out);
    this.flushAll(out);
    return out;
  }

  /** Administrative shutdown; `reason` goes out as the RFC 8203/9003 shutdown communication. */
  stopPeer(peerId: string, reason?: string): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    this.fsm(p, { type: 'ManualStop' }, out, reason);
    this.flushAll(out);
    return out;
  }

  connectionUp(peerId: string, info: { initiatedLocally: boolean }): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (p.fsm.state.name === 'Idle') {
      // Not started (or damped after a failure): refuse, as a closed port would.
      out.close.push(p.cfg.id);
      return out;
    }
    if (p.connected) {
      // RFC 4271 §6.8 collision detection needs two transports per peer; this core keeps one
      // (src/bgp/fsm/collision.ts has the rule for a driver that holds both).
      throw new SpeakerInputError('collision', `peer "${peerId}" reported a second connection while one is up`, 'the driver must resolve the collision (collisionLoser) and report one connection');
    }
    p.connected = true;
    p.initiatedLocally = info.initiatedLocally;
    p.ctx = codecContext({ ibgp: p.cfg.type === 'ibgp' });
    p.framer = new BgpFramer(() => p.ctx);
    this.fsm(p, { type: info.initiatedLocally ? 'Tcp_CR_Acked' : 'TcpConnectionConfirmed' }, out);
    return out;
  }

  connectionDown(peerId: string): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.connected) return out;
    p.connected = false;
    p.framer = undefined;
    this.fsm(p, { type: 'TcpConnectionFails' }, out);
    this.flushAll(out);
    return out;
  }

  receive(peerId: string, bytes: Uint8Array): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.connected || !p.framer) throw new SpeakerInputError('no-connection', `bytes for peer "${peerId}" without a connection`, 'call connectionUp first');
    let frames: Uint8Array[];
    try {
      frames = p.framer.push(bytes);
    } catch (err) {
      if (!(err instanceof BgpDecodeError)) throw err;
      this.fsm(p, decodeErrorEvent(err), out);
      this.flushAll(out);
      return out;
    }
    for (const frame of frames) {
      if (!p.connected) break;
      let decoded: DecodedMessage;
      try {
        decoded = decodeMessage(frame, p.ctx);
      } catch (err) {
        if (!(err instanceof BgpDecodeError)) throw err;
        this.fsm(p, decodeErrorEvent(err), out);
        break;
      }
      this.handle(p, decoded, out);
    }
    this.publish(out);
    this.flushAll(out);
    return out;
  }

  /**
   * An UPDATE from a speaker in the same process (SpeakerConfig.inProcessUpdates on both), as
   * decoded: the same entry as a decoded frame of `receive`. The record is shared and frozen
   * by its sender; nothing here changes it. `flush: false` leaves the resulting changes
   * pending until `flushPending` (or any other input), so a driver can coalesce what several UPDATEs
   * of one instant change into one round of UPDATEs per peer, as an Adj-RIB-Out flush does.
   */
  receiveUpdate(peerId: string, update: UpdateMessage, opts: { flush?: boolean } = {}): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.connected) throw new SpeakerInputError('no-connection', `an UPDATE for peer "${peerId}" without a connection`, 'call connectionUp first');
    this.handle(p, { message: update, errors: [], treatAsWithdraw: false, length: 0 }, out);
    this.publish(out);
    if (opts.flush ?? true) this.flushAll(out);
    return out;
  }

  /** Send every peer what is pending (after inputs taken with `flush: false`). */
  flushPending(): Output {
    const out = emptyOutput();
    this.flushAll(out);
    return out;
  }

  tick(now: number): Output {
    const out = emptyOutput();
    if (now > this.now) this.now = now;
    for (const p of this.peers.values()) {
      const before = p.fsm.state.name;
      this.apply(p, p.fsm.tick(this.now / 1000), before, out);
    }
    // Flap damping: suppressed routes whose penalty decayed below reuse re-enter the decision.
    this.record(this.rib.reuseDue());
    this.publish(out);
    this.flushAll(out);
    return out;
  }

  originate(prefix: string, attributes: PathAttributes = {}): Output {
    const out = emptyOutput();
    const parsed = parsePrefix(prefix);
    if (!parsed || parseAddress(prefix.slice(0, prefix.indexOf('/')))?.value !== parsed.value) throw new SpeakerInputError('bad-prefix', `"${prefix}" is not a prefix with its host bits zero`, 'write NETWORK/LENGTH, e.g. 203.0.113.0/24');
    const attrs = this.rib.intern({ origin: 0, asPath: [], ...attributes });
    // Bad attributes would otherwise surface later, as an encode error in the middle of a flush to some peer.
    try {
      const family = familyOfPrefix(prefix);
      const probe: PathAttributes = family === 'ipv6-unicast' ? { ...attrs, mpReach: { afi: 2, safi: 1, nextHop: attrs.nextHop ?? '::', nlri: [{ prefix }] } } : { ...attrs, nextHop: attrs.nextHop ?? '0.0.0.0' };
      encodeMessage({ type: 'UPDATE', withdrawn: [], attributes: family === 'ipv6-unicast' ? { ...probe, nextHop: undefined } : probe, nlri: family === 'ipv6-unicast' ? [] : [{ prefix }] }, codecContext());
    } catch (err) {
      if (err instanceof BgpEncodeError) throw new SpeakerInputError('bad-attributes', `attributes for ${prefix} cannot be sent: ${err.message}`, err.hint ?? 'check the values against RFC 4271 §4.3');
      throw err;
    }
    this.record(this.rib.announce(LOCAL, prefix, 0, attrs));
    this.publish(out);
    this.flushAll(out);
    return out;
  }

  withdrawOriginated(prefix: string): Output {
    const out = emptyOutput();
    this.record(this.rib.withdraw(LOCAL, prefix));
    this.publish(out);
    this.flushAll(out);
    return out;
  }

  /** Ask the peer to send its Adj-RIB-Out for `family` again (RFC 2918). */
  routeRefresh(peerId: string, family: Family): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.session) throw new SpeakerInputError('not-established', `peer "${peerId}" is ${p.fsm.state.name}`, 'route refresh needs an established session');
    if (!p.session.routeRefresh) throw new SpeakerInputError('no-route-refresh', `peer "${peerId}" did not advertise the route-refresh capability`, 'RFC 2918 §4: a speaker must not send ROUTE-REFRESH to a peer that did not advertise it; reset the session instead');
    if (!p.families.has(family)) throw new SpeakerInputError('family', `${family} is not negotiated with peer "${peerId}"`, `negotiated: ${[...p.families].join(', ') || 'none'}`);
    this.send(p, { type: 'ROUTE_REFRESH', afi: FAMILY_AFI[family], subtype: 0, safi: 1 }, out);
    return out;
  }

  // ------------------------------------------------------------------ runtime reconfiguration (the daemon's reload and soft reset)

  /** Add a peer (not started: call startPeer). Its id must be new. */
  addPeer(config: PeerConfig): void {
    if (this.peers.has(config.id)) throw new SpeakerInputError('duplicate-peer', `peer "${config.id}" exists already`, 'remove it first, or give the new peer another id');
    const [cfg] = normaliseSpeakerConfig({ localAsn: this.config.localAsn, routerId: this.config.routerId, clusterId: this.config.clusterId, rfc8212: this.rfc8212, peers: [config] }).peers;
    this.peers.set(config.id, this.freshPeer(cfg!));
  }

  /** Cease the session (RFC 8203 `reason`), drop everything learned from the peer, and forget it. */
  removePeer(peerId: string, reason?: string): Output {
    const out = this.stopPeer(peerId, reason);
    const p = this.peer(peerId);
    // ManualStop from any state ends in Idle with the routes gone; a peer never up has none.
    if (p.session) this.sessionDown(p, out);
    if (peerId !== LOCAL && this.rib.hasPeer(peerId)) {
      this.record(this.rib.removePeer(peerId, this.listening()));
      this.publish(out);
    }
    this.peers.delete(peerId);
    this.flushAll(out);
    return out;
  }

  /**
   * New import/export chains for a peer, applied without resetting the session: a changed
   * import chain re-runs on the stored Adj-RIB-In (pre-policy), a changed export chain
   * re-evaluates the Adj-RIB-Out and sends only the difference.
   */
  setPeerPolicies(peerId: string, policies: { import?: NamedPolicy[]; export?: NamedPolicy[] }): Output {
    const p = this.peer(peerId);
    p.cfg = { ...p.cfg, ...(policies.import ? { import: policies.import } : {}), ...(policies.export ? { export: policies.export } : {}) };
    const out = policies.import ? this.softResetIn(peerId) : emptyOutput();
    if (policies.export) this.mergeOutput(out, this.softResetOut(peerId, { full: false }));
    return out;
  }

  /** Soft reset in without the peer (RFC 4271 §9 "soft reconfiguration"): import policy again over the Adj-RIB-In pre-policy. */
  softResetIn(peerId: string): Output {
    const out = emptyOutput();
    this.peer(peerId);
    if (this.rib.hasPeer(peerId)) this.record(this.rib.reimport(peerId));
    this.publish(out);
    this.flushAll(out);
    return out;
  }

  /**
   * Soft reset out: export policy again over the Loc-RIB. `full` re-sends every route (what BIRD's
   * `reload out` does); otherwise only routes whose exported attributes changed, and withdrawals.
   */
  softResetOut(peerId: string, opts: { full: boolean } = { full: true }): Output {
    const out = emptyOutput();
    const p = this.peer(peerId);
    if (!p.session) return out;
    p.exportCache = emptyExportCache();
    if (opts.full) p.adjOut.clear();
    p.pending.push(...pendingLists(prefixesOf(p.adjOut.entries()), p.families), ...pendingLists(prefixesOf(this.rib.locRib()), p.families));
    p.mraiNextAt = this.now;
    this.flush(p, out);
    return out;
  }

  /** True when both sides advertised route refresh (RFC 2918 §4: only then may ROUTE-REFRESH be sent). */
  peerRouteRefresh(peerId: string): boolean {
    return this.peer(peerId).session?.routeRefresh ?? false;
  }

  /** The BGP identifier from the peer's last OPEN (MRT dumps list it), if a session was negotiated. */
  peerRouterId(peerId: string): string | undefined {
    return this.peer(peerId).session?.peerRouterId;
  }

  peerIds(): string[] {
    return [...this.peers.keys()];
  }

  /** Route counts without copying the tables (for /metrics and neighbor lists on large tables). */
  peerRouteCounts(peerId: string): { received: number; accepted: number; advertised: number } {
    const p = this.peer(peerId);
    if (!this.rib.hasPeer(peerId)) return { received: 0, accepted: 0, advertised: p.adjOut.size };
    return { received: this.rib.receivedCount(peerId), accepted: this.rib.acceptedCount(peerId), advertised: p.adjOut.size };
  }

  private mergeOutput(into: Output, more: Output): void {
    into.send.push(...more.send);
    if (more.messages) (into.messages ??= []).push(...more.messages);
    into.connect.push(...more.connect);
    into.close.push(...more.close);
    into.events.push(...more.events);
  }

  // ------------------------------------------------------------------ views (for tests, show commands, scenarios)

  sessionState(peerId: string): SessionState {
    return this.peer(peerId).fsm.state.name;
  }

  negotiatedFamilies(peerId: string): Family[] {
    return [...this.peer(peerId).families];
  }

  /** Earliest FSM timer deadline over all peers (ms), for a driver that sleeps until then. */
  nextDeadline(): number | undefined {
    let best: number | undefined;
    for (const p of this.peers.values()) {
      const t = p.fsm.timers.next();
      if (t !== undefined && (best === undefined || t * 1000 < best)) best = t * 1000;
      if (p.pending.length > 0 && p.mraiNextAt > this.now && (best === undefined || p.mraiNextAt < best)) best = p.mraiNextAt;
    }
    const reuse = this.rib.nextReuse();
    if (reuse !== undefined && (best === undefined || reuse < best)) best = reuse;
    return best;
  }

  /** Prefixes with a best path (cheap: for convergence checks). */
  locRibSize(): number {
    return this.rib.bestCount;
  }

  locRibRoutes(): LocRibRoute[] {
    const out: LocRibRoute[] = [];
    for (const r of this.rib.locRib()) out.push({ prefix: r.prefix, from: r.path.peer.id, attributes: r.path.attrs, reason: r.reason });
    return out.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  }

  bestRoute(prefix: string): LocRibRoute | undefined {
    const b = this.rib.best(prefix);
    return b ? { prefix, from: b.path.peer.id, attributes: b.path.attrs, reason: b.reason } : undefined;
  }

  /**
   * Every path for a prefix with its flap-damping state: eligible ones and those damping holds
   * back (`suppressed`), for `show` output and scenario observations. Damping state is per
   * peer and outlives the session (FRR's history entries), so it is read by peer id.
   */
  routesWithDamping(prefix: string): DampedRoute[] {
    const best = this.rib.bestPath(prefix);
    const row = (p: PathRecord, suppressed: boolean): DampedRoute => {
      const damping = this.rib.dampingState(p.peer.id, prefix, p.pathId);
      // By peer and path id: a lone path's record is made afresh for each call (rib.ts LoneSlot).
      const isBest = best !== undefined && p.peer === best.peer && p.pathId === best.pathId && !suppressed;
      return { prefix, from: p.peer.id, attributes: p.attrs, best: isBest, suppressed, ...(damping ? { damping } : {}) };
    };
    return [...this.rib.paths(prefix).map((p) => row(p, false)), ...this.rib.suppressedPaths(prefix).map((p) => row(p, true))];
  }

  /** Damping state of a route from one peer, also while the route is withdrawn (undefined: no record or damping off). */
  dampingState(peerId: string, prefix: string): DampingState | undefined {
    return this.rib.dampingState(peerId, prefix);
  }

  get dampingEnabled(): boolean {
    return this.rib.dampingEnabled;
  }

  /** A peer's Adj-RIB-In by prefix; empty while its session is down (its routes left with it). */
  adjRibIn(peerId: string, which: 'pre-policy' | 'post-policy' = 'post-policy'): Map<string, PathAttributes> {
    this.peer(peerId);
    const out = new Map<string, PathAttributes>();
    if (!this.rib.hasPeer(peerId)) return out;
    if (which === 'pre-policy') for (const r of this.rib.adjRibInPre(peerId)) out.set(r.prefix, r.attrs);
    else for (const r of this.rib.adjRibInPost(peerId)) out.set(r.prefix, r.attrs);
    return out;
  }

  adjRibOut(peerId: string): Map<string, PathAttributes> {
    const out = new Map<string, PathAttributes>();
    for (const r of this.peer(peerId).adjOut.entries()) out.set(r.prefix, r.attrs);
    return out;
  }

  // ------------------------------------------------------------------ session handling

  private freshPeer(cfg: NormalisedPeer): PeerState {
    const fsm = new FsmRunner(
      fsmConfig({
        localAs: this.config.localAsn,
        peerAs: cfg.remoteAsn,
        routerId: this.config.routerId,
        holdTime: cfg.holdTime,
        connectRetryTime: cfg.connectRetry,
        passive: cfg.passive,
        capabilities: this.capabilities(cfg),
        idleHold: cfg.idleHold,
      }),
    );
    return {
      cfg,
      fsm,
      connected: false,
      initiatedLocally: false,
      framer: undefined,
      ctx: codecContext({ ibgp: cfg.type === 'ibgp' }),
      session: undefined,
      families: new Set(),
      mraiNextAt: 0,
      adjOut: new AdjRibOut(this.routePositions),
      pending: [],
      exportCache: emptyExportCache(),
      ribPeer: undefined,
      exportChain: undefined,
      exportVerdict: undefined,
      endOfRibDue: false,
    };
  }

  private capabilities(cfg: NormalisedPeer): Capability[] {
    const caps: Capability[] = cfg.families.map((f) => ({ code: 1, name: 'multiprotocol', afi: FAMILY_AFI[f], safi: 1 }) as Capability);
    caps.push({ code: 2, name: 'route-refresh' });
    if (cfg.fourOctetAs) caps.push({ code: 65, name: 'four-octet-as', asn: this.config.localAsn });
    if (cfg.extendedMessage) caps.push({ code: 6, name: 'extended-message' });
    return caps;
  }

  private peer(id: string): PeerState {
    const p = id === LOCAL ? undefined : this.peers.get(id);
    if (!p) throw new SpeakerInputError('unknown-peer', `unknown peer "${id}"`, `configured peers: ${[...this.peers.keys()].join(', ') || 'none'}`);
    return p;
  }

  /** Feed one event to the peer's FSM and carry out what it asks. `shutdownText` rides on a ManualStop's Cease. */
  private fsm(p: PeerState, event: FsmEvent, out: Output, shutdownText?: string): void {
    const before = p.fsm.state.name;
    this.apply(p, p.fsm.handle(event, this.now / 1000), before, out, shutdownText);
  }

  /** A KEEPALIVE or UPDATE for the peer's FSM: in Established nothing for `apply` to do (FsmRunner.messageReceived). */
  private fsmMessage(p: PeerState, type: 'KeepAliveMsg' | 'UpdateMsg', out: Output): void {
    const before = p.fsm.state.name;
    const actions = p.fsm.messageReceived(type, this.now / 1000);
    if (actions.length > 0 || p.fsm.state.name !== before) this.apply(p, actions, before, out);
  }

  private apply(p: PeerState, actions: readonly FsmAction[], before: SessionState, out: Output, shutdownText?: string): void {
    // The state change is reported first, so the best-path events a session loss causes follow it.
    const after = p.fsm.state.name;
    if (after !== before) {
      const down = actions.find((a): a is Extract<FsmAction, { type: 'down' }> => a.type === 'down');
      const reason = down ? (down.notification ? `${down.reason} (${down.notification.code}/${down.notification.subcode})` : down.reason) : undefined;
      out.events.push(reason === undefined ? { type: 'session', peer: p.cfg.id, from: before, to: after } : { type: 'session', peer: p.cfg.id, from: before, to: after, reason });
    }
    for (const a of actions) {
      switch (a.type) {
        case 'connect':
          out.connect.push(p.cfg.id);
          break;
        case 'close':
          // Also sent while a connect is pending (ConnectRetry in Connect): the driver abandons the attempt.
          out.close.push(p.cfg.id);
          p.connected = false;
          p.framer = undefined;
          break;
        case 'send': {
          const m = a.message;
          // RFC 8203/9003: an administrative shutdown may carry a text for the peer's operator.
          if (m.type === 'NOTIFICATION' && m.code === 6 && m.subcode === 2 && shutdownText) this.send(p, shutdownNotification(2, shutdownText), out);
          else this.send(p, m, out);
          break;
        }
        case 'established':
          this.established(p, a.session);
          break;
        case 'down':
          this.sessionDown(p, out);
          break;
        case 'startTimer':
        case 'stopTimer':
          break;
        default: {
          const never: never = a;
          throw new Error(`speaker: unhandled FSM action ${JSON.stringify(never)}`);
        }
      }
    }
  }

  private send(p: PeerState, m: BgpMessage, out: Output): void {
    if (!this.config.inProcessUpdates) out.send.push({ peer: p.cfg.id, bytes: encodeMessage(m, p.ctx) });
    // A record decodes to itself only where the codec context changes nothing (no AS4_PATH split, no path ids).
    else if (m.type === 'UPDATE' && p.ctx.fourOctetAs && p.ctx.addPathSend.size === 0) (out.messages ??= []).push({ peer: p.cfg.id, update: m });
    else (out.messages ??= []).push({ peer: p.cfg.id, bytes: encodeMessage(m, p.ctx) });
    if (m.type === 'NOTIFICATION') {
      const text = m.code === 6 ? shutdownCommunicationOf(m.data) : undefined;
      out.events.push(text === undefined ? { type: 'notification-sent', peer: p.cfg.id, code: m.code, subcode: m.subcode } : { type: 'notification-sent', peer: p.cfg.id, code: m.code, subcode: m.subcode, text });
    }
  }

  /** Everything learned from the peer goes (RFC 4271 §8.2.2 "deletes all routes"), and what we sent is forgotten. */
  private sessionDown(p: PeerState, out: Output): void {
    p.session = undefined;
    p.families = new Set();
    p.adjOut.clear();
    p.pending = [];
    p.exportCache = emptyExportCache();
    p.endOfRibDue = false;
    if (this.rib.hasPeer(p.cfg.id)) this.record(this.rib.removePeer(p.cfg.id, this.listening()));
    p.ribPeer = undefined;
    this.publish(out);
  }

  private handle(p: PeerState, d: DecodedMessage, out: Output): void {
    const m = d.message;
    switch (m.type) {
      case 'OPEN':
        return this.fsm(p, { type: 'BGPOpen', open: this.asSeenByUs(p, m) }, out);
      case 'KEEPALIVE':
        return this.fsmMessage(p, 'KeepAliveMsg', out);
      case 'UPDATE':
        this.fsmMessage(p, 'UpdateMsg', out);
        if (p.session && p.fsm.state.name === 'Established') this.onUpdate(p, d, out);
        return;
      case 'ROUTE_REFRESH': {
        // Not an FSM event (RFC 2918 §4); only meaningful once established.
        if (!p.session) return;
        const family = familyOf(m.afi, m.safi);
        // RFC 2918 §4: a request for a family not negotiated is ignored.
        if (!family || !p.families.has(family) || m.subtype !== 0) return;
        out.events.push({ type: 'route-refresh-received', peer: p.cfg.id, family });
        this.resendFamily(p, family);
        return;
      }
      case 'NOTIFICATION': {
        const text = m.code === 6 ? shutdownCommunicationOf(m.data) : undefined;
        out.events.push(text === undefined ? { type: 'notification-received', peer: p.cfg.id, code: m.code, subcode: m.subcode } : { type: 'notification-received', peer: p.cfg.id, code: m.code, subcode: m.subcode, text });
        return this.fsm(p, { type: 'NotifMsg', notification: m }, out);
      }
      default: {
        const never: never = m;
        throw new Error(`speaker: unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  /** A peer configured as 2-octet (RFC 6793 "OLD") does not understand the four-octet-as capability, so it never sees it. */
  private asSeenByUs(p: PeerState, open: OpenMessage): OpenMessage {
    if (p.cfg.fourOctetAs) return open;
    return { ...open, capabilities: open.capabilities.filter((c) => c.code !== 65) };
  }

  private established(p: PeerState, session: NegotiatedSession): void {
    p.session = session;
    // The connection's memo of address texts carries over to the session's context.
    p.ctx = sessionCodecContext(session, p.ctx.addressTexts);
    p.families = new Set(session.families.filter((f) => p.cfg.families.includes(f)));
    if (this.rib.hasPeer(p.cfg.id)) this.record(this.rib.removePeer(p.cfg.id, this.listening()));
    p.ribPeer = this.rib.addPeer({
      id: p.cfg.id,
      address: p.cfg.address,
      asn: p.cfg.remoteAsn,
      routerId: session.peerRouterId,
      localAddress: p.cfg.localAddress,
      rrClient: p.cfg.routeReflectorClient,
      keepPrePolicy: this.config.keepPrePolicy,
      importPolicy: this.importPolicy(p),
    });
    // The initial table dump goes out at once (MRAI applies to later changes), followed by End-of-RIB.
    p.pending.push(...pendingLists(prefixesOf(this.rib.locRib()), p.families));
    p.endOfRibDue = true;
    p.mraiNextAt = this.now;
  }

  private resendFamily(p: PeerState, family: Family): void {
    for (const { prefix, pathId } of [...p.adjOut.entries()]) if (familyOfPrefix(prefix) === family) p.adjOut.set(prefix, pathId, undefined);
    p.pending.push(...pendingLists(prefixesOf(this.rib.locRib()), new Set([family])));
    p.mraiNextAt = this.now;
  }

  // ------------------------------------------------------------------ routes in

  private onUpdate(p: PeerState, d: DecodedMessage, out: Output): void {
    const u = d.message as UpdateMessage;
    for (const e of d.errors) out.events.push({ type: 'update-error', peer: p.cfg.id, code: e.error.code, message: e.error.message, disposition: e.error.disposition });
    const eor = endOfRibFamily(u);
    if (eor) {
      const family = familyOf(eor.afi, eor.safi);
      out.events.push({ type: 'end-of-rib-received', peer: p.cfg.id, family: family ?? `afi ${eor.afi} safi ${eor.safi}` });
      return;
    }
    const { mpReach, mpUnreach } = u.attributes;
    // Without MP attributes the UPDATE's own set is the common part (for an in-process record, the sender's interned set).
    const common = mpReach === undefined && mpUnreach === undefined ? u.attributes : withoutMpAttributes(u.attributes);
    const withdrawn: Prefix[] = [];
    const v4 = p.families.has('ipv4-unicast');
    if (v4) withdrawn.push(...u.withdrawn);
    if (mpUnreach && negotiated(p, familyOf(mpUnreach.afi, mpUnreach.safi))) withdrawn.push(...mpUnreach.withdrawn);
    if (d.otherWithdrawn && negotiated(p, familyOf(d.otherWithdrawn.afi, d.otherWithdrawn.safi))) withdrawn.push(...d.otherWithdrawn.withdrawn);
    const nlri = u.nlri.length > 0 && v4 ? u.nlri : [];
    if (withdrawn.length > 0 || nlri.length > 0) this.record(this.rib.applyUpdate(p.cfg.id, { withdrawn, nlri, attributes: common }));
    if (mpReach && mpReach.nlri.length > 0 && negotiated(p, familyOf(mpReach.afi, mpReach.safi))) {
      // The policy engine and the RIB keep every family's next hop in `nextHop` (see policy/evaluate.ts).
      this.record(this.rib.applyUpdate(p.cfg.id, { withdrawn: [], nlri: mpReach.nlri, attributes: { ...common, nextHop: mpReach.nextHop } }));
    }
  }

  /**
   * The peer's import chain as the RIB calls it, after its loop checks and LOCAL_PREF rule. It
   * reads the chain at call time, so a reload (setPeerPolicies) and soft reset in see the new one.
   */
  private importPolicy(p: PeerState): ImportPolicy {
    let chain: readonly NamedPolicy[] | undefined;
    let verdict: 'accept' | 'reject' | undefined;
    return (prefix, attrs) => {
      if (chain !== p.cfg.import) {
        chain = p.cfg.import;
        verdict = constantVerdict(chain);
      }
      if (verdict === 'accept') return attrs;
      if (verdict === 'reject') return null;
      const result = applyPolicyChain(chain, { prefix, attributes: attrs }, { localAsn: this.config.localAsn, sessionAddress: p.cfg.localAddress });
      return result.verdict === 'reject' ? null : result.route.attributes;
    };
  }

  /**
   * Note best-path changes (the RIB's records, ours from here on); `publish` reports the net
   * change per prefix once per input. Dropped while nothing would read them in `publish`.
   */
  private record(changes: BestChange | readonly BestChange[] | undefined): void {
    if (changes === undefined || !this.listening()) return;
    if (!this.config.bestPathEvents) {
      if (!Array.isArray(changes)) this.movedPrefixes.push((changes as BestChange).prefix);
      else for (let i = 0; i < changes.length; i++) this.movedPrefixes.push((changes as readonly BestChange[])[i]!.prefix);
      return;
    }
    if (!Array.isArray(changes)) return this.note(changes as BestChange);
    for (const c of changes) this.note(c);
  }

  private note(c: BestChange): void {
    const first = this.changed.get(c.prefix);
    if (first === undefined) this.changed.set(c.prefix, c);
    else first.new = c.new;
  }

  /**
   * Whether best-path changes are read: for events, or as pending work for a peer. A peer gets
   * none while its export chain rejects everything and it has nothing advertised: flush would
   * find nothing to send it for any prefix (a receive-only session). A peer established later
   * in the same input gets the whole Loc-RIB, so changes dropped before then are not missed.
   */
  private listening(): boolean {
    if (this.config.bestPathEvents) return true;
    for (const p of this.peers.values()) if (this.isTarget(p)) return true;
    return false;
  }

  private isTarget(p: PeerState): boolean {
    return p.session !== undefined && !(p.adjOut.size === 0 && this.exportVerdictOf(p) === 'reject');
  }

  /** A best path that differs from before this input is an event and pending work for every peer. */
  private publish(out: Output): void {
    if (this.changed.size === 0 && this.movedPrefixes.length === 0) return;
    const targets: PeerState[] = [];
    for (const p of this.peers.values()) if (this.isTarget(p)) targets.push(p);
    let moved: string[] = [];
    if (this.movedPrefixes.length > 0) {
      moved = this.movedPrefixes;
      this.movedPrefixes = [];
    } else {
      // forEach rather than for-of: no [key, value] pair per prefix.
      this.changed.forEach((c, prefix) => {
        if (sameRoute(c.old, c.new)) return;
        out.events.push(this.bestPathEvent(prefix, c.old, c.new));
        if (targets.length > 0) moved.push(prefix);
      });
      this.changed.clear();
    }
    if (targets.length === 0) return;
    // One list per family for every peer: each flush reads it, none changes it.
    for (const list of pendingLists(moved, BOTH_FAMILIES)) for (const p of targets) if (p.families.has(list.family)) p.pending.push(list);
  }

  private bestPathEvent(prefix: string, before: PathRecord | undefined, now: PathRecord | undefined): SpeakerEvent {
    // The reason as it is now: another path may have changed it since the best did.
    const e: Extract<SpeakerEvent, { type: 'best-path' }> = now ? { type: 'best-path', prefix, best: { from: now.peer.id, attributes: now.attrs, reason: this.rib.bestReason(prefix)! } } : { type: 'best-path', prefix };
    if (before) e.previous = before.peer.id;
    return e;
  }

  // ------------------------------------------------------------------ routes out

  private flushAll(out: Output): void {
    for (const p of this.peers.values()) this.flush(p, out);
  }

  /**
   * Send the pending changes to one peer, packed; then End-of-RIB if owed. While the peer's
   * MRAI runs only withdrawals go out: RFC 4271 §9.2.1.1 rate-limits advertisements, not
   * withdrawals; the announcements stay pending until the timer allows them.
   */
  private flush(p: PeerState, out: Output): void {
    if (!p.session || !p.connected) return;
    if (p.pending.length === 0 && !p.endOfRibDue) return;
    const limited = this.now < p.mraiNextAt;
    const byFamily: Partial<Record<Family, FamilyChanges>> = {};
    const held: Partial<Record<Family, Prefix[]>> = {};
    let heldSeen: Set<string> | undefined;
    let announced = false;
    for (const list of p.pending) {
      const family = list.family;
      if (!p.families.has(family)) continue;
      for (const pfx of list.prefixes) {
        const prefix = pfx.prefix;
        const next = this.exportFor(p, prefix, family);
        if (next && limited) {
          heldSeen ??= new Set();
          if (next !== p.adjOut.get(prefix) && !heldSeen.has(prefix)) {
            heldSeen.add(prefix);
            (held[family] ??= []).push(pfx);
          }
          continue;
        }
        // Unchanged (or sent already from an earlier list): nothing to send.
        if (p.adjOut.set(prefix, 0, next) === undefined) continue;
        const changes: FamilyChanges = (byFamily[family] ??= { withdrawn: [], groups: [], byAttributes: new Map() });
        if (!next) {
          changes.withdrawn.push(pfx);
          continue;
        }
        announced = true;
        let g = changes.byAttributes.get(next);
        if (!g) {
          changes.groups.push((g = { attributes: next, prefixes: [] }));
          changes.byAttributes.set(next, g);
        }
        g.prefixes.push(pfx);
      }
    }
    p.pending = [];
    for (const family of p.cfg.families) {
      const changes = byFamily[family];
      if (changes) for (const u of packGroups(family, changes.withdrawn, changes.groups, p.ctx)) this.send(p, u, out);
      const h = held[family];
      if (h) p.pending.push({ family, prefixes: h });
    }
    if (p.endOfRibDue && !limited) {
      p.endOfRibDue = false;
      for (const family of p.cfg.families) if (p.families.has(family)) this.send(p, endOfRib(FAMILY_AFI[family], 1), out);
    }
    if (announced && p.cfg.mrai > 0) p.mraiNextAt = this.now + p.cfg.mrai * 1000;
  }

  /** The peer's export chain verdict when it is the same for every route (constantVerdict), read afresh after a reload. */
  private exportVerdictOf(p: PeerState): 'accept' | 'reject' | undefined {
    if (p.exportChain !== p.cfg.export) {
      p.exportChain = p.cfg.export;
      p.exportVerdict = constantVerdict(p.exportChain);
    }
    return p.exportVerdict;
  }

  /** Our address for a family's NEXT_HOP on this session, if we have one. */
  private ownNextHop(p: PeerState, family: Family): string | undefined {
    if (family === 'ipv6-unicast') return p.cfg.localAddress6;
    return p.cfg.localAddress.includes(':') ? undefined : p.cfg.localAddress;
  }

  /**
   * What `p` should have for `prefix` in its Adj-RIB-Out (interned, so equal sets are the same
   * object): the RIB's export rules (RFC 4271 §9.2, RFC 1997, RFC 4456 §6), export policy on
   * the attributes as they are in our Loc-RIB (BIRD's filters and FRR's route-maps see the
   * route before the eBGP rewrite), then the eBGP/iBGP attribute rules.
   */
  private exportFor(p: PeerState, prefix: string, family: Family): PathAttributes | undefined {
    const best = this.rib.bestPath(prefix);
    if (!best || !p.ribPeer || exportRejection(best, p.ribPeer, this.rib.rules)) return undefined;
    const own = this.ownNextHop(p, family);
    const verdict = this.exportVerdictOf(p);
    let set = best.attrs;
    if (verdict === 'reject') return undefined;
    if (verdict === undefined) {
      const policy = applyPolicyChain(p.cfg.export, { prefix, attributes: best.attrs }, { localAsn: this.config.localAsn, ...(own ? { sessionAddress: own } : {}) });
      if (policy.verdict === 'reject') return undefined;
      set = policy.route.attributes;
    }
    // Unchanged by policy, the result depends only on the shared attribute object, the source and the family:
    // reuse it, so a table of a million routes with a few thousand attribute sets builds a few thousand outputs.
    // Interned, so the Adj-RIB-Out compares by identity, also across a cleared cache (soft reset out).
    const cacheable = set === best.attrs;
    const cache = p.exportCache[family];
    if (cacheable) for (let e = cache.get(set); e !== undefined; e = e.other) if (e.from === best.peer) return e.result ?? undefined;
    const raw = this.exportAttributes(p, best, set, own);
    const result = raw === undefined ? undefined : this.rib.intern(raw);
    if (cacheable) cache.set(set, { from: best.peer, result: result ?? null, other: cache.get(set) });
    return result;
  }

  private exportAttributes(p: PeerState, best: PathRecord, set: PathAttributes, own: string | undefined): PathAttributes | undefined {
    const local = best.peer.local;
    // A next hop given with a locally originated route (`flatlab bgp announce --next-hop`) is sent as given, as ExaBGP does: a third-party next hop (RFC 4271 §5.1.3).
    const nextHopByPolicy = set.nextHop !== best.attrs.nextHop || (local && best.attrs.nextHop !== undefined);
    if (p.cfg.type === 'ebgp') {
      const base = set === best.attrs ? this.ebgpBase(set, local) : this.ebgpAttributes(set, best.attrs, local);
      if (nextHopByPolicy) return base.nextHop === undefined ? undefined : base;
      return own === undefined ? undefined : { ...base, nextHop: own };
    }
    const { mpReach: _r, mpUnreach: _u, as4Path: _p, as4Aggregator: _g, ...a } = set;
    a.localPref ??= DEFAULT_LOCAL_PREF;
    if (!nextHopByPolicy && (p.cfg.nextHopSelf || local || a.nextHop === undefined)) a.nextHop = own;
    if (best.peer.ibgp) {
      // Reflection (RFC 4456 §8): record the originator once and prepend our cluster id.
      a.originatorId = best.attrs.originatorId ?? best.peer.routerId;
      a.clusterList = [this.config.clusterId, ...(best.attrs.clusterList ?? [])];
    }
    if (a.nextHop === undefined) return undefined;
    return a;
  }

  /**
   * `ebgpAttributes` of a Loc-RIB set as it is, once per set for every eBGP peer: their exports
   * differ only in NEXT_HOP, and share the prepended AS_PATH.
   */
  private ebgpBase(set: PathAttributes, local: boolean): PathAttributes {
    const bases = local ? this.ebgpBases.local : this.ebgpBases.learned;
    let base = bases.get(set);
    if (base === undefined) bases.set(set, (base = this.ebgpAttributes(set, set, local)));
    return base;
  }

  /**
   * The eBGP rewrite of `set` (the export policy's result for the Loc-RIB set `original`), NEXT_HOP
   * left as it is. RFC 4271 §5.1.2: prepend our AS; §5.1.5: no LOCAL_PREF; §5.1.4: a MED learned
   * from another AS is not passed on (a MED set by export policy is ours); RFC 4456 §8: no
   * ORIGINATOR_ID or CLUSTER_LIST.
   */
  private ebgpAttributes(set: PathAttributes, original: PathAttributes, local: boolean): PathAttributes {
    const { mpReach: _r, mpUnreach: _u, as4Path: _p, as4Aggregator: _g, ...a } = set;
    a.asPath = prependAsPath(a.asPath, this.config.localAsn, 1);
    delete a.localPref;
    if (set.med === original.med && !local) delete a.med;
    delete a.originatorId;
    delete a.clusterList;
    return a;
  }
}
