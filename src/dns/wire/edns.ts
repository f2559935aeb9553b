/**
 * EDNS(0) (RFC 6891): reading the client's OPT record and writing ours.
 */
import { DnsFormatError } from './errors.js';
import { TYPE } from './constants.js';
import type { WireRecord } from './message.js';

export interface ClientEdns {
  /** Requestor's UDP payload size; values below 512 are treated as 512 (RFC 6891 §6.2.5). */
  udpSize: number;
  version: number;
  /** DNSSEC OK, copied into the response (RFC 3225 §3). */
  dnssecOk: boolean;
}

/**
 * The query's EDNS state: undefined without OPT; a DnsFormatError for more than one OPT
 * or an OPT not owned by the root (RFC 6891 §6.1.1).
 */
export function readClientEdns(additionals: readonly WireRecord[]): ClientEdns | undefined {
  let found: ClientEdns | undefined;
  for (const rr of additionals) {
    if (rr.type !== TYPE.OPT) continue;
    if (found) throw new DnsFormatError('more than one OPT record', rr.start);
    if (rr.name !== '.') throw new DnsFormatError('OPT record not owned by the root', rr.start);
    found = {
      udpSize: Math.max(512, rr.class),
      version: (rr.ttl >>> 16) & 0xff,
      dnssecOk: (rr.ttl & 0x8000) !== 0,
    };
  }
  return found;
}

/** Our OPT record: payload size, the upper 8 bits of an extended RCODE, version 0. */
export function encodeOpt(opts: { udpSize: number; extendedRcode?: number; dnssecOk?: boolean }): Buffer {
  const b = Buffer.alloc(11);
  b[0] = 0; // root owner
  b.writeUInt16BE(TYPE.OPT, 1);
  b.writeUInt16BE(opts.udpSize, 3);
  b[5] = ((opts.extendedRcode ?? 0) >> 4) & 0xff;
  b[6] = 0; // version 0
  b.writeUInt16BE(opts.dnssecOk ? 0x8000 : 0, 7);
  b.writeUInt16BE(0, 9);
  return b;
}
