/**
 * Attribute interning: one frozen object per distinct attribute set, so a million routes
 * share a few thousand objects (style.md shape 5). The table holds weak references, so an
 * attribute set no route uses any more is collected and its entry removed; or, for a process
 * whose sets live as long as it does (the sim), the sets themselves (`collect: false`).
 */
import type { AsPathSegment, PathAttributes } from '../wire/types.js';
import { ipv4ToNumber } from '../fsm/open.js';
import type { RouteFacts } from './types.js';
import { attributeHash, sameAttributes } from './attribute-equality.js';

function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
}

function segmentsKey(segs: readonly AsPathSegment[]): string {
  let s = '';
  for (const seg of segs) s += `${seg.type}:${seg.asns.join(',')};`;
  return s;
}

/**
 * A string that is equal for two attribute sets exactly when they carry the same attributes.
 * Per-UPDATE NLRI inside MP_REACH/MP_UNREACH are not part of it (see `routeAttributes`).
 */
export function attributeKey(a: PathAttributes): string {
  let k = '';
  if (a.origin !== undefined) k += `o${a.origin}|`;
  if (a.asPath) k += `p${segmentsKey(a.asPath)}|`;
  if (a.nextHop !== undefined) k += `n${a.nextHop}|`;
  if (a.med !== undefined) k += `m${a.med}|`;
  if (a.localPref !== undefined) k += `l${a.localPref}|`;
  if (a.atomicAggregate) k += 'A|';
  if (a.aggregator) k += `g${a.aggregator.asn}@${a.aggregator.address}|`;
  if (a.communities) k += `c${a.communities.join(',')}|`;
  if (a.originatorId !== undefined) k += `i${a.originatorId}|`;
  if (a.clusterList) k += `k${a.clusterList.join(',')}|`;
  if (a.mpReach) k += `r${a.mpReach.afi}/${a.mpReach.safi}/${a.mpReach.nextHop}/${a.mpReach.linkLocalNextHop ?? ''}/${a.mpReach.nlri.length}|`;
  if (a.mpUnreach) k += `w${a.mpUnreach.afi}/${a.mpUnreach.safi}/${a.mpUnreach.withdrawn.length}|`;
  if (a.extendedCommunities) k += `e${a.extendedCommunities.map((e) => `${e.type}.${e.subtype}.${hex(e.value)}`).join(',')}|`;
  if (a.largeCommunities) k += `L${a.largeCommunities.map((c) => c.join(':')).join(',')}|`;
  if (a.as4Path) k += `P${segmentsKey(a.as4Path)}|`;
  if (a.as4Aggregator) k += `G${a.as4Aggregator.asn}@${a.as4Aggregator.address}|`;
  if (a.unknown) k += `u${a.unknown.map((u) => `${u.flags}.${u.typeCode}.${hex(u.value)}`).join(',')}|`;
  return k;
}

/**
 * The attributes a route keeps in the RIB: the UPDATE's attributes without the NLRI lists of
 * MP_REACH_NLRI / MP_UNREACH_NLRI (MP_REACH keeps its next hops).
 */
export function routeAttributes(a: PathAttributes): PathAttributes {
  if (!a.mpUnreach && (!a.mpReach || a.mpReach.nlri.length === 0)) return a;
  const out: PathAttributes = { ...a };
  delete out.mpUnreach;
  if (a.mpReach) out.mpReach = { ...a.mpReach, nlri: [] };
  return out;
}

function freezeSegments(segs: readonly AsPathSegment[] | undefined): void {
  if (!segs) return;
  for (const s of segs) {
    Object.freeze(s.asns);
    Object.freeze(s);
  }
  Object.freeze(segs);
}

function freezeRecords(xs: readonly object[] | undefined): void {
  if (!xs) return;
  for (const x of xs) Object.freeze(x);
  Object.freeze(xs);
}

/**
 * Freeze a set and everything it holds but byte arrays (typed arrays cannot be frozen), field by
 * field as PathAttributes declares them: a generic walk (Object.keys and a recursive call per
 * value) cost more than the rest of interning a new set.
 */
function freezeSet(a: PathAttributes): PathAttributes {
  freezeSegments(a.asPath);
  if (a.aggregator) Object.freeze(a.aggregator);
  if (a.communities) Object.freeze(a.communities);
  if (a.clusterList) Object.freeze(a.clusterList);
  if (a.mpReach) {
    freezeRecords(a.mpReach.nlri);
    Object.freeze(a.mpReach);
  }
  if (a.mpUnreach) {
    freezeRecords(a.mpUnreach.withdrawn);
    Object.freeze(a.mpUnreach);
  }
  freezeRecords(a.extendedCommunities);
  freezeRecords(a.largeCommunities);
  freezeSegments(a.as4Path);
  if (a.as4Aggregator) Object.freeze(a.as4Aggregator);
  freezeRecords(a.unknown);
  return Object.freeze(a);
}

function asPathLength(segs: readonly AsPathSegment[] | undefined): number {
  if (!segs) return 0;
  let n = 0;
  for (const s of segs) {
    if (s.type === 2) n += s.asns.length;
    else if (s.type === 1) n += 1;
    // Confederation segments (3, 4) do not count (RFC 5065 §5.3).
  }
  return n;
}

function firstAs(segs: readonly AsPathSegment[] | undefined): number | undefined {
  if (!segs) return undefined;
  for (const s of segs) {
    if (s.type === 3 || s.type === 4) continue;
    // RFC 4271 §9.1.2.2: a path that begins with an AS_SET has no neighbour AS of its own.
    return s.type === 2 ? s.asns[0] : undefined;
  }
  return undefined;
}

/** Not frozen: read-only by type, internal to the decision, and one freeze per attribute set costs more than the rest of it. */
export function computeFacts(a: PathAttributes): RouteFacts {
  return {
    localPref: a.localPref,
    asPathLength: asPathLength(a.asPath),
    origin: a.origin ?? 2,
    med: a.med,
    firstAs: firstAs(a.asPath),
    nextHop: nextHopOf(a),
    originatorId: a.originatorId === undefined ? undefined : ipv4ToNumber(a.originatorId),
    clusterListLength: a.clusterList?.length ?? 0,
  };
}

/** The next hop the decision resolves (RouteFacts.nextHop), read without the facts. */
export function nextHopOf(a: PathAttributes): string {
  return a.mpReach?.nextHop ?? a.nextHop ?? '';
}

/** Facts kept on an interned set, with the interner that made it. */
interface OwnedFacts extends RouteFacts {
  readonly interner: AttributeInterner;
}

/**
 * Every field named in one literal, in one order, so all owned facts share one hidden class (a
 * spread of the facts gave objects of many shapes: 34 MiB more heap in a 200-router sim).
 */
function ownedFacts(f: RouteFacts, interner: AttributeInterner): OwnedFacts {
  return {
    localPref: f.localPref,
    asPathLength: f.asPathLength,
    origin: f.origin,
    med: f.med,
    firstAs: f.firstAs,
    nextHop: f.nextHop,
    originatorId: f.originatorId,
    clusterListLength: f.clusterListLength,
    interner,
  };
}

/** Returns the object it is given, so a subclass can add private fields to any object. */
class Carrier {
  constructor(o: object) {
    return o;
  }
}

/**
 * What an interner keeps on a set it made: itself (how it knows its own sets) and the set's
 * decision facts, worked out the first time the decision asks (a prefix with a single path
 * never does). Private fields: invisible to spread, Object.keys, JSON, structuredClone and
 * equality checks, added without a property descriptor (a non-enumerable symbol property
 * cost twice as much per set), and still writable once the set is frozen, which is what lets
 * the facts come later. It replaced a facts object made with every set.
 */
class InternedMark extends Carrier {
  /** The interner, until the decision first asks for the facts, which then name the interner. */
  #mark: AttributeInterner | OwnedFacts;

  private constructor(set: PathAttributes, interner: AttributeInterner) {
    super(set);
    this.#mark = interner;
  }

  static mark(set: PathAttributes, interner: AttributeInterner): void {
    new InternedMark(set, interner);
  }

  static internerOf(attrs: PathAttributes): AttributeInterner | undefined {
    if (!(#mark in attrs)) return undefined;
    const mark = (attrs as unknown as InternedMark).#mark;
    return mark instanceof AttributeInterner ? mark : mark.interner;
  }

  /** The facts of a set an interner made (memoised on it), or undefined for any other set. */
  static factsOf(attrs: PathAttributes): RouteFacts | undefined {
    if (!(#mark in attrs)) return undefined;
    const marked = attrs as unknown as InternedMark;
    const mark = marked.#mark;
    if (!(mark instanceof AttributeInterner)) return mark;
    const facts = ownedFacts(computeFacts(attrs), mark);
    marked.#mark = facts;
    return facts;
  }
}

/** The decision facts of a set: kept on it when interned (from its first use), computed on the spot otherwise. */
export function factsOf(attrs: PathAttributes): RouteFacts {
  return InternedMark.factsOf(attrs) ?? computeFacts(attrs);
}

/** A set in the table: a weak reference to it, or the set itself when the interner does not collect. */
type Entry = WeakRef<PathAttributes> | PathAttributes;

/** Bucket of sets with one hash: nearly always one, so the array form is the rare case. */
type Bucket = Entry | Entry[];

/** Fewest insertions between two sweeps of collected sets. */
const MIN_SWEEP_INTERVAL = 1024;

/** Only for an interner that collects: its entries are all weak references. */
function live(bucket: Bucket): Bucket | undefined {
  if (!Array.isArray(bucket)) return (bucket as WeakRef<PathAttributes>).deref() === undefined ? undefined : bucket;
  const kept = bucket.filter((r) => (r as WeakRef<PathAttributes>).deref() !== undefined);
  return kept.length === 0 ? undefined : kept.length === 1 ? kept[0]! : kept;
}

export interface InternerOptions {
  /**
   * Whether a set nothing else holds is collected (default true): the table then keeps a weak
   * reference per set, which costs about a microsecond to make and another to check at each
   * sweep. An interner whose sets are held to the end anyway can keep them strongly: the sim's,
   * shared by every speaker, where each session's export cache holds every set it ever
   * exported and its paths hold their imports (at 200 routers all 240k sets made in a run are
   * alive at its end); the sets of a lab are few, and recur when routes flap back.
   */
  collect?: boolean;
}

export class AttributeInterner {
  /** By attributeHash; equal sets found with sameAttributes (no key string per set). */
  private readonly table = new Map<number, Bucket>();
  private readonly collect: boolean;
  /**
   * Entries of collected sets are swept out after as many insertions as the table held at the
   * last sweep (amortised O(1) per insertion, the table at most twice its live size). This
   * replaced a FinalizationRegistry, whose cell per set cost more than the sweep.
   */
  private insertsSinceSweep = 0;
  private sweepAfter = MIN_SWEEP_INTERVAL;

  constructor(options: InternerOptions = {}) {
    this.collect = options.collect ?? true;
  }

  /** The set of a table entry, if it was not collected. */
  private setOf(entry: Entry): PathAttributes | undefined {
    return this.collect ? (entry as WeakRef<PathAttributes>).deref() : (entry as PathAttributes);
  }

  /** The shared frozen object equal to `attrs` (whose nested values must not be mutated afterwards). */
  intern(attrs: PathAttributes): PathAttributes {
    return this.lookup(attrs, false);
  }

  /**
   * `intern` for a set the caller has just built and hands over (the RIB's import and export
   * rewrites): when it is new, it is frozen as it is instead of copied first.
   */
  internOwned(attrs: PathAttributes): PathAttributes {
    return this.lookup(attrs, true);
  }

  /** Whether `attrs` is a set this interner made (so interning it again returns it). */
  owns(attrs: PathAttributes): boolean {
    // This interner, not any: a set another interner made is not in our table.
    return InternedMark.internerOf(attrs) === this;
  }

  private lookup(attrs: PathAttributes, owned: boolean): PathAttributes {
    if (this.owns(attrs)) return attrs;
    const a = routeAttributes(attrs);
    // `| 0`: a signed 32-bit key is a small integer to V8; an unsigned one above 2^31 is a heap number.
    const hash = attributeHash(a) | 0;
    const bucket = this.table.get(hash);
    if (bucket !== undefined) {
      if (!Array.isArray(bucket)) {
        const existing = this.setOf(bucket);
        if (existing && sameAttributes(existing, a)) return existing;
      } else {
        for (const entry of bucket) {
          const existing = this.setOf(entry);
          if (existing && sameAttributes(existing, a)) return existing;
        }
      }
    }
    const copy = a === attrs && !owned ? { ...a } : a;
    InternedMark.mark(copy, this);
    const frozen = freezeSet(copy);
    const entry = this.collect ? new WeakRef(frozen) : frozen;
    const kept = bucket === undefined ? undefined : this.collect ? live(bucket) : bucket;
    if (kept === undefined) this.table.set(hash, entry);
    else if (Array.isArray(kept)) this.table.set(hash, [...kept, entry]);
    else this.table.set(hash, [kept, entry]);
    if (this.collect && ++this.insertsSinceSweep >= this.sweepAfter) this.sweep();
    return frozen;
  }

  /** Drop the entries of sets that were collected. */
  private sweep(): void {
    if (!this.collect) return;
    for (const [hash, bucket] of this.table) {
      const kept = live(bucket);
      if (kept === undefined) this.table.delete(hash);
      else if (kept !== bucket) this.table.set(hash, kept);
    }
    this.insertsSinceSweep = 0;
    this.sweepAfter = Math.max(MIN_SWEEP_INTERVAL, this.table.size);
  }

  /** Sets in the table, including collected ones whose entries have not been swept yet (no sweep). */
  get entries(): number {
    let n = 0;
    for (const bucket of this.table.values()) n += Array.isArray(bucket) ? bucket.length : 1;
    return n;
  }

  /** Distinct attribute sets currently alive. */
  get size(): number {
    this.sweep();
    return this.entries;
  }
}
