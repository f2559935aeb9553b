/**
 * The DNS64 daemon assembled: policy, upstream forwarder, cache, resolver, sockets, and the
 * observation listener (/health, /metrics, /manifest). Clock and logger come in; signals
 * are the caller's (src/cli/dns64.ts).
 */
import type { Logger } from 'pino';
import { startObserveServer, type ObserveServer } from '../../observe/http-server.js';
import { buildManifest, type ModuleManifest } from '../../observe/manifest.js';
import { MetricsRegistry } from '../../observe/metrics.js';
import { isWellKnownPrefix } from '../dns64/rfc6052.js';
import type { Dns64Summary, Dns64Transport } from '../dns64/respond.js';
import { className, rcodeName, typeName } from '../wire/constants.js';
import { DnsMetrics, renderDnsMetrics } from './dns-metrics.js';
import { UpstreamCache } from './dns64-cache.js';
import type { Dns64DaemonConfig } from './dns64-config.js';
import { startDns64Listener, type Dns64Listener } from './dns64-listener.js';
import { Dns64Resolver } from './dns64-resolver.js';
import { UpstreamForwarder, type UpstreamExchange } from './dns64-upstream.js';
import { formatEndpoint, type Endpoint } from './endpoint.js';

export const DNS64_MODULE_NAME = 'flatlab-dns64';

export function dns64Manifest(version: string, http?: Endpoint): ModuleManifest {
  return buildManifest({
    module: DNS64_MODULE_NAME,
    version,
    layer: 'naming',
    requires: ['network', 'dns-recursive-upstream'],
    provides: ['dns64', 'dns-recursive'],
    ...(http ? { http: formatEndpoint(http) } : {}),
  });
}

export interface Dns64HealthDocument {
  status: 'ok' | 'degraded';
  module: string;
  listen: string[];
  upstreams: string[];
  prefixes: string[];
  cache_entries: number;
  tcp_connections_open: number;
  /** Upstream exchanges since start, by transport and result. */
  upstream_results: Record<string, number>;
}

export interface Dns64Daemon {
  dns: Dns64Listener;
  http: ObserveServer | undefined;
  metrics: DnsMetrics;
  cache: UpstreamCache;
  health(): Dns64HealthDocument;
  renderMetrics(): string;
  close(): Promise<void>;
}

export interface Dns64DaemonDeps {
  logger: Logger;
  nowMs?: () => number;
  /** The network by default; tests put a fake here. */
  exchange?: UpstreamExchange;
}

export async function startDns64Daemon(cfg: Dns64DaemonConfig, deps: Dns64DaemonDeps): Promise<Dns64Daemon> {
  const nowMs = deps.nowMs ?? (() => Date.now());
  const metrics = new DnsMetrics();
  const cache = new UpstreamCache(nowMs, cfg.cacheEntries, cfg.maxTtl);
  const forwarder = new UpstreamForwarder({ servers: cfg.upstreams, timeoutMs: cfg.timeoutMs, rounds: cfg.rounds }, deps.exchange);
  const resolver = new Dns64Resolver(cfg.policy, forwarder, cache, nowMs, cfg.maxUdpPayload);
  const outcomes = new Map<string, number>();
  const logQuery = cfg.logQueries
    ? (transport: Dns64Transport, client: string, s: Dns64Summary, us: number) =>
        deps.logger.info(
          {
            transport,
            client,
            qname: s.qname,
            qtype: s.qtype === undefined ? undefined : typeName(s.qtype),
            qclass: s.qclass === undefined ? undefined : className(s.qclass),
            rcode: s.rcode === undefined ? 'silence' : rcodeName(s.rcode),
            outcome: s.outcome,
            tc: s.truncated || undefined,
            us,
          },
          'query',
        )
    : undefined;
  for (const rule of cfg.policy.prefixes) {
    // RFC 6052 §3.1: the Well-Known Prefix must not carry non-global IPv4; Unbound and BIND
    // leave that to configuration, and so do we, but say so.
    if (isWellKnownPrefix(rule.prefix) && cfg.policy.excludeIpv4.length === 0 && rule.mappedIn.length === 0) {
      deps.logger.warn({ prefix: rule.prefix.text }, 'the Well-Known Prefix will embed private IPv4 addresses too (RFC 6052 §3.1 says it must not); add --exclude-private to follow the RFC');
    }
  }
  const dns = await startDns64Listener({
    listen: cfg.listen,
    resolver,
    metrics,
    onAnswered: (transport, client, s, us) => {
      if (s.outcome) outcomes.set(s.outcome, (outcomes.get(s.outcome) ?? 0) + 1);
      logQuery?.(transport, client, s, us);
    },
    onError: (err) => deps.logger.error({ err }, 'error while answering a query (query dropped)'),
  });
  const listen = dns.udp.map((a) => formatEndpoint({ host: a.address, port: a.port }));
  const health = (): Dns64HealthDocument => {
    const results = Object.fromEntries(forwarder.stats.results);
    const ok = (results['udp|ok'] ?? 0) + (results['tcp|ok'] ?? 0);
    const failed = (results['udp|timeout'] ?? 0) + (results['tcp|timeout'] ?? 0);
    return {
      // Degraded when upstreams have only ever timed out: nothing can be resolved.
      status: failed > 0 && ok === 0 ? 'degraded' : 'ok',
      module: DNS64_MODULE_NAME,
      listen,
      upstreams: cfg.upstreams.map(formatEndpoint),
      prefixes: cfg.policy.prefixes.map((p) => p.prefix.text + (p.mappedIn.length ? ` (mapped-in ${p.mappedIn.map((m) => m.text).join(', ')})` : '')),
      cache_entries: cache.size,
      tcp_connections_open: metrics.openTcpConnections,
      upstream_results: results,
    };
  };
  const renderMetrics = (): string => {
    const reg = new MetricsRegistry();
    const synth = reg.counter('flatlab_dns64_answers_total', 'Answers by how they came about (synthesized, real-aaaa, forwarded, reverse, ipv4only-arpa, …).');
    for (const [outcome, n] of outcomes) synth.inc({ outcome }, n);
    const up = reg.counter('flatlab_dns64_upstream_exchanges_total', 'Exchanges with upstream resolvers by transport and result.');
    for (const [k, n] of forwarder.stats.results) {
      const [transport = '', result = ''] = k.split('|');
      up.inc({ transport, result }, n);
    }
    const lookups = reg.counter('flatlab_dns64_cache_lookups_total', 'Upstream-answer cache lookups by result.');
    lookups.inc({ result: 'hit' }, cache.stats.hits);
    lookups.inc({ result: 'miss' }, cache.stats.misses);
    reg.gauge('flatlab_dns64_cache_entries', 'Upstream answers held in the cache.').set(cache.size);
    return renderDnsMetrics([metrics.snapshot()], { zones: [], reloads: { ok: 0, failed: 0 } }) + reg.render();
  };
  let http: ObserveServer | undefined;
  if (cfg.http) {
    try {
      http = await startObserveServer(cfg.http.host, cfg.http.port, {
        health: () => ({ ...health() }),
        metrics: renderMetrics,
        manifest: () => dns64Manifest(cfg.version, http ? { host: http.address().address, port: http.address().port } : cfg.http),
      });
    } catch (err) {
      await dns.close();
      throw err;
    }
  }
  return {
    dns,
    http,
    metrics,
    cache,
    health,
    renderMetrics,
    async close() {
      await Promise.all([dns.close(), http?.close()]);
    },
  };
}
