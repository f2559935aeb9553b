/**
 * Zone → master-file text. Every record is written on one line with its TTL and class, in
 * the zone's order, owners relative to `$ORIGIN`; `parseZoneText` reads it back to the
 * same records. Types without a text form here (or not defined in the zone's class, like
 * AAAA in HS) are written in RFC 3597 generic form.
 */
import { printName } from './names.js';
import { encodeRdata, rdataCodecs, typeNumber } from './rdata.js';
import type { ResourceRecord, Zone } from './types.js';

export function printZone(zone: Zone): string {
  const lines = [`$ORIGIN ${printName(zone.origin)}`];
  for (const r of zone.records) lines.push(printRecord(r, zone.origin));
  return `${lines.join('\n')}\n`;
}

export function printRecord(r: ResourceRecord, origin: string): string {
  return `${printName(r.name, origin)} ${r.ttl} ${r.class} ${printTypeAndData(r, origin)}`;
}

function printTypeAndData(r: ResourceRecord, origin: string): string {
  const codec = rdataCodecs[r.type];
  if (codec && (!codec.classes || codec.classes.includes(r.class))) return `${r.type} ${codec.print(r.data, { origin, class: r.class })}`;
  const num = typeNumber(r.type);
  if (num === undefined) throw new Error(`cannot print record type ${r.type}: no type number`);
  const bytes = encodeRdata(r.type, r.data);
  return `TYPE${num} \\# ${bytes.length}${bytes.length ? ` ${bytes.toString('hex')}` : ''}`;
}
