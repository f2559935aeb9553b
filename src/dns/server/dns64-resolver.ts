/**
 * The driver around the sans-IO DNS64 core: runs `respondDns64` until it has a response,
 * fetching each upstream question it asks from the cache or the forwarder (one fetch per
 * question in flight, however many clients wait for it). Also keeps a short-lived copy of
 * finished UDP responses so a repeated query costs one map lookup: valid only within the
 * second it was made, since cached TTLs count down by the second.
 */
import type { Dns64Policy } from '../dns64/policy.js';
import { respondDns64, serverFailure, type Dns64Summary, type Dns64Transport } from '../dns64/respond.js';
import { questionKey, type Dns64Question } from '../dns64/synthesize.js';
import type { UpstreamAnswer } from '../dns64/upstream-answer.js';
import { RCODE } from '../wire/constants.js';
import { DnsEncodeError } from '../wire/errors.js';
import type { UpstreamCache } from './dns64-cache.js';
import { DnsMetrics } from './dns-metrics.js';

export interface UpstreamAsker {
  ask(q: Dns64Question): Promise<UpstreamAnswer>;
}

export interface ResolvedQuery {
  bytes: Buffer | undefined;
  summary: Dns64Summary;
  /** Served from the per-second response copy. */
  hot: boolean;
}

/** A question asks upstream at most this often per client query (AAAA, A, PTR need 2). */
const MAX_STEPS = 6;
const HOT_ENTRIES = 50_000;

interface Hot {
  second: number;
  bytes: Buffer;
  summary: Dns64Summary;
  /** The metrics counting key, built once per entry instead of once per query. */
  metricsKey: string;
}

export class Dns64Resolver {
  private readonly inflight = new Map<string, Promise<UpstreamAnswer>>();
  private readonly hot = new Map<string, Hot>();

  constructor(
    private readonly policy: Dns64Policy,
    private readonly upstream: UpstreamAsker,
    private readonly cache: UpstreamCache,
    private readonly nowMs: () => number,
    private readonly maxUdpPayload?: number,
  ) {}

  /** The UDP response if a copy made this second exists (the caller patches the ID). */
  hotResponse(query: Buffer): Hot | undefined {
    if (query.length < 17) return undefined;
    const h = this.hot.get(query.toString('latin1', 2));
    return h && h.second === Math.floor(this.nowMs() / 1000) ? h : undefined;
  }

  async resolve(query: Buffer, transport: Dns64Transport): Promise<ResolvedQuery> {
    // Answers fetched for this query: kept here too, since errors are not cached.
    const local = new Map<string, UpstreamAnswer>();
    const known = (q: Dns64Question) => local.get(questionKey(q)) ?? this.cache.get(q);
    for (let step = 0; step < MAX_STEPS; step++) {
      let s;
      try {
        s = respondDns64(query, { policy: this.policy, transport, known, ...(this.maxUdpPayload ? { maxUdpPayload: this.maxUdpPayload } : {}) });
      } catch (err) {
        // Upstream data we cannot write back out is the server's failure, not the client's.
        if (!(err instanceof DnsEncodeError)) throw err;
        break;
      }
      if (s.kind === 'response') {
        if (transport === 'udp' && s.bytes && query.length >= 17) this.remember(query, s.bytes, s.summary);
        return { bytes: s.bytes, summary: s.summary, hot: false };
      }
      local.set(questionKey(s.question), await this.fetch(s.question));
    }
    return { bytes: serverFailure(query), summary: { truncated: false, rcode: RCODE.SERVFAIL }, hot: false };
  }

  private fetch(q: Dns64Question): Promise<UpstreamAnswer> {
    const key = questionKey(q);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = this.upstream
      .ask(q)
      .then((a) => {
        this.cache.set(q, a);
        return a;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private remember(query: Buffer, bytes: Buffer, summary: Dns64Summary): void {
    if (this.hot.size >= HOT_ENTRIES) this.hot.clear();
    this.hot.set(query.toString('latin1', 2), { second: Math.floor(this.nowMs() / 1000), bytes, summary, metricsKey: DnsMetrics.keyOf('udp', { ...summary, signed: false }) });
  }
}
