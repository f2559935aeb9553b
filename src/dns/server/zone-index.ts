/**
 * Zones arranged for answering: per zone, RRsets by owner key and type, the names that
 * exist (including empty non-terminals, RFC 4592 §2.2.2), delegation points, and the
 * classes the zone answers in. Built once per load; a reload builds a new one and swaps.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import type { ResourceRecord, Zone } from '../zone/model.js';
import { CLASS, classNumber, TYPE, typeNumber } from '../wire/constants.js';
import { isAtOrBelow, nameKey, parentKey } from '../wire/names.js';

export interface RRset {
  /** Owner as written in the zone (case preserved). */
  name: string;
  type: string;
  typeNumber: number;
  ttl: number;
  records: readonly ResourceRecord[];
}

export interface IndexedZone {
  zone: Zone;
  apex: string;
  /** Classes this zone answers queries in (HS zones also answer IN by default; design.md). */
  classes: ReadonlySet<number>;
  /** Class written in answers to class-ANY queries and in AXFR. */
  ownClass: number;
  soa: RRset;
  serial: number;
  nodes: ReadonlyMap<string, ReadonlyMap<number, RRset>>;
  /** Every name that exists: owners and their ancestors up to the apex. */
  existing: ReadonlySet<string>;
  /** Owners below the apex that carry NS: zone cuts (RFC 1034 §4.2.1). */
  cuts: ReadonlySet<string>;
}

export interface ZoneIndex {
  zones: readonly IndexedZone[];
}

export class ZoneIndexError extends FlatlabError {}

export interface ZoneIndexOptions {
  /**
   * Answer HS zones in class IN as well. Debian's libhesiod asks IN first and gives up on
   * REFUSED, so stock clients only work with this on (design.md, platform notes).
   */
  hsAlsoIn?: boolean;
}

export function buildZoneIndex(zones: readonly Zone[], opts: ZoneIndexOptions = {}): ZoneIndex {
  const hsAlsoIn = opts.hsAlsoIn ?? true;
  const out: IndexedZone[] = [];
  for (const zone of zones) {
    const apex = nameKey(zone.origin);
    const ownClass = classNumber(zone.class) ?? CLASS.IN;
    // A Hesiod map says itself which classes it is answered in (`class: both` → HS and IN).
    const declared = (zone as Zone & { answerClasses?: readonly string[] }).answerClasses;
    const classes = new Set<number>(declared?.length ? declared.map((c) => classNumber(c) ?? ownClass) : [ownClass]);
    if (ownClass === CLASS.HS && hsAlsoIn && !declared?.length) classes.add(CLASS.IN);
    if (ownClass === CLASS.HS && !hsAlsoIn && classes.size > 1) classes.delete(CLASS.IN);
    for (const other of out) {
      if (other.apex === apex && [...classes].some((c) => other.classes.has(c))) {
        throw new ZoneIndexError('dns.duplicate-zone', `zone ${zone.origin} is loaded twice for the same class${zone.source ? ` (${zone.source})` : ''}`, {
          hint: 'give each zone once; an HS zone also answers IN queries, so do not load an IN copy of it',
        });
      }
    }
    const nodes = new Map<string, Map<number, RRset>>();
    const existing = new Set<string>([apex]);
    for (const rr of zone.records) {
      const key = nameKey(rr.name);
      if (!isAtOrBelow(key, apex)) continue; // out-of-zone data is ignored, as BIND does
      let node = nodes.get(key);
      if (!node) nodes.set(key, (node = new Map()));
      const t = typeNumber(rr.type);
      const set = node.get(t);
      // RFC 2181 §5.2: one TTL per RRset; the smallest wins, as BIND does when loading.
      if (set) node.set(t, { ...set, ttl: Math.min(set.ttl, rr.ttl), records: [...set.records, rr] });
      else node.set(t, { name: rr.name, type: rr.type.toUpperCase(), typeNumber: t, ttl: rr.ttl, records: [rr] });
      for (let k: string | undefined = key; k !== undefined && k !== apex && !existing.has(k); k = parentKey(k)) existing.add(k);
    }
    const soa = nodes.get(apex)?.get(TYPE.SOA);
    if (!soa) {
      throw new ZoneIndexError('dns.zone-without-soa', `zone ${zone.origin} has no SOA record at its apex${zone.source ? ` (${zone.source})` : ''}`, {
        hint: 'an authoritative zone needs an SOA at the origin (RFC 1035 §5.2)',
      });
    }
    const cuts = new Set<string>();
    for (const [key, node] of nodes) if (key !== apex && node.has(TYPE.NS)) cuts.add(key);
    const serial = (soa.records[0]?.data as { serial?: number } | undefined)?.serial ?? 0;
    out.push({ zone, apex, classes, ownClass, soa, serial, nodes, existing, cuts });
  }
  return { zones: out };
}

/** The zone with the longest apex that contains `key` and answers `qclass` (ANY: any class). */
export function findZone(index: ZoneIndex, key: string, qclass: number): IndexedZone | undefined {
  let best: IndexedZone | undefined;
  for (const z of index.zones) {
    if (qclass !== CLASS.ANY && !z.classes.has(qclass)) continue;
    if (!isAtOrBelow(key, z.apex)) continue;
    if (!best || z.apex.length > best.apex.length) best = z;
  }
  return best;
}
