/**
 * The UDP hot path shared by both socket kinds (dgram and batched): the response to one
 * datagram from the response cache when it can be, else from `respond` (then cached). A
 * cache hit allocates nothing but the key: the caller copies the shared bytes and writes
 * the query's ID and question-name spelling into its copy.
 */
import { DnsMetrics } from './dns-metrics.js';
import { respond, type AnswerContext } from './respond.js';
import { writeCachedAnswer, type CachedResponse } from './response-cache.js';
import type { ZoneStore } from './zone-store.js';

export interface UdpAnswerDeps {
  store: ZoneStore;
  /** Everything in the answer context but what varies per query. */
  context: (client: string) => AnswerContext;
}

/**
 * The response to `query` with the ID of whichever query first produced it; its `bytes`
 * are empty when the query gets silence. `peer.address` is read only on a cache miss.
 */
export function udpAnswer(query: Buffer, peer: { readonly address: string }, deps: UdpAnswerDeps): CachedResponse {
  const cache = deps.store.cache;
  const key = cache.keyFor(query);
  if (key !== undefined) {
    const hit = cache.get(key, query);
    if (hit) return hit;
  }
  const res = respond(query, deps.context(peer.address));
  const bytes = res.messages[0];
  const entry: CachedResponse = { bytes: bytes ?? EMPTY, summary: res.summary, metricsKey: DnsMetrics.keyOf('udp', res.summary) };
  if (key !== undefined && bytes) cache.set(key, entry, query);
  return entry;
}

const EMPTY = Buffer.alloc(0);

/** Copy `entry` into `out` with the ID and question-name spelling of `query`; the length written. */
export function writeAnswer(entry: CachedResponse, query: Buffer, out: Buffer): number {
  return writeCachedAnswer(entry.bytes, query, out);
}
