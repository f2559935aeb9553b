/**
 * The resolver's cache of upstream answers, keyed by question (name, type, class, DO, CD).
 * Positive answers live as long as their smallest TTL; negative ones (NXDOMAIN, NODATA) as
 * long as RFC 2308 §5 says: min(SOA TTL, SOA MINIMUM), and not at all without an SOA.
 * Errors are not cached. TTLs handed out count down with the clock (RFC 1035 §4.1.3).
 */
import { RCODE, TYPE } from '../wire/constants.js';
import { questionKey, type Dns64Question } from '../dns64/synthesize.js';
import type { Rr, UpstreamAnswer } from '../dns64/upstream-answer.js';

interface Entry {
  answer: UpstreamAnswer;
  storedMs: number;
  expiresMs: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  stored: number;
}

export const DEFAULT_CACHE_ENTRIES = 100_000;
export const DEFAULT_MAX_TTL = 86_400;

export class UpstreamCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats: CacheStats = { hits: 0, misses: 0, stored: 0 };

  constructor(
    private readonly nowMs: () => number,
    private readonly maxEntries = DEFAULT_CACHE_ENTRIES,
    private readonly maxTtl = DEFAULT_MAX_TTL,
  ) {}

  get(q: Dns64Question): UpstreamAnswer | undefined {
    const key = questionKey(q);
    const e = this.entries.get(key);
    const now = this.nowMs();
    if (!e || now >= e.expiresMs) {
      if (e) this.entries.delete(key);
      this.stats.misses += 1;
      return undefined;
    }
    this.stats.hits += 1;
    const elapsed = Math.floor((now - e.storedMs) / 1000);
    if (elapsed === 0) return e.answer;
    const age = (rrs: Rr[]) => rrs.map((r) => ({ ...r, ttl: Math.max(0, r.ttl - elapsed) }));
    return { ...e.answer, answer: age(e.answer.answer), authority: age(e.answer.authority), additional: age(e.answer.additional) };
  }

  set(q: Dns64Question, answer: UpstreamAnswer): void {
    const ttl = Math.min(cacheTtl(answer) ?? 0, this.maxTtl);
    if (ttl <= 0) return;
    if (this.entries.size >= this.maxEntries) this.evictExpiredOrOldest();
    const now = this.nowMs();
    const cap = (rrs: Rr[]) => rrs.map((r) => (r.ttl > this.maxTtl ? { ...r, ttl: this.maxTtl } : r));
    this.entries.set(questionKey(q), { answer: { ...answer, answer: cap(answer.answer), authority: cap(answer.authority), additional: cap(answer.additional) }, storedMs: now, expiresMs: now + ttl * 1000 });
    this.stats.stored += 1;
  }

  get size(): number {
    return this.entries.size;
  }

  private evictExpiredOrOldest(): void {
    const now = this.nowMs();
    for (const [k, e] of this.entries) if (e.expiresMs <= now) this.entries.delete(k);
    // Still full: drop the oldest tenth (Map keeps insertion order).
    if (this.entries.size >= this.maxEntries) {
      let n = Math.ceil(this.maxEntries / 10);
      for (const k of this.entries.keys()) {
        if (n-- <= 0) break;
        this.entries.delete(k);
      }
    }
  }
}

/** Seconds an answer may be cached, or undefined when it must not be. */
export function cacheTtl(a: UpstreamAnswer): number | undefined {
  if (a.rcode !== RCODE.NOERROR && a.rcode !== RCODE.NXDOMAIN) return undefined;
  if (a.rcode === RCODE.NOERROR && a.answer.length > 0) {
    return Math.min(...a.answer.map((r) => r.ttl));
  }
  const soa = a.authority.find((r) => r.type === TYPE.SOA);
  if (!soa || soa.rdata.length < 20) return undefined;
  return Math.min(soa.ttl, soa.rdata.readUInt32BE(soa.rdata.length - 4));
}
