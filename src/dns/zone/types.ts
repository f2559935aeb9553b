/**
 * The zone data model shared by the master-file parser/printer, the Hesiod map generator
 * and the DNS server. Records carry dns-packet's rdata shapes so the server encodes them
 * without conversion. Import it through `model.ts`.
 */
import { FlatlabError, type Diagnostic } from '../../config/diagnostics.js';

export type RecordClass = 'IN' | 'HS' | 'CH';

/**
 * One resource record. `name` is absolute, without trailing dot, case preserved (the root
 * is `.`); `data` uses dns-packet's shape for the type:
 * A/AAAA: address string; NS/CNAME/PTR: name string; TXT: Buffer[] (one per
 * character-string); SOA: {mname,rname,serial,refresh,retry,expire,minimum};
 * MX: {preference,exchange}; SRV: {priority,weight,port,target}; HINFO: {cpu,os}.
 * Types given in RFC 3597 generic form (`TYPEnnn \# len hex`) that we do not model keep
 * dns-packet's decoded shape when dns-packet has a codec for them, otherwise a Buffer of
 * raw rdata under dns-packet's type name (`LOC`, or `UNKNOWN_nnn` when it has no name),
 * so `dns-packet` encodes every record as is.
 */
export interface ResourceRecord {
  name: string;
  type: string;
  class: RecordClass;
  ttl: number;
  data: unknown;
}

export interface Zone {
  origin: string;
  class: RecordClass;
  records: ResourceRecord[];
  /** file the zone came from, for errors and /health */
  source?: string;
  /** What BIND would warn about when loading (out-of-zone data ignored, TTLs adjusted, …). */
  warnings?: Diagnostic[];
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** The zone's SOA record: the (first) SOA owned by the origin. */
export function zoneSoa(zone: Zone): ResourceRecord | undefined {
  const origin = canonicalName(zone.origin);
  return zone.records.find((r) => r.type === 'SOA' && canonicalName(r.name) === origin);
}

/** A zone that cannot be used. `code` is `zone.*`; `position` is file:line:col. */
export class ZoneError extends FlatlabError {}

const HAS_UPPER = /[A-Z]/;
const UPPER = /[A-Z]/g;

/** Lower-case, no trailing dot: the form names are compared in (RFC 4343: ASCII case-insensitive). */
export function canonicalName(name: string): string {
  if (name === '.' || name === '') return '.';
  const n = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  return HAS_UPPER.test(n) ? n.replace(UPPER, (c) => c.toLowerCase()) : n;
}

/** True when `name` equals `origin` or lies below it (case-insensitive). */
export function isInZone(name: string, origin: string): boolean {
  const n = canonicalName(name);
  const o = canonicalName(origin);
  if (o === '.') return true;
  return n === o || n.endsWith(`.${o}`);
}
