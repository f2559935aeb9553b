// TABLE_DUMP_V2 RIB_IPV4_UNICAST / RIB_IPV6_UNICAST (RFC 6396 §4.3.2). Attributes stay raw
// here (4-octet AS paths per §4.3.4); decoding them is the BGP wire codec's job.
import { MrtDecodeError } from './record.js';

export interface RibEntry {
  readonly peerIndex: number;
  readonly originatedTime: number;
  readonly attributes: Uint8Array;
}

export interface RibRecord {
  readonly sequenceNumber: number;
  readonly prefixLength: number;
  readonly prefix: Uint8Array; // ceil(prefixLength / 8) octets
  readonly entries: readonly RibEntry[];
}

export function decodeRibRecord(body: Uint8Array, maxPrefixLength: 32 | 128, recordOffset: number): RibRecord {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  const need = (n: number, what: string): void => {
    if (body.length - at < n) throw new MrtDecodeError(`RIB record truncated in ${what}`, recordOffset);
  };
  need(5, 'header');
  const sequenceNumber = view.getUint32(0);
  const prefixLength = body[4] ?? 0;
  if (prefixLength > maxPrefixLength) throw new MrtDecodeError(`RIB prefix length ${prefixLength} > ${maxPrefixLength}`, recordOffset);
  at = 5;
  const prefixOctets = Math.ceil(prefixLength / 8);
  need(prefixOctets + 2, 'prefix');
  const prefix = body.slice(at, at + prefixOctets);
  at += prefixOctets;
  const count = view.getUint16(at);
  at += 2;
  const entries: RibEntry[] = [];
  for (let i = 0; i < count; i++) {
    need(8, `entry ${i}`);
    const peerIndex = view.getUint16(at);
    const originatedTime = view.getUint32(at + 2);
    const attributeLength = view.getUint16(at + 6);
    at += 8;
    need(attributeLength, `entry ${i} attributes`);
    entries.push({ peerIndex, originatedTime, attributes: body.slice(at, at + attributeLength) });
    at += attributeLength;
  }
  if (at !== body.length) throw new MrtDecodeError(`RIB record has ${body.length - at} trailing bytes`, recordOffset);
  return { sequenceNumber, prefixLength, prefix, entries };
}

export function encodeRibRecord(record: RibRecord): Uint8Array {
  const size = 7 + record.prefix.length + record.entries.reduce((n, e) => n + 8 + e.attributes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, record.sequenceNumber);
  out[4] = record.prefixLength;
  out.set(record.prefix, 5);
  let at = 5 + record.prefix.length;
  view.setUint16(at, record.entries.length);
  at += 2;
  for (const entry of record.entries) {
    view.setUint16(at, entry.peerIndex);
    view.setUint32(at + 2, entry.originatedTime);
    view.setUint16(at + 6, entry.attributes.length);
    out.set(entry.attributes, at + 8);
    at += 8 + entry.attributes.length;
  }
  return out;
}
