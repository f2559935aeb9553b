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
  /**
   * Set by the cache: the answer points into a proper suffix of the question name (a zone name
   * compressed against the client's spelling of it), so it serves only queries spelt as this
   * one was; otherwise any spelling of the name (see `keyFor`).
   */
  spelling?: string;
  summary: AnswerSummary;
  /** DnsMetrics key of the summary, computed once per cached answer. */
  metricsKey?: string;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(private readonly maxEntries = 200_000) {}

  /**
   * The cache key for a query, or undefined when the query must not be cached. Names compare
   * case-insensitively (RFC 4343): the question name is folded to lower case in the key, so
   * resolvers that randomise the case of their queries (0x20, e.g. unbound's use-caps-for-id)
   * hit the cache too; `writeAnswer` puts the query's own spelling back into the copy it sends.
   */
  keyFor(query: Buffer): string | undefined {
    if (query.length < 17 || query.length > 512) return undefined;
    // Only QDCOUNT=1, ANCOUNT=NSCOUNT=0 and at most one additional (OPT) are candidates;
    // the additional must be OPT (type 41), not TSIG.
    if (query.readUInt16BE(4) !== 1 || query.readUInt16BE(6) !== 0 || query.readUInt16BE(8) !== 0) return undefined;
    const nameEnd = questionNameEnd(query);
    if (nameEnd < 0 || nameEnd + 4 > query.length) return undefined;
    const qtype = query.readUInt16BE(nameEnd);
    if (qtype === TYPE.AXFR || qtype === TYPE.IXFR) return undefined;
    const ar = query.readUInt16BE(10);
    if (ar > 1) return undefined;
    // A root-owned OPT is the last record: name 0, type 41.
    if (ar === 1 && !rootOptAt(query, nameEnd + 4)) return undefined;
    if (ar === 0 && nameEnd + 4 !== query.length) return undefined;
    if (!hasUpperCase(query, nameEnd)) return query.toString('latin1', 2);
    const folded = Buffer.from(query);
    foldCase(folded, nameEnd);
    return folded.toString('latin1', 2);
  }

  /**
   * The cached entry for `query` (whose key is `key`); its bytes are shared: send a copy made for
   * the query (`answerFor`, `writeCachedAnswer`), never the bytes themselves.
   */
  get(key: string, query: Buffer): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry?.spelling !== undefined && entry.spelling !== questionSpelling(query)) return undefined;
    return entry;
  }

  /**
   * Cache the answer to `query`. An answer bound to its query's spelling does not replace one
   * that serves every spelling.
   */
  set(key: string, value: CachedResponse, query: Buffer): void {
    if (value.summary.qtype === TYPE.AXFR || value.summary.qtype === TYPE.IXFR || value.summary.signed) return;
    const nameEnd = questionNameEnd(query);
    if (nameEnd < 0) return;
    if (pointsIntoQuestionSuffix(value.bytes, nameEnd)) {
      if (this.entries.get(key)?.spelling === undefined && this.entries.has(key)) return;
      value.spelling = query.toString('latin1', 12, nameEnd);
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * A copy of a cached response for `query`: its ID, and its question name as the query spelt it
 * (the cache key folds case). Compression pointers in the answer refer to the question name,
 * so names written as pointers take the query's spelling too, as in a fresh answer.
 */
export function answerFor(entry: CachedResponse, query: Buffer): Buffer {
  const bytes = Buffer.allocUnsafe(entry.bytes.length);
  writeCachedAnswer(entry.bytes, query, bytes);
  return bytes;
}

/** Copy cached response bytes into `out` with the ID and question-name spelling of `query`; the length written. */
export function writeCachedAnswer(cached: Buffer, query: Buffer, out: Buffer): number {
  const n = cached.copy(out, 0);
  if (n < 12) return n;
  out[0] = query[0] ?? 0;
  out[1] = query[1] ?? 0;
  // Both questions have the same length (their folded names are equal); an answer without
  // the question (e.g. FORMERR) keeps its bytes.
  if (cached.readUInt16BE(4) === 1) {
    const end = questionNameEnd(query);
    if (end > 12 && end <= n) query.copy(out, 12, 12, end);
  }
  return n;
}

function questionSpelling(query: Buffer): string {
  return query.toString('latin1', 12, questionNameEnd(query));
}

const NAMES_IN_RDATA = new Set<number>([TYPE.NS, TYPE.CNAME, TYPE.PTR, TYPE.MX, TYPE.SOA]);

/**
 * Whether a response (its question as long as the query's, ending at `nameEnd`) holds a
 * compression pointer to a proper suffix of the question name, in an owner name or in the
 * names of NS/CNAME/PTR/MX/SOA rdata (the only ones our writer compresses). A malformed
 * response counts as bound, so it is never served to another spelling.
 */
export function pointsIntoQuestionSuffix(msg: Buffer, nameEnd: number): boolean {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return false;
  const records = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  let p = nameEnd + 4;
  // Each name walk: the offset after it, or -1 when it points into the question's suffix or overruns.
  const walk = (at: number): number => {
    let q = at;
    for (;;) {
      if (q >= msg.length) return -1;
      const len = msg[q]!;
      if (len === 0) return q + 1;
      if ((len & 0xc0) === 0xc0) {
        if (q + 1 >= msg.length) return -1;
        const target = ((len & 0x3f) << 8) | msg[q + 1]!;
        return target > 12 && target < nameEnd - 1 ? -1 : q + 2;
      }
      if ((len & 0xc0) !== 0) return -1;
      q += len + 1;
    }
  };
  for (let i = 0; i < records; i++) {
    p = walk(p);
    if (p < 0 || p + 10 > msg.length) return true;
    const type = msg.readUInt16BE(p);
    const rdlength = msg.readUInt16BE(p + 8);
    const rdata = p + 10;
    p = rdata + rdlength;
    if (p > msg.length) return true;
    if (!NAMES_IN_RDATA.has(type)) continue;
    let r = type === TYPE.MX ? rdata + 2 : rdata;
    r = walk(r);
    if (r < 0) return true;
    if (type === TYPE.SOA && walk(r) < 0) return true;
  }
  return false;
}

/** Offset just past the question name (its root label), or -1 for a pointer or a name that overruns. */
function questionNameEnd(q: Buffer): number {
  let p = 12;
  for (;;) {
    if (p >= q.length) return -1;
    const len = q[p]!;
    if (len === 0) return p + 1;
    if ((len & 0xc0) !== 0) return -1;
    p += len + 1;
  }
}

function hasUpperCase(q: Buffer, nameEnd: number): boolean {
  for (let p = 12; p < nameEnd - 1; p += q[p]! + 1) {
    for (let i = p + 1; i <= p + q[p]!; i++) if (q[i]! >= 0x41 && q[i]! <= 0x5a) return true;
  }
  return false;
}

/** ASCII letters of the question name's labels to lower case (length octets untouched). */
function foldCase(q: Buffer, nameEnd: number): void {
  for (let p = 12; p < nameEnd - 1; p += q[p]! + 1) {
    for (let i = p + 1; i <= p + q[p]!; i++) if (q[i]! >= 0x41 && q[i]! <= 0x5a) q[i] = q[i]! | 0x20;
  }
}

/** Whether an OPT owned by the root is the whole of the query from `at` on (11 bytes plus its options). */
function rootOptAt(q: Buffer, at: number): boolean {
  if (at + 11 > q.length) return false;
  return q[at] === 0 && q.readUInt16BE(at + 1) === TYPE.OPT && at + 11 + q.readUInt16BE(at + 9) === q.length;
}
