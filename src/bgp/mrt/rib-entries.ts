// TABLE_DUMP_V2 RIB_IPV4_UNICAST / RIB_IPV6_UNICAST (RFC 6396 §4.3.2). Attributes stay raw
// here (4-octet AS paths per §4.3.4); decoding them is the BGP wire codec's job.
import { MrtDecodeError } from './record.js';

export interface RibEntry {
  readonly peerIndex: number;
  readonly originatedTime: number;
  /** RFC 8050 ADD-PATH subtypes only. */
  readonly pathId?: number;
  readonly attributes: Uint8Array;
}

export interface RibRecord {
  readonly sequenceNumber: number;
  readonly prefixLength: number;
  readonly prefix: Uint8Array; // ceil(prefixLength / 8) octets
  readonly entries: readonly RibEntry[];
}

/** `addPath`: the RFC 8050 subtypes (RIB_*_ADDPATH), whose entries carry a 4-octet Path Identifier after Originated Time. */
export function decodeRibRecord(body: Uint8Array, maxPrefixLength: 32 | 128, recordOffset: number, addPath = false): RibRecord {
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
    const fixed = addPath ? 12 : 8;
    need(fixed, `entry ${i}`);
    const peerIndex = view.getUint16(at);
    const originatedTime = view.getUint32(at + 2);
    const pathId = addPath ? view.getUint32(at + 6) : undefined;
    const attributeLength = view.getUint16(at + fixed - 2);
    at += fixed;
    need(attributeLength, `entry ${i} attributes`);
    const attributes = body.slice(at, at + attributeLength);
    entries.push(pathId === undefined ? { peerIndex, originatedTime, attributes } : { peerIndex, originatedTime, pathId, attributes });
    at += attributeLength;
  }
  if (at !== body.length) throw new MrtDecodeError(`RIB record has ${body.length - at} trailing bytes`, recordOffset);
  return { sequenceNumber, prefixLength, prefix, entries };
}

export function encodeRibRecord(record: RibRecord, addPath = false): Uint8Array {
  const fixed = addPath ? 12 : 8;
  const size = 7 + record.prefix.length + record.entries.reduce((n, e) => n + fixed + e.attributes.length, 0);
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
    if (addPath) view.setUint32(at + 6, entry.pathId ?? 0);
    view.setUint16(at + fixed - 2, entry.attributes.length);
    out.set(entry.attributes, at + fixed);
    at += fixed + entry.attributes.length;
  }
  return out;
}
