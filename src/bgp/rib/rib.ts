/**
 * Adj-RIB-In (pre- and post-policy), Loc-RIB and the incremental decision process.
 *
 * Layout, chosen for a million prefixes from several peers and for a thousand speakers in one
 * process (bench/sim): the Loc-RIB is one Map from prefix to the path itself while a prefix has
 * one path and it is best (the common case), or to a Destination: an array of every imported
 * path for it as (source, attribute set) pairs, with no object per path; a lone path
 * from the RIB's main source (in practice the peer that sent the full table) is stored as its
 * interned attribute set alone (LoneSlot). Path records are made when the API or a best-path
 * change asks for one; the decision reads the pairs through a few reused views. The
 * post-policy Adj-RIB-In is that view filtered by peer; the pre-policy one is the attribute
 * set as received, kept on each path's source (or implied: LOCAL_PREF_ADDED, or no pre-policy
 * table), plus one Map per peer of the routes its import rejected. So an accepted route costs
 * one Map entry and at most one object, or two array slots in a Destination. The maps are
 * keyed by prefix-key.ts: a number for an IPv4 prefix up to /24, so no prefix text is kept for
 * most routes (the API takes and gives text). A change to one prefix re-runs the decision for
 * that prefix only and returns the best-path change, if any. Path records are compared by
 * peer, path id and attribute set, not by identity: a record may be a new object for each call.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import { ipv4ToNumber } from '../fsm/open.js';
import type { PathAttributes, Prefix, UpdateMessage } from '../wire/types.js';
import { DECISION_STEPS, DEFAULT_DECISION_OPTIONS, selectBest } from './decision.js';
import { FlapDamping, type DampingConfig, type DampingState } from './flap-damping.js';
import { AttributeInterner, factsOf, nextHopOf, routeAttributes } from './intern.js';
import { prefixKey, prefixText, type PrefixKey } from './prefix-key.js';
import { exportAttributes, exportRejection, importAttributes, importRejection } from './rules.js';
import type { ExportRejection, RuleContext } from './rules.js';
import type {
  BestChange,
  DecisionContext,
  DecisionOptions,
  DecisionReason,
  ImportRejection,
  PathRecord,
  RibPeer,
  RibPeerInput,
  RouteFacts,
} from './types.js';

export class RibError extends FlatlabError {}

export interface RibOptions {
  localAs: number;
  routerId: string;
  /** RFC 4456 cluster id (default: our router id, as BIRD and GoBGP do). */
  clusterId?: string;
  decision?: Partial<DecisionOptions>;
  igpCost?: (nextHop: string) => number;
  nextHopReachable?: (nextHop: string) => boolean;
  /** RFC 8212 default deny on eBGP without policy. Default true. */
  rfc8212?: boolean;
  /** Route flap damping (RFC 2439) of eBGP-learned routes, as FRR; off when absent. */
  damping?: DampingConfig;
  /** Milliseconds, for damping (the speaker passes its clock). */
  clock?: () => number;
  /** Share interned attribute sets with other RIBs in the process (see SpeakerConfig.interner). */
  interner?: AttributeInterner;
}

/**
 * Pre-policy entry of a path whose received set is its imported set without LOCAL_PREF: import
 * only added the default LOCAL_PREF (the common case for eBGP, and for iBGP routes sent without
 * one), so the received set need not be kept; `receivedOf` rebuilds it.
 */
const LOCAL_PREF_ADDED = Symbol('received: attrs without LOCAL_PREF');

/**
 * Pre-policy Adj-RIB-In entry of an accepted route: the interned set as received, or
 * LOCAL_PREF_ADDED, or undefined when the peer keeps no pre-policy table. A re-announcement
 * that imports to the same attributes changes only this, and is no best-path change.
 */
type Received = PathAttributes | typeof LOCAL_PREF_ADDED | undefined;

/**
 * Where a path came from and as what: the peer, the ADD-PATH id and the pre-policy entry. Each
 * peer has one for its usual case (no ADD-PATH id, received as its paths usually are: only
 * LOCAL_PREF added, or no pre-policy table), shared by all such paths; any other path has its own.
 */
class PathSource {
  constructor(
    readonly peer: RibPeer,
    readonly pathId: number,
    readonly received: Received,
  ) {}
}

/** A path record: made when asked for, and what the map holds for a lone path that is not a bare set. */
export class StoredPath implements PathRecord {
  constructor(
    /** The prefix as a Loc-RIB key (prefix-key.ts): no text kept per route for most IPv4 prefixes. */
    readonly key: PrefixKey,
    readonly source: PathSource,
    readonly attrs: PathAttributes,
  ) {}

  get prefix(): string {
    return prefixText(this.key);
  }

  get peer(): RibPeer {
    return this.source.peer;
  }

  get pathId(): number {
    return this.source.pathId;
  }

  /** Kept on the (interned) attribute set, not on every path. */
  get facts(): RouteFacts {
    return factsOf(this.attrs);
  }
}

/** The set a path was received with (pre-policy; its peer keeps a pre-policy table). */
function receivedOf(source: PathSource, attrs: PathAttributes): PathAttributes {
  if (source.received !== LOCAL_PREF_ADDED) return source.received!;
  const { localPref: _, ...received } = attrs;
  return Object.freeze(received);
}

/** One UPDATE's attributes as they enter the RIB: worked out once per UPDATE, applied per prefix. */
interface Incoming {
  /** As received, without MP_REACH / MP_UNREACH NLRI. */
  raw: PathAttributes;
  /** After the loop checks, RFC 8212 and LOCAL_PREF handling (before import policy), interned. */
  checked: PathAttributes | ImportRejection;
  /** What accepted paths keep as their pre-policy entry (see Received). */
  pre: Received;
  /** `raw` interned, once something needs it as an object of its own. */
  interned: PathAttributes | undefined;
}

/**
 * Paths of one prefix as pairs in one array, [source0, attrs0, source1, attrs1, …]: two slots
 * per path instead of a record each (a thousand-router sim holds ~40M paths). The pairs come
 * first; the slots after them are free (undefined). An array is made with room for a path
 * from each peer (`Rib.room`) and changed in place, so paths arriving one by one from the
 * neighbours do not each leave a copy behind (most of them would outlive a young-generation
 * collection and be copied by it).
 */
type Paths = Array<PathSource | PathAttributes | undefined>;

const sourceAt = (paths: Paths, i: number): PathSource => paths[2 * i] as PathSource;
const attrsAt = (paths: Paths, i: number): PathAttributes => paths[2 * i + 1] as PathAttributes;

/** Number of paths (pairs before the free slots). */
function countOf(paths: Paths): number {
  let n = paths.length;
  while (n > 0 && paths[n - 1] === undefined) n -= 2;
  return n >> 1;
}

/** Pair index of the path from `peer` with `pathId`, or -1. */
function indexOfPath(paths: Paths, peer: RibPeer, pathId: number): number {
  for (let i = 0; i < paths.length; i += 2) {
    const s = paths[i] as PathSource | undefined;
    if (s === undefined) break;
    if (s.peer === peer && s.pathId === pathId) return i >> 1;
  }
  return -1;
}

/** Remove pair `i` in place (the later pairs move up). */
function removeAt(paths: Paths, i: number): void {
  const end = 2 * countOf(paths);
  for (let j = 2 * i; j + 2 < end; j++) paths[j] = paths[j + 2];
  paths[end - 2] = undefined;
  paths[end - 1] = undefined;
}

/**
 * Add a pair: in place when there is a free slot, else in a new array from `make` (with room for
 * the pairs it is given): room for `room` paths, or twice as many as it has once it has that many.
 */
function addPath<P extends Paths>(paths: P | undefined, source: PathSource, attrs: PathAttributes, room: number, make: (pairs: number) => P): P {
  const n = paths === undefined ? 0 : countOf(paths);
  if (paths !== undefined && 2 * n + 2 <= paths.length) {
    paths[2 * n] = source;
    paths[2 * n + 1] = attrs;
    return paths;
  }
  const out = make(Math.max(room, 2 * n, n + 1));
  for (let j = 0; j < 2 * n; j++) out[j] = paths![j];
  out[2 * n] = source;
  out[2 * n + 1] = attrs;
  return out;
}

/** A plain array for `pairs` paths (a Destination's suppressed ones). */
const plainPaths = (pairs: number): Paths => new Array(2 * pairs);

/** Whether some path is from `peer`. */
function hasPathFrom(paths: Paths, peer: RibPeer): boolean {
  for (let j = 0; j < paths.length; j += 2) {
    const s = paths[j] as PathSource | undefined;
    if (s === undefined) break;
    if (s.peer === peer) return true;
  }
  return false;
}

/** Remove the paths of `peer` in place. */
function removePathsFrom(paths: Paths, peer: RibPeer): void {
  const end = 2 * countOf(paths);
  let k = 0;
  for (let j = 0; j < end; j += 2) {
    if ((paths[j] as PathSource).peer === peer) continue;
    paths[k++] = paths[j];
    paths[k++] = paths[j + 1];
  }
  for (; k < end; k++) paths[k] = undefined;
}

/**
 * All imported paths for one prefix and the current best among them. The Destination is itself
 * the array of its eligible paths (Paths), so a prefix with several paths costs one object and
 * its elements, not an object and an array (32 bytes less each).
 */
export class Destination extends Array<PathSource | PathAttributes | undefined> {
  /** Paths held back by flap damping: in the Adj-RIB-In, not eligible for best path. */
  suppressed: Paths | undefined = undefined;
  /**
   * The best path's pair index × 16 + the code of its reason (REASONS), or -1 when no path is
   * eligible: one small integer instead of three fields. Whoever changes the paths reads the
   * best path first (`bestSourceOf`, `bestAttrsOf`) and hands it to `decide`, which reports a
   * change when the new one differs.
   */
  best = -1;

  /** Room for `pairs` paths, none there yet. */
  constructor(pairs: number) {
    super(2 * pairs);
  }
}

const newDestination = (pairs: number): Destination => new Destination(pairs);

/** Why a Destination's best path is best, by code (Destination.best). */
const REASONS: readonly DecisionReason[] = ['only-path', ...DECISION_STEPS.map((s) => s.name)];
const REASON_CODES = new Map(REASONS.map((r, i) => [r, i]));
// Destination.best keeps the reason code in its low 4 bits.
if (REASONS.length > 16) throw new Error(`${REASONS.length} decision reasons do not fit in Destination.best's 4 bits: widen it`);

function bestSourceOf(d: Destination): PathSource | undefined {
  return d.best < 0 ? undefined : sourceAt(d, d.best >> 4);
}

function bestAttrsOf(d: Destination): PathAttributes | undefined {
  return d.best < 0 ? undefined : attrsAt(d, d.best >> 4);
}

function reasonOf(d: Destination): DecisionReason {
  return REASONS[d.best & 15]!;
}

/**
 * A path as the decision reads it, filled from a Destination's pairs. The RIB keeps a few and
 * reuses them for every decision, so a decision makes no records; they never leave the RIB.
 */
class PathView implements PathRecord {
  key: PrefixKey = 0;
  peer: RibPeer;
  pathId = 0;
  attrs: PathAttributes;
  facts: RouteFacts;

  constructor(
    /** Pair index of the path it shows. */
    readonly index: number,
    source: PathSource,
    attrs: PathAttributes,
  ) {
    this.peer = source.peer;
    this.attrs = attrs;
    this.facts = factsOf(attrs);
  }

  get prefix(): string {
    return prefixText(this.key);
  }

  show(key: PrefixKey, source: PathSource, attrs: PathAttributes): void {
    this.key = key;
    this.peer = source.peer;
    this.pathId = source.pathId;
    this.attrs = attrs;
    // Once per path and decision: the steps read the facts of each path several times.
    this.facts = factsOf(attrs);
  }
}

/** Views kept per path count up to this; a prefix with more paths gets a list made for it. */
const KEPT_VIEW_LISTS = 64;

/**
 * What the Loc-RIB map holds for a prefix whose only path is its best (reason 'only-path',
 * nothing suppressed): the path's attribute set alone when the path comes from the RIB's main
 * source (`Rib.main`: a full table from one peer is then a table entry per route and no
 * object; the path record is made when asked for), else the path.
 */
type LoneSlot = StoredPath | PathAttributes;

/** What the Loc-RIB map holds for a prefix: a LoneSlot, or a Destination. */
type Slot = LoneSlot | Destination;

/** A lone path stored as its attribute set alone. */
function isBare(slot: Slot): slot is PathAttributes {
  return !(slot instanceof StoredPath) && !(slot instanceof Destination);
}

/** Sort key for a peer address: IPv4 before IPv6, each in numeric order. */
export function addressSortKey(address: string): string {
  const v4 = ipv4ToNumber(address);
  if (v4 !== undefined) return `4${v4.toString(16).padStart(8, '0')}`;
  const [head = '', tail] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `6${groups.map((g) => g.padStart(4, '0')).join('')}`;
}

/** Key of a route in a per-peer table: the prefix key, or with an ADD-PATH id its text and the id. */
function routeKey(key: PrefixKey, pathId: number): PrefixKey {
  return pathId === 0 ? key : `${prefixText(key)}#${pathId}`;
}

/** The prefix text and path id of a routeKey. */
function routeOf(key: PrefixKey): { prefix: string; pathId: number } {
  if (typeof key === 'number') return { prefix: prefixText(key), pathId: 0 };
  const hash = key.indexOf('#');
  return hash < 0 ? { prefix: key, pathId: 0 } : { prefix: key.slice(0, hash), pathId: Number(key.slice(hash + 1)) };
}

/** Damping records are per (peer, route): the prefix, with the ADD-PATH id when there is one. */
function dampingKey(prefix: string, pathId: number): string {
  return pathId === 0 ? prefix : `${prefix}#${pathId}`;
}

function makePeer(input: RibPeerInput, localAs: number): RibPeer {
  const routerIdNumber = ipv4ToNumber(input.routerId);
  if (routerIdNumber === undefined) {
    throw new RibError('bgp.rib.bad-router-id', `peer ${input.id}: router id "${input.routerId}" is not a dotted quad`, {
      hint: 'use the BGP identifier from the peer\'s OPEN',
    });
  }
  return Object.freeze({
    id: input.id,
    address: input.address,
    asn: input.asn,
    routerId: input.routerId,
    ibgp: !input.local && input.asn === localAs,
    rrClient: input.rrClient ?? false,
    local: input.local ?? false,
    localAddress: input.localAddress,
    keepPrePolicy: input.keepPrePolicy ?? true,
    importPolicy: input.importPolicy,
    hasImportPolicy: input.hasImportPolicy ?? input.importPolicy !== undefined,
    hasExportPolicy: input.hasExportPolicy ?? false,
    nextHopSelf: input.nextHopSelf ?? false,
    nextHopUnchanged: input.nextHopUnchanged ?? false,
    allowAsIn: input.allowAsIn ?? 0,
    addressKey: addressSortKey(input.address),
    routerIdNumber,
  });
}

interface PeerTables {
  peer: RibPeer;
  /** The source of the peer's usual paths (see PathSource). */
  source: PathSource;
  /**
   * Pre-policy Adj-RIB-In entries of routes the import rejected: routeKey → interned attributes
   * as received. Accepted routes keep theirs with the path (PathSource.received).
   */
  rejected: Map<PrefixKey, PathAttributes>;
  /** Import result per received attribute set (loop checks and LOCAL_PREF stripping), memoised. */
  imported: WeakMap<PathAttributes, PathAttributes | ImportRejection>;
  /** Paths of this peer in the Loc-RIB. */
  accepted: number;
}

export class Rib {
  readonly interner: AttributeInterner;
  readonly decision: DecisionContext;
  readonly rules: RuleContext;
  /** Loc-RIB by prefix key (prefix-key.ts). */
  private readonly destinations = new Map<PrefixKey, Slot>();
  private readonly peers = new Map<string, PeerTables>();
  /** Prefixes with a best path, kept as the decision runs (the cheap convergence check). */
  private bestPaths = 0;
  /**
   * The source whose lone best paths are stored as their attribute sets (LoneSlot), while
   * `mainCount` > 0; the next such path's source otherwise. Always a peer's usual source.
   */
  private main: PathSource | undefined = undefined;
  private mainCount = 0;
  /** Route flap damping of eBGP-learned paths (FRR and Cisco damp eBGP only), when configured. */
  private readonly damping: FlapDamping | undefined;
  private readonly clock: () => number;
  /** Paths a Destination's array has room for when made: one per peer (not the local one), 2 to 8. */
  private room = 2;
  /** The decision's views (PathView): list n holds n of them, for a prefix with n paths. */
  private readonly viewLists: PathView[][] = [];

  constructor(options: RibOptions) {
    const decision: DecisionOptions = { ...DEFAULT_DECISION_OPTIONS, ...options.decision };
    this.decision = {
      localAs: options.localAs,
      options: decision,
      igpCost: options.igpCost ?? (() => 0),
      nextHopReachable: options.nextHopReachable ?? (() => true),
    };
    this.rules = {
      localAs: options.localAs,
      routerId: options.routerId,
      clusterId: options.clusterId ?? options.routerId,
      rfc8212: options.rfc8212 ?? true,
      defaultLocalPref: decision.defaultLocalPref,
      routeReflector: false,
    };
    this.interner = options.interner ?? new AttributeInterner();
    this.damping = options.damping ? new FlapDamping(options.damping) : undefined;
    this.clock = options.clock ?? (() => 0);
  }

  addPeer(input: RibPeerInput): RibPeer {
    if (this.peers.has(input.id)) {
      throw new RibError('bgp.rib.duplicate-peer', `peer ${input.id} is already in the RIB`, { hint: 'remove it first' });
    }
    const peer = makePeer(input, this.rules.localAs);
    const source = new PathSource(peer, 0, peer.keepPrePolicy ? LOCAL_PREF_ADDED : undefined);
    this.peers.set(peer.id, { peer, source, rejected: new Map(), imported: new WeakMap(), accepted: 0 });
    if (peer.rrClient) this.rules.routeReflector = true;
    this.sizeRoom();
    return peer;
  }

  peer(id: string): RibPeer {
    return this.tables(id).peer;
  }

  private sizeRoom(): void {
    let remote = 0;
    for (const t of this.peers.values()) if (!t.peer.local) remote++;
    this.room = Math.min(8, Math.max(2, remote));
  }

  hasPeer(id: string): boolean {
    return this.peers.has(id);
  }

  private tables(id: string): PeerTables {
    const t = this.peers.get(id);
    if (!t) throw new RibError('bgp.rib.unknown-peer', `no peer ${id} in the RIB`, { hint: 'call addPeer first' });
    return t;
  }

  /**
   * Withdraw everything the peer sent and forget it (session down). With `report` false the
   * best-path changes are not returned (nor made: for a full table, a million records and
   * prefix texts that a caller nobody listens to would drop).
   */
  removePeer(id: string, report = true): BestChange[] {
    const t = this.tables(id);
    const changes: BestChange[] = [];
    if (t.accepted > 0) {
      const damped = this.damped(t.peer);
      for (const [key, d] of this.destinations) {
        if (!(d instanceof Destination)) {
          const source = this.sourceOfSlot(d);
          if (source.peer !== t.peer) continue;
          if (damped) this.damping!.forget(t.peer.id, dampingKey(prefixText(key), source.pathId));
          if (report) changes.push({ prefix: prefixText(key), old: this.lone(key, d), new: undefined, reason: 'withdrawn' });
          this.store(key, d, undefined);
          this.bestPaths--;
          continue;
        }
        if (!hasPathFrom(d, t.peer) && !(d.suppressed !== undefined && hasPathFrom(d.suppressed, t.peer))) continue;
        const prefix = prefixText(key);
        const oldSource = bestSourceOf(d);
        const oldAttrs = bestAttrsOf(d);
        // Session down, as FRR 8.4 does it (bgp_clear_route_node → bgp_rib_remove): a suppressed
        // route counts a withdrawal and keeps its record (FRR's history entry, still suppressed when
        // the session returns); any other route's record goes with the path, so session resets
        // alone never build up a penalty (observed on FRR 8.4 in netns: no Dampinfo after them).
        if (damped) {
          const now = this.clock();
          for (let i = 0; i < countOf(d); i++) {
            const s = sourceAt(d, i);
            if (s.peer === t.peer) this.damping!.forget(t.peer.id, dampingKey(prefix, s.pathId));
          }
          for (let i = 0; i < (d.suppressed ? countOf(d.suppressed) : 0); i++) {
            const s = sourceAt(d.suppressed!, i);
            if (s.peer === t.peer) this.damping!.withdraw(t.peer.id, dampingKey(prefix, s.pathId), now);
          }
        }
        removePathsFrom(d, t.peer);
        if (d.suppressed !== undefined) {
          removePathsFrom(d.suppressed, t.peer);
          if (countOf(d.suppressed) === 0) d.suppressed = undefined;
        }
        const c = this.decide(key, prefix, d, d, oldSource, oldAttrs);
        if (c && report) changes.push(c);
      }
    }
    this.peers.delete(id);
    this.sizeRoom();
    this.rules.routeReflector = [...this.peers.values()].some((x) => x.peer.rrClient);
    return changes;
  }

  /** Intern an attribute set (for callers building attributes, e.g. export policy results). */
  intern(attrs: PathAttributes): PathAttributes {
    return this.interner.intern(attrs);
  }

  /**
   * Apply one UPDATE from a peer: withdrawals first, then announcements (RFC 4271 §9.1.3 order
   * does not matter between different prefixes; a prefix in both is announced). MP_REACH and
   * MP_UNREACH NLRI are handled like the IPv4 fields.
   */
  applyUpdate(peerId: string, update: Pick<UpdateMessage, 'withdrawn' | 'nlri' | 'attributes'>): BestChange[] {
    const t = this.tables(peerId);
    const changes: BestChange[] = [];
    const a = update.attributes;
    for (const p of update.withdrawn) this.withdrawFrom(t, p, changes);
    if (a.mpUnreach) for (const p of a.mpUnreach.withdrawn) this.withdrawFrom(t, p, changes);
    const reach = a.mpReach?.nlri ?? [];
    if (update.nlri.length === 0 && reach.length === 0) return changes;
    // Interning and the import checks run once per UPDATE, not per prefix. A set that arrives
    // interned comes from a speaker in this process, whose export cache gives one object per
    // Loc-RIB set and whose UPDATE carries every prefix of it: it comes again only when a best
    // path changes back, so its import is not memoised (an entry per set for nothing).
    const incoming = this.incoming(t, a, false);
    for (const p of update.nlri) {
      const c = this.announceChecked(t, p.prefix, p.pathId ?? 0, incoming);
      if (c) changes.push(c);
    }
    for (const p of reach) {
      const c = this.announceChecked(t, p.prefix, p.pathId ?? 0, incoming);
      if (c) changes.push(c);
    }
    return changes;
  }

  /**
   * Import of one received set, before policy. When import only adds the default LOCAL_PREF and
   * nothing rejects the route, only the imported set is interned and paths record that (the
   * received set is rebuilt on demand); otherwise the received set is interned and kept, and
   * its import result memoised. Without a pre-policy table it is not kept either way. A set
   * that arrives interned (the sim passes UPDATEs between speakers as objects) takes the
   * memoised way: the same object comes again and again.
   */
  private incoming(t: PeerTables, a: PathAttributes, memoiseInterned = true): Incoming {
    const raw = routeAttributes(a);
    const peer = t.peer;
    const keep = peer.keepPrePolicy;
    if (
      !peer.local &&
      !this.interner.owns(raw) &&
      raw.localPref === undefined &&
      (peer.ibgp || (raw.originatorId === undefined && raw.clusterList === undefined)) &&
      importRejection(raw, peer, this.rules) === undefined
    ) {
      const checked = this.interner.internOwned(importAttributes(raw, peer, this.rules.defaultLocalPref));
      return { raw, checked, pre: keep ? LOCAL_PREF_ADDED : undefined, interned: undefined };
    }
    const memoise = memoiseInterned || !this.interner.owns(raw);
    const interned = keep ? this.interner.intern(raw) : undefined;
    return { raw, checked: this.checkImport(t, interned ?? raw, memoise), pre: interned, interned };
  }

  /** The received set as an interned object (a rejected route's entry, or a path whose import policy changed it). */
  private receivedSet(incoming: Incoming): PathAttributes {
    return (incoming.interned ??= this.interner.intern(incoming.raw));
  }

  private withdrawFrom(t: PeerTables, p: Prefix, changes: BestChange[]): void {
    const c = this.withdrawRoute(t, p.prefix, p.pathId ?? 0);
    if (c) changes.push(c);
  }

  private withdrawRoute(t: PeerTables, prefix: string, pathId: number): BestChange | undefined {
    const key = prefixKey(prefix);
    if (t.rejected.size > 0) t.rejected.delete(routeKey(key, pathId));
    return this.removePath(t, prefix, key, pathId);
  }

  /** One route from a peer (attributes as received, pre-policy). */
  announce(peerId: string, prefix: string, pathId: number, attrs: PathAttributes): BestChange | undefined {
    const t = this.tables(peerId);
    return this.announceChecked(t, prefix, pathId, this.incoming(t, attrs));
  }

  private announceChecked(t: PeerTables, prefix: string, pathId: number, incoming: Incoming): BestChange | undefined {
    const key = prefixKey(prefix);
    const checked = incoming.checked;
    const post = typeof checked === 'string' || !t.peer.importPolicy ? checked : this.applyImportPolicy(t, prefix, checked);
    if (typeof post === 'string') {
      if (t.peer.keepPrePolicy) t.rejected.set(routeKey(key, pathId), this.receivedSet(incoming));
      return this.removePath(t, prefix, key, pathId);
    }
    if (t.rejected.size > 0) t.rejected.delete(routeKey(key, pathId));
    // A path policy changed cannot rebuild its received set from its own attributes.
    const pre = incoming.pre === LOCAL_PREF_ADDED && post !== checked ? this.receivedSet(incoming) : incoming.pre;
    return this.upsertPath(t, prefix, key, pathId, post, pre);
  }

  /** Loop checks, RFC 8212 and LOCAL_PREF stripping: a function of the attributes, memoised unless `memoise` is false. */
  private checkImport(t: PeerTables, attrs: PathAttributes, memoise: boolean): PathAttributes | ImportRejection {
    let checked = memoise ? t.imported.get(attrs) : undefined;
    if (checked === undefined) {
      const rejection = importRejection(attrs, t.peer, this.rules);
      if (rejection !== undefined) checked = rejection;
      else {
        const imported = importAttributes(attrs, t.peer, this.rules.defaultLocalPref);
        checked = imported === attrs ? this.interner.intern(attrs) : this.interner.internOwned(imported);
      }
      if (memoise) t.imported.set(attrs, checked);
    }
    return checked;
  }

  private applyImportPolicy(t: PeerTables, prefix: string, checked: PathAttributes): PathAttributes | ImportRejection {
    const result = t.peer.importPolicy!(prefix, checked, t.peer);
    if (result === null) return 'policy';
    return result === checked ? checked : this.interner.intern(result);
  }

  /**
   * Run import again over a peer's pre-policy Adj-RIB-In (soft reconfiguration inbound, after
   * the peer's import policy changed: the callback is consulted afresh, the loop checks are not).
   */
  reimport(peerId: string): BestChange[] {
    const t = this.tables(peerId);
    if (!t.peer.keepPrePolicy) {
      throw new RibError('bgp.rib.no-pre-policy', `peer ${peerId} does not keep its pre-policy Adj-RIB-In`, {
        hint: 'set keepPrePolicy (the default) for this peer, or ask the peer for a route refresh',
      });
    }
    const changes: BestChange[] = [];
    // A snapshot first: each route moves between the paths and the rejected table as it goes.
    for (const { prefix, pathId, attrs } of [...this.prePolicy(t)]) {
      const c = this.announceChecked(t, prefix, pathId, this.incoming(t, attrs));
      if (c) changes.push(c);
    }
    return changes;
  }

  withdraw(peerId: string, prefix: string, pathId = 0): BestChange | undefined {
    return this.withdrawRoute(this.tables(peerId), prefix, pathId);
  }

  /**
   * The source of a path from the peer with `pathId` and pre-policy entry `received`: `before`
   * (the path's source until now) when it says the same, else the peer's usual one when it can.
   */
  private sourceOf(t: PeerTables, pathId: number, received: Received, before: PathSource | undefined): PathSource {
    if (before !== undefined && before.received === received) return before;
    return pathId === 0 && received === t.source.received ? t.source : new PathSource(t.peer, pathId, received);
  }

  private sourceOfSlot(slot: LoneSlot): PathSource {
    return slot instanceof StoredPath ? slot.source : this.main!;
  }

  /** The path record of a lone path (made afresh for a set stored alone). */
  private lone(key: PrefixKey, slot: LoneSlot): StoredPath {
    return slot instanceof StoredPath ? slot : new StoredPath(key, this.main!, slot);
  }

  /** What to store for a lone best path: its set alone when it can be (see LoneSlot). */
  private compact(key: PrefixKey, source: PathSource, attrs: PathAttributes): LoneSlot {
    if (this.main === undefined) {
      // No set stored alone: the next path from a peer's usual source sets the main source.
      if (source.pathId !== 0 || typeof source.received === 'object') return new StoredPath(key, source, attrs);
      this.main = source;
    }
    return source === this.main ? attrs : new StoredPath(key, source, attrs);
  }

  /** Put `wanted` where the map holds `stored` for a prefix, counting sets stored alone. */
  private store(key: PrefixKey, stored: Slot | undefined, wanted: Slot | undefined): void {
    if (wanted === stored) return;
    if (stored !== undefined && isBare(stored)) this.mainCount--;
    if (wanted === undefined) this.destinations.delete(key);
    else {
      if (isBare(wanted)) this.mainCount++;
      this.destinations.set(key, wanted);
    }
    if (this.mainCount === 0) this.main = undefined;
  }

  private upsertPath(t: PeerTables, prefix: string, given: PrefixKey, pathId: number, attrs: PathAttributes, received: Received): BestChange | undefined {
    const slot = this.destinations.get(given);
    // A lone path's record keeps the key text the prefix already has (for a text key).
    const key = slot instanceof StoredPath && typeof given !== 'number' ? slot.key : given;
    if (this.damped(t.peer)) return this.upsertDamped(t, key, prefix, pathId, attrs, received, slot);
    if (slot instanceof Destination) return this.upsertInto(t, key, prefix, pathId, attrs, received, slot, slot);
    // One path, best (or none yet): the common case stays one table entry per route.
    let source: PathSource;
    let old: StoredPath | undefined;
    if (slot === undefined) source = this.sourceOf(t, pathId, received, undefined);
    else {
      const before = this.sourceOfSlot(slot);
      if (before.peer !== t.peer || before.pathId !== pathId) return this.upsertInto(t, key, prefix, pathId, attrs, received, this.expand(key, slot), slot);
      source = this.sourceOf(t, pathId, received, before);
      if ((slot instanceof StoredPath ? slot.attrs : slot) === attrs) {
        // Imports to the same route: only the pre-policy entry may change.
        if (source !== before) this.store(key, slot, this.compact(key, source, attrs));
        return undefined;
      }
      old = this.lone(key, slot);
    }
    if (!this.decision.nextHopReachable(nextHopOf(attrs))) {
      return this.upsertInto(t, key, prefix, pathId, attrs, received, slot === undefined ? new Destination(this.room) : this.expand(key, slot), slot);
    }
    const wanted = this.compact(key, source, attrs);
    this.store(key, slot, wanted);
    if (slot === undefined) {
      t.accepted++;
      this.bestPaths++;
    }
    return { prefix, old, new: wanted instanceof StoredPath ? wanted : new StoredPath(key, source, attrs), reason: 'only-path' };
  }

  /** A Destination for a prefix whose slot holds a lone path (not stored yet: `decide` does). */
  private expand(key: PrefixKey, slot: LoneSlot): Destination {
    const source = this.sourceOfSlot(slot);
    const attrs = slot instanceof StoredPath ? slot.attrs : slot;
    const d = new Destination(this.room);
    d[0] = source;
    d[1] = attrs;
    d.best = 0; // pair 0, 'only-path'
    return d;
  }

  /**
   * `d` with one more path: in place when it has room, else a copy with room for twice as many
   * (which `decide` stores in place of `d`).
   */
  private addTo(d: Destination, source: PathSource, attrs: PathAttributes): Destination {
    const out = addPath(d, source, attrs, this.room, newDestination);
    if (out !== d) {
      out.suppressed = d.suppressed;
      out.best = d.best;
    }
    return out;
  }

  private upsertInto(
    t: PeerTables,
    key: PrefixKey,
    prefix: string,
    pathId: number,
    attrs: PathAttributes,
    received: Received,
    d: Destination,
    stored: Slot | undefined,
  ): BestChange | undefined {
    const paths: Paths = d;
    const i = indexOfPath(paths, t.peer, pathId);
    if (i >= 0) {
      const before = sourceAt(paths, i);
      const source = this.sourceOf(t, pathId, received, before);
      if (attrsAt(paths, i) === attrs) {
        // A duplicate announcement changes at most the pre-policy entry.
        paths[2 * i] = source;
        return undefined;
      }
      const oldSource = bestSourceOf(d);
      const oldAttrs = bestAttrsOf(d);
      paths[2 * i] = source;
      paths[2 * i + 1] = attrs;
      return this.decide(key, prefix, d, stored, oldSource, oldAttrs);
    }
    const oldSource = bestSourceOf(d);
    const oldAttrs = bestAttrsOf(d);
    const grown = this.addTo(d, this.sourceOf(t, pathId, received, undefined), attrs);
    t.accepted++;
    return this.decide(key, prefix, grown, stored, oldSource, oldAttrs);
  }

  /** An eBGP path under flap damping: a re-announcement or change may leave it suppressed. */
  private upsertDamped(
    t: PeerTables,
    key: PrefixKey,
    prefix: string,
    pathId: number,
    attrs: PathAttributes,
    received: Received,
    slot: Slot | undefined,
  ): BestChange | undefined {
    let d = slot === undefined ? new Destination(this.room) : slot instanceof Destination ? slot : this.expand(key, slot);
    const i = indexOfPath(d, t.peer, pathId);
    const j = d.suppressed ? indexOfPath(d.suppressed, t.peer, pathId) : -1;
    const list: Paths | undefined = i >= 0 ? d : j >= 0 ? d.suppressed : undefined;
    const at = i >= 0 ? i : j;
    const before = list === undefined ? undefined : sourceAt(list, at);
    const source = this.sourceOf(t, pathId, received, before);
    if (list !== undefined && attrsAt(list, at) === attrs) {
      if (source === before) return undefined;
      // Only the pre-policy entry changes.
      if (d !== slot) this.store(key, slot, this.compact(key, source, attrs));
      else list[2 * at] = source;
      return undefined;
    }
    const oldSource = bestSourceOf(d);
    const oldAttrs = bestAttrsOf(d);
    const suppressed = this.damping!.announce(t.peer.id, dampingKey(prefix, pathId), this.clock(), before !== undefined);
    if (i >= 0) removeAt(d, i);
    if (j >= 0) removeAt(d.suppressed!, j);
    if (!before) t.accepted++;
    if (suppressed) d.suppressed = addPath(d.suppressed, source, attrs, 1, plainPaths);
    else d = this.addTo(d, source, attrs);
    if (d.suppressed !== undefined && countOf(d.suppressed) === 0) d.suppressed = undefined;
    return this.decide(key, prefix, d, slot, oldSource, oldAttrs);
  }

  private damped(peer: RibPeer): boolean {
    return this.damping !== undefined && !peer.ibgp && !peer.local;
  }

  private removePath(t: PeerTables, prefix: string, key: PrefixKey, pathId: number): BestChange | undefined {
    const slot = this.destinations.get(key);
    if (slot === undefined) return undefined;
    if (!(slot instanceof Destination)) {
      const source = this.sourceOfSlot(slot);
      if (source.peer !== t.peer || source.pathId !== pathId) return undefined;
      const old = this.lone(key, slot);
      if (this.damped(t.peer)) this.damping!.withdraw(t.peer.id, dampingKey(prefix, pathId), this.clock());
      this.store(key, slot, undefined);
      t.accepted--;
      this.bestPaths--;
      return { prefix, old, new: undefined, reason: 'withdrawn' };
    }
    const d = slot;
    const i = indexOfPath(d, t.peer, pathId);
    const oldSource = bestSourceOf(d);
    const oldAttrs = bestAttrsOf(d);
    if (this.damped(t.peer) && (i >= 0 || (d.suppressed && indexOfPath(d.suppressed, t.peer, pathId) >= 0))) {
      this.damping!.withdraw(t.peer.id, dampingKey(prefix, pathId), this.clock());
      if (i < 0) {
        const j = indexOfPath(d.suppressed!, t.peer, pathId);
        if (countOf(d.suppressed!) === 1) d.suppressed = undefined;
        else removeAt(d.suppressed!, j);
        t.accepted--;
        return this.decide(key, prefix, d, d, oldSource, oldAttrs);
      }
    }
    if (i < 0) return undefined;
    removeAt(d, i);
    t.accepted--;
    return this.decide(key, prefix, d, d, oldSource, oldAttrs);
  }

  /** `Destination.best` for the paths of `d`: the best eligible path and why, or -1. */
  private select(key: PrefixKey, d: Destination): number {
    const paths: Paths = d;
    const n = countOf(paths);
    let views = n <= KEPT_VIEW_LISTS ? this.viewLists[n] : undefined;
    if (views === undefined) {
      views = new Array<PathView>(n);
      for (let i = 0; i < n; i++) views[i] = new PathView(i, sourceAt(paths, i), attrsAt(paths, i));
      if (n <= KEPT_VIEW_LISTS) this.viewLists[n] = views;
    }
    for (let i = 0; i < n; i++) views[i]!.show(key, paths[2 * i] as PathSource, paths[2 * i + 1] as PathAttributes);
    const s = selectBest(views, this.decision);
    return s.best === undefined ? -1 : (s.best as PathView).index * 16 + REASON_CODES.get(s.reason)!;
  }

  /**
   * Re-run the decision for one destination and store it in the form its paths call for (see
   * Slot; `stored` is what the map holds for the prefix now); the change, if the best path
   * changed (to another peer or path id, or to other attributes).
   */
  private decide(
    key: PrefixKey,
    prefix: string,
    d: Destination,
    stored: Slot | undefined,
    oldSource: PathSource | undefined,
    oldAttrs: PathAttributes | undefined,
  ): BestChange | undefined {
    const n = countOf(d);
    d.best = n === 0 ? -1 : this.select(key, d);
    const source = bestSourceOf(d);
    const attrs = bestAttrsOf(d);
    let made: StoredPath | undefined;
    if (source === undefined) this.store(key, stored, n === 0 && d.suppressed === undefined ? undefined : d);
    else if (n === 1 && d.suppressed === undefined) {
      const lone = this.compact(key, source, attrs!);
      if (lone instanceof StoredPath) made = lone;
      this.store(key, stored, lone);
    } else this.store(key, stored, d);
    if (source === undefined ? oldSource === undefined : oldSource !== undefined && source.peer === oldSource.peer && source.pathId === oldSource.pathId && attrs === oldAttrs) {
      return undefined;
    }
    if (oldSource === undefined) this.bestPaths++;
    else if (source === undefined) this.bestPaths--;
    return {
      prefix,
      old: oldSource === undefined ? undefined : new StoredPath(key, oldSource, oldAttrs!),
      new: source === undefined ? undefined : (made ?? new StoredPath(key, source, attrs!)),
      reason: source === undefined ? 'withdrawn' : reasonOf(d),
    };
  }

  /**
   * Re-run the decision for the given prefixes, or all (after next-hop reachability or IGP
   * costs changed: the hooks are consulted afresh).
   */
  recompute(prefixes?: Iterable<string>): BestChange[] {
    const changes: BestChange[] = [];
    const keys = prefixes === undefined ? [...this.destinations.keys()] : Array.from(prefixes, prefixKey);
    for (const key of keys) {
      const slot = this.destinations.get(key);
      if (slot === undefined) continue;
      // A lone best path stays so unless its next hop no longer resolves.
      if (!(slot instanceof Destination) && this.decision.nextHopReachable(nextHopOf(slot instanceof StoredPath ? slot.attrs : slot))) continue;
      const d = slot instanceof Destination ? slot : this.expand(key, slot);
      const c = this.decide(key, prefixText(key), d, slot, bestSourceOf(d), bestAttrsOf(d));
      if (c) changes.push(c);
    }
    return changes;
  }

  // ------------------------------------------------------------------ flap damping

  /** When the next suppressed route may be reused (ms on the RIB's clock), if any. */
  nextReuse(): number | undefined {
    return this.damping?.nextReuse();
  }

  /** Reuse every suppressed route whose time has come: it re-enters the decision. */
  reuseDue(): BestChange[] {
    if (!this.damping) return [];
    const changes: BestChange[] = [];
    for (const r of this.damping.reuseDue(this.clock())) {
      if (r.withdrawn) continue;
      const hash = r.prefix.indexOf('#');
      const prefix = hash < 0 ? r.prefix : r.prefix.slice(0, hash);
      const pathId = hash < 0 ? 0 : Number(r.prefix.slice(hash + 1));
      const key = prefixKey(prefix);
      const slot = this.destinations.get(key);
      const d = slot instanceof Destination ? slot : undefined;
      const suppressed = d?.suppressed;
      let j = -1;
      if (suppressed) for (let i = 0; i < countOf(suppressed) && j < 0; i++) if (sourceAt(suppressed, i).peer.id === r.peer && sourceAt(suppressed, i).pathId === pathId) j = i;
      if (!d || !suppressed || j < 0) continue;
      const source = sourceAt(suppressed, j);
      const attrs = attrsAt(suppressed, j);
      const oldSource = bestSourceOf(d);
      const oldAttrs = bestAttrsOf(d);
      if (countOf(suppressed) === 1) d.suppressed = undefined;
      else removeAt(suppressed, j);
      const c = this.decide(key, prefix, this.addTo(d, source, attrs), d, oldSource, oldAttrs);
      if (c) changes.push(c);
    }
    return changes;
  }

  /** Damping state of one route from one peer (undefined without damping or without a record). */
  dampingState(peerId: string, prefix: string, pathId = 0): DampingState | undefined {
    return this.damping?.state(peerId, dampingKey(prefix, pathId), this.clock());
  }

  /** Paths held back by damping for a prefix. */
  suppressedPaths(prefix: string): readonly PathRecord[] {
    const key = prefixKey(prefix);
    const slot = this.destinations.get(key);
    return slot instanceof Destination && slot.suppressed ? records(key, slot.suppressed) : [];
  }

  get dampingEnabled(): boolean {
    return this.damping !== undefined;
  }

  // ------------------------------------------------------------------ views

  /** Loc-RIB entry: the best path and why. */
  best(prefix: string): { path: PathRecord; reason: DecisionReason } | undefined {
    const key = prefixKey(prefix);
    const slot = this.destinations.get(key);
    if (slot === undefined) return undefined;
    if (!(slot instanceof Destination)) return { path: this.lone(key, slot), reason: 'only-path' };
    return slot.best < 0 ? undefined : { path: new StoredPath(key, bestSourceOf(slot)!, bestAttrsOf(slot)!), reason: reasonOf(slot) };
  }

  /** Why the best path of a prefix is best (no allocation: the speaker's best-path events ask this per change). */
  bestReason(prefix: string): DecisionReason | undefined {
    const slot = this.destinations.get(prefixKey(prefix));
    return slot instanceof Destination ? (slot.best < 0 ? undefined : reasonOf(slot)) : slot === undefined ? undefined : 'only-path';
  }

  /** The best path alone (the speaker asks this per prefix per peer: one small record, or none when stored as one). */
  bestPath(prefix: string): PathRecord | undefined {
    const key = prefixKey(prefix);
    const slot = this.destinations.get(key);
    if (slot === undefined) return undefined;
    if (!(slot instanceof Destination)) return this.lone(key, slot);
    return slot.best < 0 ? undefined : new StoredPath(key, bestSourceOf(slot)!, bestAttrsOf(slot)!);
  }

  /** Every imported (post-policy) path for a prefix. */
  paths(prefix: string): readonly PathRecord[] {
    const key = prefixKey(prefix);
    const slot = this.destinations.get(key);
    return slot === undefined ? [] : slot instanceof Destination ? records(key, slot) : [this.lone(key, slot)];
  }

  /** Loc-RIB: every prefix with a best path. */
  *locRib(): IterableIterator<{ prefix: string; path: PathRecord; reason: DecisionReason }> {
    for (const [key, slot] of this.destinations) {
      if (!(slot instanceof Destination)) yield { prefix: prefixText(key), path: this.lone(key, slot), reason: 'only-path' };
      else if (slot.best >= 0) yield { prefix: prefixText(key), path: new StoredPath(key, bestSourceOf(slot)!, bestAttrsOf(slot)!), reason: reasonOf(slot) };
    }
  }

  /** Pre-policy Adj-RIB-In of a peer: [prefix, pathId, attributes as received]. */
  *adjRibInPre(peerId: string): IterableIterator<{ prefix: string; pathId: number; attrs: PathAttributes }> {
    const t = this.tables(peerId);
    if (!t.peer.keepPrePolicy) {
      throw new RibError('bgp.rib.no-pre-policy', `peer ${peerId} does not keep its pre-policy Adj-RIB-In`, {
        hint: 'set keepPrePolicy (the default) for this peer',
      });
    }
    yield* this.prePolicy(t);
  }

  /** A peer's accepted routes (their sources carry the set as received), then its rejected ones. */
  private *prePolicy(t: PeerTables): IterableIterator<{ prefix: string; pathId: number; attrs: PathAttributes }> {
    for (const p of this.pathsOf(t.peer)) yield { prefix: p.prefix, pathId: p.pathId, attrs: receivedOf(p.source, p.attrs) };
    for (const [key, attrs] of t.rejected) yield { ...routeOf(key), attrs };
  }

  private *pathsOf(peer: RibPeer): IterableIterator<StoredPath> {
    for (const [key, slot] of this.destinations) {
      if (!(slot instanceof Destination)) {
        if (this.sourceOfSlot(slot).peer === peer) yield this.lone(key, slot);
        continue;
      }
      for (const paths of [slot, slot.suppressed]) {
        if (paths === undefined) continue;
        for (let i = 0; i < countOf(paths); i++) if (sourceAt(paths, i).peer === peer) yield new StoredPath(key, sourceAt(paths, i), attrsAt(paths, i));
      }
    }
  }

  /** Post-policy Adj-RIB-In of a peer (its paths in the Loc-RIB tables, best or not). */
  *adjRibInPost(peerId: string): IterableIterator<PathRecord> {
    yield* this.pathsOf(this.tables(peerId).peer);
  }

  /** Number of prefixes with at least one path. */
  get size(): number {
    return this.destinations.size;
  }

  /** Number of prefixes with a best path (the Loc-RIB's size). */
  get bestCount(): number {
    return this.bestPaths;
  }

  /** Number of routes in a peer's pre-policy Adj-RIB-In (0 when it does not keep one). */
  receivedCount(peerId: string): number {
    const t = this.tables(peerId);
    return t.peer.keepPrePolicy ? t.accepted + t.rejected.size : 0;
  }

  /** Number of routes a peer has in the decision process. */
  acceptedCount(peerId: string): number {
    return this.tables(peerId).accepted;
  }

  // ------------------------------------------------------------------ export

  /**
   * What to advertise to `toPeerId` for a Loc-RIB path, before export policy: interned
   * attributes, or why the path is not advertised there.
   */
  exportRoute(path: PathRecord, toPeerId: string): { attrs: PathAttributes } | { rejected: ExportRejection } {
    const to = this.tables(toPeerId).peer;
    const rejected = exportRejection(path, to, this.rules);
    if (rejected) return { rejected };
    return { attrs: this.interner.internOwned(exportAttributes(path, to, this.rules)) };
  }
}

/** Records of pairs (Paths) of one prefix. */
function records(key: PrefixKey, paths: Paths): StoredPath[] {
  const out = new Array<StoredPath>(countOf(paths));
  for (let i = 0; i < out.length; i++) out[i] = new StoredPath(key, sourceAt(paths, i), attrsAt(paths, i));
  return out;
}

/**
 * Positions of routes in the Adj-RIB-Outs of one speaker, shared by all of them: each peer's
 * table is an array indexed by position, so a route costs each peer one array slot (8 bytes)
 * instead of a Map entry (about 28 with the table's slack), and a change is one lookup here and
 * array reads after. A position is not given back when its route is withdrawn: the route keeps
 * it for when it returns, and the speaker's Loc-RIB holds about as many prefixes anyway.
 */
export class RoutePositions {
  /** By routeKey: most IPv4 routes are keyed by a number, so no text is kept for them. */
  private readonly byKey = new Map<PrefixKey, number>();
  private readonly keys: PrefixKey[] = [];

  /** The route's position, given it if it has none. */
  positionOf(key: PrefixKey): number {
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.keys.length;
      this.byKey.set(key, i);
      this.keys.push(key);
    }
    return i;
  }

  /** The route's position, if it has one. */
  find(key: PrefixKey): number | undefined {
    return this.byKey.get(key);
  }

  keyAt(position: number): PrefixKey {
    return this.keys[position]!;
  }
}

/**
 * Adj-RIB-Out of one peer: what we last advertised, so the speaker sends only differences.
 * Attribute sets are compared by identity, so callers pass interned objects. The peers of one
 * speaker share `positions` (see RoutePositions).
 */
export class AdjRibOut {
  /** By position; undefined where nothing is advertised. */
  private sent: Array<PathAttributes | undefined> = [];
  private count = 0;

  constructor(private readonly positions: RoutePositions = new RoutePositions()) {}

  /** Record the wanted state of a route; returns what must go on the wire, if anything. */
  set(prefix: string, pathId: number, attrs: PathAttributes | undefined): 'announce' | 'withdraw' | undefined {
    const key = routeKey(prefixKey(prefix), pathId);
    if (attrs === undefined) {
      const i = this.positions.find(key);
      if (i === undefined || i >= this.sent.length || this.sent[i] === undefined) return undefined;
      this.sent[i] = undefined;
      this.count--;
      return 'withdraw';
    }
    const i = this.positions.positionOf(key);
    // Grown one slot at a time, so the array stays a plain list of pointers (no holes).
    while (this.sent.length <= i) this.sent.push(undefined);
    const before = this.sent[i];
    if (before === attrs) return undefined;
    if (before === undefined) this.count++;
    this.sent[i] = attrs;
    return 'announce';
  }

  get(prefix: string, pathId = 0): PathAttributes | undefined {
    const i = this.positions.find(routeKey(prefixKey(prefix), pathId));
    return i === undefined ? undefined : this.sent[i];
  }

  *entries(): IterableIterator<{ prefix: string; pathId: number; attrs: PathAttributes }> {
    for (let i = 0; i < this.sent.length; i++) {
      const attrs = this.sent[i];
      if (attrs !== undefined) yield { ...routeOf(this.positions.keyAt(i)), attrs };
    }
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.sent = [];
    this.count = 0;
  }
}
