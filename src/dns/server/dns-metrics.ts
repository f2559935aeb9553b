/**
 * The engine's metrics, kept as plain cumulative data (cheap on the hot path, and easy to
 * send from a worker process to the primary) and rendered into a fresh Prometheus registry
 * when /metrics is read.
 */
import { Histogram, MetricsRegistry, type HistogramSnapshot } from '../../observe/metrics.js';
import { className, rcodeName, typeName } from '../wire/constants.js';
import type { AnswerSummary, Transport } from './respond.js';

/** Seconds; cached answers take tens of microseconds, transfers milliseconds. */
export const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];

export interface DnsMetricsSnapshot {
  /** `transport|qtype|qclass|rcode` → count. */
  queries: Record<string, number>;
  latency: HistogramSnapshot;
  tcpAccepted: number;
  tcpOpen: number;
  tcpRefused: number;
  truncated: number;
}

export class DnsMetrics {
  private readonly queries = new Map<string, number>();
  private readonly latency = new Histogram('latency', 'latency', LATENCY_BUCKETS);
  private tcpOpen = 0;
  private tcpAccepted = 0;
  private tcpRefused = 0;
  private truncated = 0;

  /** The counting key of a summary; pass it back to `query` to skip rebuilding it. */
  static keyOf(transport: Transport, s: AnswerSummary): string {
    return `${transport}|${s.qtype ?? 0}|${s.qclass ?? 0}|${s.rcode ?? -1}`;
  }

  query(transport: Transport, s: AnswerSummary, seconds: number, key = DnsMetrics.keyOf(transport, s)): void {
    if (s.rcode === undefined) return;
    this.countQuery(s, key);
    this.latency.observe(seconds);
  }

  /** Count one answered query under `key` (from `keyOf`); silence (no rcode) is not counted. */
  countQuery(s: AnswerSummary, key: string): void {
    if (s.rcode === undefined) return;
    this.queries.set(key, (this.queries.get(key) ?? 0) + 1);
    if (s.truncated) this.truncated += 1;
  }

  /** `times` queries that each took `seconds` (a batch answered together). */
  observeLatency(seconds: number, times = 1): void {
    for (let i = 0; i < times; i++) this.latency.observe(seconds);
  }

  tcpOpened(): void {
    this.tcpOpen += 1;
    this.tcpAccepted += 1;
  }

  tcpClosed(): void {
    this.tcpOpen -= 1;
  }

  tcpRefusedOverLimit(): void {
    this.tcpRefused += 1;
  }

  get openTcpConnections(): number {
    return this.tcpOpen;
  }

  snapshot(): DnsMetricsSnapshot {
    return {
      queries: Object.fromEntries(this.queries),
      latency: this.latency.snapshot(),
      tcpAccepted: this.tcpAccepted,
      tcpOpen: this.tcpOpen,
      tcpRefused: this.tcpRefused,
      truncated: this.truncated,
    };
  }
}

export interface ServerState {
  zones: ReadonlyArray<{ origin: string; class: string; serial: number }>;
  reloads: { ok: number; failed: number };
}

/** Prometheus text from the snapshots of every process serving queries, plus zone state. */
export function renderDnsMetrics(snaps: readonly DnsMetricsSnapshot[], state: ServerState): string {
  const reg = new MetricsRegistry();
  const queries = reg.counter('flatlab_dns_queries_total', 'DNS queries answered, by transport, query type, query class and response code.');
  const latency = reg.histogram('flatlab_dns_query_duration_seconds', 'Time from receiving a query to handing its response to the socket.', LATENCY_BUCKETS);
  const tcpAccepted = reg.counter('flatlab_dns_tcp_connections_total', 'TCP connections accepted.');
  const tcpRefused = reg.counter('flatlab_dns_tcp_connections_refused_total', 'TCP connections closed at once because the connection limit was reached.');
  const tcpOpen = reg.gauge('flatlab_dns_tcp_connections_open', 'TCP connections open now.');
  const truncated = reg.counter('flatlab_dns_truncated_total', 'UDP responses sent with TC set.');
  const reloads = reg.counter('flatlab_dns_reloads_total', 'Zone reloads by result.');
  const serial = reg.gauge('flatlab_dns_zone_serial', 'SOA serial of each zone being served.');
  let open = 0;
  for (const s of snaps) {
    for (const [k, v] of Object.entries(s.queries)) {
      const [transport = '', qtype = '0', qclass = '0', rcode = '0'] = k.split('|');
      queries.inc({ transport, qtype: typeName(Number(qtype)), qclass: className(Number(qclass)), rcode: rcodeName(Number(rcode)) }, v);
    }
    latency.merge(s.latency);
    tcpAccepted.inc(undefined, s.tcpAccepted);
    tcpRefused.inc(undefined, s.tcpRefused);
    truncated.inc(undefined, s.truncated);
    open += s.tcpOpen;
  }
  tcpOpen.set(open);
  reloads.inc({ result: 'ok' }, state.reloads.ok);
  reloads.inc({ result: 'failed' }, state.reloads.failed);
  for (const z of state.zones) serial.set(z.serial, { zone: z.origin, class: z.class });
  return reg.render();
}
