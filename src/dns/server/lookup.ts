/**
 * Authoritative lookup (RFC 1034 §4.3.2 steps 3–4, for a server without recursion):
 * referral at a zone cut, exact match, CNAME chain inside the zone, wildcard synthesis
 * (RFC 4592), NODATA vs NXDOMAIN with the SOA for negative caching (RFC 2308 §3).
 */
import { CLASS, RCODE, TYPE } from '../wire/constants.js';
import { isAtOrBelow, nameKey, parentKey } from '../wire/names.js';
import type { OutRecord } from '../wire/writer.js';
import { findZone, type IndexedZone, type RRset, type ZoneIndex } from './zone-index.js';

export interface Resolution {
  rcode: number;
  authoritative: boolean;
  answer: OutRecord[];
  authority: OutRecord[];
  additional: OutRecord[];
}

export interface LookupQuestion {
  /** As the client wrote it: answers for it are owned by this spelling (RFC 4343 §4.1). */
  name: string;
  type: number;
  class: number;
  /** BIND 9.18 (`minimal-responses no-auth-recursive`) adds apex NS to answers only for RD=0. */
  withAuthorityNs?: boolean;
}

const MAX_CNAME_CHAIN = 16;

export function refused(): Resolution {
  return { rcode: RCODE.REFUSED, authoritative: false, answer: [], authority: [], additional: [] };
}

export function lookup(index: ZoneIndex, q: LookupQuestion): Resolution {
  const zone = findZone(index, nameKey(q.name), q.class);
  if (!zone) return refused();
  const rrClass = q.class === CLASS.ANY ? zone.ownClass : q.class;
  const res: Resolution = { rcode: RCODE.NOERROR, authoritative: true, answer: [], authority: [], additional: [] };
  let name = q.name;
  const seen = new Set<string>();
  for (let step = 0; step <= MAX_CNAME_CHAIN; step++) {
    const key = nameKey(name);
    if (seen.has(key)) return res; // CNAME loop: answer what we have (RFC 1034 §3.6.2 warns of them)
    seen.add(key);
    const cut = findCut(zone, key);
    if (cut) {
      if (step > 0) return res; // chain leaves our authority: the client follows it
      return referral(zone, cut, rrClass);
    }
    const node = zone.nodes.get(key) ?? wildcardSource(zone, key);
    if (!node) {
      if (zone.existing.has(key)) return negative(res, zone, rrClass, RCODE.NOERROR);
      return negative(res, zone, rrClass, RCODE.NXDOMAIN);
    }
    if (q.type === TYPE.ANY) {
      // RFC 8482 §4.2: answer with one RRset of the name rather than all of them.
      const one = node.get(TYPE.CNAME) ?? node.get(TYPE.TXT) ?? node.values().next().value;
      if (one) res.answer.push(...toOut(one, name, rrClass));
      return finishPositive(res, zone, rrClass, q);
    }
    const set = node.get(q.type);
    if (set) {
      res.answer.push(...toOut(set, name, rrClass));
      if (q.type === TYPE.NS && key === zone.apex) addGlue(res, zone, set, rrClass);
      return finishPositive(res, zone, rrClass, q);
    }
    const cname = node.get(TYPE.CNAME);
    if (!cname) return negative(res, zone, rrClass, RCODE.NOERROR);
    res.answer.push(...toOut(cname, name, rrClass));
    const target = String(cname.records[0]?.data ?? '');
    if (!isAtOrBelow(nameKey(target), zone.apex)) return finishPositive(res, zone, rrClass, q);
    name = target;
  }
  return res;
}

function finishPositive(res: Resolution, zone: IndexedZone, rrClass: number, q: LookupQuestion): Resolution {
  if (q.withAuthorityNs && q.type !== TYPE.NS) {
    const ns = zone.nodes.get(zone.apex)?.get(TYPE.NS);
    if (ns) {
      res.authority.push(...toOut(ns, ns.name, rrClass));
      addGlue(res, zone, ns, rrClass);
    }
  }
  return res;
}

/** The highest cut strictly below the apex at or above `key`. */
function findCut(zone: IndexedZone, key: string): string | undefined {
  if (zone.cuts.size === 0) return undefined;
  let found: string | undefined;
  for (let k: string | undefined = key; k !== undefined && k !== zone.apex; k = parentKey(k)) if (zone.cuts.has(k)) found = k;
  return found;
}

/** RFC 1034 §4.3.2 3b: NS of the child in authority, their addresses as glue, AA off. */
function referral(zone: IndexedZone, cut: string, rrClass: number): Resolution {
  const ns = zone.nodes.get(cut)?.get(TYPE.NS) as RRset;
  const res: Resolution = { rcode: RCODE.NOERROR, authoritative: false, answer: [], authority: toOut(ns, ns.name, rrClass), additional: [] };
  addGlue(res, zone, ns, rrClass);
  return res;
}

function addGlue(res: Resolution, zone: IndexedZone, ns: RRset, rrClass: number): void {
  for (const r of ns.records) {
    const target = nameKey(String(r.data));
    if (!isAtOrBelow(target, zone.apex)) continue;
    const node = zone.nodes.get(target);
    for (const t of [TYPE.A, TYPE.AAAA]) {
      const set = node?.get(t);
      if (set) res.additional.push(...toOut(set, set.name, rrClass));
    }
  }
}

/** RFC 2308 §3: SOA in authority, TTL the smaller of its TTL and its MINIMUM. */
function negative(res: Resolution, zone: IndexedZone, rrClass: number, rcode: number): Resolution {
  const soa = zone.soa;
  const minimum = (soa.records[0]?.data as { minimum?: number } | undefined)?.minimum ?? soa.ttl;
  res.rcode = rcode; // after a CNAME, the code of the last name looked up (RFC 6604 §3)
  res.authority.push(...toOut({ ...soa, ttl: Math.min(soa.ttl, minimum) }, soa.name, rrClass));
  return res;
}

/**
 * RFC 4592 §3.3.1: when `key` does not exist, find its closest encloser; if `*.<encloser>`
 * exists, its RRsets answer for `key`. An existing (even empty) name blocks synthesis.
 */
function wildcardSource(zone: IndexedZone, key: string): ReadonlyMap<number, RRset> | undefined {
  if (zone.existing.has(key)) return undefined;
  let encloser = parentKey(key);
  while (encloser !== undefined && !zone.existing.has(encloser)) encloser = parentKey(encloser);
  if (encloser === undefined) return undefined;
  return zone.nodes.get(encloser === '.' ? '*' : `*.${encloser}`);
}

function toOut(set: RRset, owner: string, rrClass: number): OutRecord[] {
  return set.records.map((r) => ({ name: owner, type: set.type, class: rrClass, ttl: set.ttl, data: r.data }));
}
