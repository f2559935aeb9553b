/**
 * An upstream response as plain records whose rdata stands alone: names inside rdata are
 * written out uncompressed, so a record can be copied into another message (and cached)
 * without the message it came from. Only the types RFC 3597 §4 lets senders compress,
 * plus those receivers are told to decompress, carry names that need this.
 */
import { TYPE } from '../wire/constants.js';
import { DnsFormatError } from '../wire/errors.js';
import { rcodeOf, type WireMessage, type WireRecord } from '../wire/message.js';
import { nameToLabels, readName } from '../wire/names.js';

export interface Rr {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** Self-contained rdata (no compression pointers). */
  rdata: Buffer;
}

export interface UpstreamAnswer {
  rcode: number;
  /** The upstream header flags (AA, TC, AD …), kept for the query log. */
  flags: number;
  answer: Rr[];
  authority: Rr[];
  /** Without OPT and TSIG: those belong to the hop, not the data. */
  additional: Rr[];
}

/** Where names sit in rdata: `n` a name, a number that many fixed bytes. */
const RDATA_LAYOUT: Record<number, ReadonlyArray<'n' | number>> = {
  [TYPE.NS]: ['n'],
  3: ['n'], // MD
  4: ['n'], // MF
  [TYPE.CNAME]: ['n'],
  [TYPE.SOA]: ['n', 'n', 20],
  7: ['n'], // MB
  8: ['n'], // MG
  9: ['n'], // MR
  [TYPE.PTR]: ['n'],
  14: ['n', 'n'], // MINFO
  [TYPE.MX]: [2, 'n'],
  17: ['n', 'n'], // RP
  18: [2, 'n'], // AFSDB
  21: [2, 'n'], // RT
  [TYPE.SRV]: [6, 'n'],
  39: ['n'], // DNAME
};

export function upstreamAnswer(msg: WireMessage): UpstreamAnswer {
  const plain = (rrs: readonly WireRecord[]) => rrs.filter((r) => r.type !== TYPE.OPT && r.type !== TYPE.TSIG).map((r) => standalone(msg.raw, r));
  return {
    rcode: rcodeOf(msg.header.flags),
    flags: msg.header.flags,
    answer: plain(msg.answers),
    authority: plain(msg.authorities),
    additional: plain(msg.additionals),
  };
}

function standalone(raw: Buffer, r: WireRecord): Rr {
  const layout = RDATA_LAYOUT[r.type];
  const base = { name: r.name, type: r.type, class: r.class, ttl: r.ttl };
  if (!layout) return { ...base, rdata: Buffer.from(r.rdata) };
  const parts: Buffer[] = [];
  let pos = r.rdataStart;
  const end = r.rdataStart + r.rdata.length;
  for (const item of layout) {
    if (item === 'n') {
      const n = readName(raw, pos);
      if (n.end > end) throw new DnsFormatError(`a name in the rdata of ${r.name} runs past the record`, pos);
      parts.push(encodeNameUncompressed(n.name));
      pos = n.end;
    } else {
      if (pos + item > end) throw new DnsFormatError(`the rdata of ${r.name} is shorter than its type needs`, pos);
      parts.push(raw.subarray(pos, pos + item));
      pos += item;
    }
  }
  // Anything after the known layout (there should be none) is kept as it was.
  if (pos < end) parts.push(raw.subarray(pos, end));
  return { ...base, rdata: Buffer.concat(parts) };
}

export function encodeNameUncompressed(name: string): Buffer {
  const labels = nameToLabels(name);
  const out = Buffer.alloc(labels.reduce((n, l) => n + l.length + 1, 1));
  let p = 0;
  for (const l of labels) {
    out[p++] = l.length;
    l.copy(out, p);
    p += l.length;
  }
  out[p] = 0;
  return out;
}

/** The first name in a record's standalone rdata (CNAME, DNAME, PTR target). */
export function rdataName(rdata: Buffer): string {
  return readName(rdata, 0).name;
}
