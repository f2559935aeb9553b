/**
 * Cached responses for the UDP hot path. A response depends only on the query bytes after
 * the ID, the zone data and the transport limits; queries carrying TSIG (time-dependent) or
 * asking for transfers are never cached. The cache belongs to one zone index: a reload
 * replaces the index and with it the cache. Entries are bounded; when full it starts over.
 */
import { TYPE } from '../wire/constants.js';
import type { AnswerSummary } from './respond.js';

export interface CachedResponse {
  bytes: Buffer;
  summary: AnswerSummary;
  /** DnsMetrics key of the summary, computed once per cached answer. */
  metricsKey?: string;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(private readonly maxEntries = 200_000) {}

  /** The cache key for a query, or undefined when the query must not be cached. */
  keyFor(query: Buffer): string | undefined {
    if (query.length < 17 || query.length > 512) return undefined;
    // Only QDCOUNT=1, ANCOUNT=NSCOUNT=0 and at most one additional (OPT) are candidates;
    // the additional must be OPT (type 41), not TSIG.
    if (query.readUInt16BE(4) !== 1 || query.readUInt16BE(6) !== 0 || query.readUInt16BE(8) !== 0) return undefined;
    const ar = query.readUInt16BE(10);
    if (ar > 1) return undefined;
    if (ar === 1) {
      // A root-owned OPT is the last 11+ bytes: name 0, type 41.
      const optAt = findRootOpt(query);
      if (optAt < 0) return undefined;
    } else {
      const qtype = query.readUInt16BE(query.length - 4);
      if (qtype === TYPE.AXFR || qtype === TYPE.IXFR) return undefined;
    }
    return query.toString('latin1', 2);
  }

  /** The cached entry; its bytes are shared: send a copy with the query's ID (`withId`, `writeAnswer`), never the bytes themselves. */
  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedResponse): void {
    if (value.summary.qtype === TYPE.AXFR || value.summary.qtype === TYPE.IXFR || value.summary.signed) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A copy of a cached response carrying the query's ID (the socket may still hold the previous copy). */
export function withId(entry: CachedResponse, id: number): Buffer {
  const bytes = Buffer.allocUnsafe(entry.bytes.length);
  entry.bytes.copy(bytes);
  bytes[0] = id >> 8;
  bytes[1] = id & 0xff;
  return bytes;
}

/** Offset of an OPT owned by the root in the final 11-byte-or-longer record, else -1. */
function findRootOpt(q: Buffer): number {
  // Walk the question name to find where the additional section starts.
  let p = 12;
  while (p < q.length) {
    const len = q[p] ?? 0;
    if (len === 0) break;
    if ((len & 0xc0) !== 0) return -1;
    p += len + 1;
  }
  p += 5; // root label end + type + class
  if (p + 11 > q.length) return -1;
  const qtype = q.readUInt16BE(p - 4);
  if (qtype === TYPE.AXFR || qtype === TYPE.IXFR) return -1;
  if (q[p] !== 0 || q.readUInt16BE(p + 1) !== TYPE.OPT) return -1;
  return p;
}
