/**
 * AXFR content (RFC 5936 §2.2): the SOA, every other record of the zone including the
 * NS and glue at cuts, then the SOA again; split into batches that each fit one message.
 */
import { TYPE, typeNumber } from '../wire/constants.js';
import type { OutRecord } from '../wire/writer.js';
import type { IndexedZone } from './zone-index.js';

/** Approximate bytes per message we aim at, leaving room for TSIG; BIND uses about 16 KiB too. */
const BATCH_BYTES = 16000;

export function transferRecords(zone: IndexedZone, rrClass: number): OutRecord[] {
  const soaRecord = zone.soa.records[0];
  const soa: OutRecord = { name: zone.soa.name, type: 'SOA', class: rrClass, ttl: zone.soa.ttl, data: soaRecord?.data };
  const body: OutRecord[] = [];
  for (const node of zone.nodes.values()) {
    for (const set of node.values()) {
      if (set.typeNumber === TYPE.SOA && set === zone.soa) continue;
      for (const r of set.records) body.push({ name: r.name, type: set.type, class: rrClass, ttl: set.ttl, data: r.data });
    }
  }
  return [soa, ...body, soa];
}

export function transferMessages(zone: IndexedZone, rrClass: number): OutRecord[][] {
  const batches: OutRecord[][] = [];
  let current: OutRecord[] = [];
  let size = 0;
  for (const rr of transferRecords(zone, rrClass)) {
    const estimate = rr.name.length + 12 + rdataEstimate(rr);
    if (current.length > 0 && size + estimate > BATCH_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(rr);
    size += estimate;
  }
  if (current.length) batches.push(current);
  return batches;
}

function rdataEstimate(rr: OutRecord): number {
  if (Array.isArray(rr.data)) return rr.data.reduce((n: number, b: { length: number }) => n + b.length + 1, 0);
  if (typeof rr.data === 'string') return rr.data.length + 2;
  if (Buffer.isBuffer(rr.data)) return rr.data.length;
  return typeNumber(rr.type) === TYPE.SOA ? 300 : 600;
}
