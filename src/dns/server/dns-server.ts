/**
 * The I/O shell around `respond`: UDP and TCP sockets on every listen address. TCP follows
 * RFC 7766: length-framed, pipelined (answers go out as they are ready), an idle timeout,
 * a cap on open connections and on queries per connection. Anything thrown while answering
 * one query is logged and that query dropped; the server keeps running.
 */
import { createSocket } from 'node:dgram';
import { createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { FlatlabError } from '../../config/diagnostics.js';
import type { TsigKey } from '../wire/tsig.js';
import type { TransferAcl } from './access.js';
import { DnsMetrics } from './dns-metrics.js';
import type { Endpoint } from './endpoint.js';
import { respond, type AnswerContext, type AnswerSummary, type Transport } from './respond.js';
import type { CachedResponse } from './response-cache.js';
import { openBatchSocket, udpBatchAvailability } from './udp-batch.js';
import { udpAnswer, writeAnswer, type UdpAnswerDeps } from './udp-answer.js';
import { DnsTcpFramer, frameMessage } from './tcp-framer.js';
import type { ZoneStore } from './zone-store.js';

export interface QueryLogEntry {
  transport: Transport;
  client: string;
  summary: AnswerSummary;
  micros: number;
}

export interface DnsServerOptions {
  listen: readonly Endpoint[];
  store: ZoneStore;
  metrics: DnsMetrics;
  tsigKeys?: readonly TsigKey[];
  transferAcl?: TransferAcl;
  maxUdpPayload?: number;
  /** RFC 7766 §6.2.3 suggests seconds, not minutes. */
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  maxQueriesPerConnection?: number;
  nowSeconds?: () => number;
  /** Called for every answered query when query logging is on. */
  logQuery?: (entry: QueryLogEntry) => void;
  /** A TSIG-signed NOTIFY for one of our zones arrived: reload. */
  onReloadRequest?: (zone: string) => void;
  /** Called when answering a query threw (a bug): the query is dropped. */
  onError?: (err: unknown) => void;
  /**
   * false in cluster workers: TCP listeners are shared through the primary; UDP sockets are
   * each worker's own with SO_REUSEPORT (batched), or one handle shared by the primary (dgram).
   */
  exclusive?: boolean;
  /** `auto` (default): batched (native/udp-batch) when built, else Node's dgram. */
  udpIo?: 'auto' | 'dgram' | 'batch';
}

export interface DnsServer {
  udp: AddressInfo[];
  tcp: AddressInfo[];
  close(): Promise<void>;
}

/** A listen address could not be bound (in use, not local, needs root for port < 1024). */
export class ListenError extends FlatlabError {}

export function listenError(what: string, host: string, port: number, err: unknown): ListenError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const hint =
    code === 'EADDRINUSE'
      ? 'another process holds this port; pick another --listen port or stop it'
      : code === 'EACCES'
        ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE'
        : code === 'EADDRNOTAVAIL'
          ? 'the address is not configured on this host'
          : 'check the address and port';
  return new ListenError('dns.listen-failed', `cannot listen on ${what} ${host.includes(':') ? `[${host}]` : host}:${port}: ${code || (err as Error).message}`, { hint, cause: err });
}

export const DEFAULT_TCP_IDLE_MS = 10_000;
export const DEFAULT_MAX_TCP_CONNECTIONS = 512;
export const DEFAULT_MAX_QUERIES_PER_CONNECTION = 10_000;

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const udpSockets: UdpListener[] = [];
  const tcpServers: Server[] = [];
  const connections = new Set<Socket>();
  const nowSeconds = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  try {
    for (const ep of opts.listen) {
      const tcp = await listenTcp(ep, opts, connections, nowSeconds);
      tcpServers.push(tcp);
      // Port 0: let TCP pick the port, then bind UDP to the same number.
      const port = ep.port === 0 ? (tcp.address() as AddressInfo).port : ep.port;
      udpSockets.push(await listenUdp({ host: ep.host, port }, opts, nowSeconds));
    }
  } catch (err) {
    await Promise.all(udpSockets.map((s) => s.close()));
    for (const s of tcpServers) s.close();
    throw err;
  }
  return {
    udp: udpSockets.map((s) => s.address()),
    tcp: tcpServers.map((s) => s.address() as AddressInfo),
    async close(): Promise<void> {
      for (const c of connections) c.destroy();
      await Promise.all([
        ...udpSockets.map((s) => s.close()),
        ...tcpServers.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ]);
    },
  };
}

function context(opts: DnsServerOptions, transport: Transport, client: string, nowSeconds: () => number): AnswerContext {
  return {
    index: opts.store.index,
    transport,
    client,
    nowSeconds: nowSeconds(),
    ...(opts.tsigKeys ? { tsigKeys: opts.tsigKeys } : {}),
    ...(opts.transferAcl ? { transferAcl: opts.transferAcl } : {}),
    ...(opts.maxUdpPayload ? { maxUdpPayload: opts.maxUdpPayload } : {}),
  };
}

/** Either socket kind, as the server needs it. */
interface UdpListener {
  address(): AddressInfo;
  close(): Promise<void>;
}

function listenUdp(ep: Endpoint, opts: DnsServerOptions, nowSeconds: () => number): Promise<UdpListener> {
  const deps: UdpAnswerDeps = { store: opts.store, context: (client) => context(opts, 'udp', client, nowSeconds) };
  const io = opts.udpIo ?? 'auto';
  if (io === 'batch' || (io === 'auto' && udpBatchAvailability() === true)) return listenUdpBatch(ep, opts, deps);
  return listenUdpDgram(ep, opts, deps);
}

/** The reload hook, counting and the query log for one answered datagram (latency is the caller's). */
function afterAnswer(opts: DnsServerOptions, entry: CachedResponse, client: { readonly address: string }, micros: number): void {
  const summary = entry.summary;
  if (summary.reloadRequested) opts.onReloadRequest?.(summary.reloadRequested);
  if (summary.rcode !== undefined) opts.metrics.countQuery(summary, entry.metricsKey ?? DnsMetrics.keyOf('udp', summary));
  opts.logQuery?.({ transport: 'udp', client: client.address, summary, micros });
}

/**
 * Batched socket (native/udp-batch). In cluster workers every worker binds its own socket
 * with SO_REUSEPORT; the kernel spreads client flows over them. Latency is observed per
 * batch: from the moment the first datagram of the batch is handled until the batch is
 * handed to the kernel, for every query in it.
 */
function listenUdpBatch(ep: Endpoint, opts: DnsServerOptions, deps: UdpAnswerDeps): Promise<UdpListener> {
  let batchStart = 0;
  let answered = 0;
  try {
    const sock = openBatchSocket({
      host: ep.host,
      port: ep.port,
      reusePort: opts.exclusive === false,
      handler: (query, peer, out) => {
        if (batchStart === 0) batchStart = performance.now();
        const entry = udpAnswer(query, peer, deps);
        if (entry.summary.rcode !== undefined) answered += 1;
        afterAnswer(opts, entry, peer, opts.logQuery ? Math.round((performance.now() - batchStart) * 1000) : 0);
        return entry.bytes.length === 0 ? 0 : writeAnswer(entry, query, out);
      },
      onBatchSent: () => {
        if (answered > 0) opts.metrics.observeLatency((performance.now() - batchStart) / 1000, answered);
        batchStart = 0;
        answered = 0;
      },
      onError: (err) => opts.onError?.(err),
    });
    return Promise.resolve(sock);
  } catch (err) {
    return Promise.reject(listenError('udp', ep.host, ep.port, err));
  }
}

function listenUdpDgram(ep: Endpoint, opts: DnsServerOptions, deps: UdpAnswerDeps): Promise<UdpListener> {
  const sock = createSocket({ type: isIP(ep.host) === 6 ? 'udp6' : 'udp4', ...(isIP(ep.host) === 6 ? { ipv6Only: true } : {}) });
  sock.on('message', (msg, rinfo) => {
    const started = performance.now();
    try {
      const entry = udpAnswer(msg, rinfo, deps);
      // The socket may still hold an earlier copy: each send gets its own.
      if (entry.bytes.length > 0) {
        const bytes = Buffer.allocUnsafe(entry.bytes.length);
        writeAnswer(entry, msg, bytes);
        sock.send(bytes, rinfo.port, rinfo.address);
      }
      const ms = performance.now() - started;
      if (entry.summary.rcode !== undefined) opts.metrics.observeLatency(ms / 1000);
      afterAnswer(opts, entry, rinfo, Math.round(ms * 1000));
    } catch (err) {
      opts.onError?.(err);
    }
  });
  return new Promise((resolve, reject) => {
    sock.once('error', (err) => reject(listenError('udp', ep.host, ep.port, err)));
    sock.bind({ address: ep.host, port: ep.port, exclusive: opts.exclusive ?? true }, () => {
      sock.removeAllListeners('error');
      sock.on('error', (err) => opts.onError?.(err));
      resolve({ address: () => sock.address(), close: () => new Promise<void>((r) => sock.close(() => r())) });
    });
  });
}

function listenTcp(ep: Endpoint, opts: DnsServerOptions, connections: Set<Socket>, nowSeconds: () => number): Promise<Server> {
  const maxConnections = opts.maxTcpConnections ?? DEFAULT_MAX_TCP_CONNECTIONS;
  const maxQueries = opts.maxQueriesPerConnection ?? DEFAULT_MAX_QUERIES_PER_CONNECTION;
  const server = createServer({ noDelay: true }, (sock) => {
    if (connections.size >= maxConnections) {
      opts.metrics.tcpRefusedOverLimit();
      sock.destroy();
      return;
    }
    connections.add(sock);
    opts.metrics.tcpOpened();
    const client = sock.remoteAddress ?? '';
    const framer = new DnsTcpFramer();
    let answered = 0;
    sock.setTimeout(opts.tcpIdleTimeoutMs ?? DEFAULT_TCP_IDLE_MS, () => sock.end());
    sock.on('data', (chunk) => {
      for (const msg of framer.push(chunk)) {
        if (answered >= maxQueries) {
          // RFC 7766 §6.2.3: a server may close after a number of queries; the client retries.
          sock.end();
          return;
        }
        answered += 1;
        const started = process.hrtime.bigint();
        try {
          const res = respond(msg, context(opts, 'tcp', client, nowSeconds));
          for (const m of res.messages) sock.write(frameMessage(m));
          if (res.summary.reloadRequested) opts.onReloadRequest?.(res.summary.reloadRequested);
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          opts.metrics.query('tcp', res.summary, seconds);
          opts.logQuery?.({ transport: 'tcp', client, summary: res.summary, micros: Math.round(seconds * 1e6) });
          if (res.messages.length === 0) {
            // Silence on TCP would leave the client waiting: close instead (RFC 7766 §6.2.4 spirit).
            sock.end();
            return;
          }
        } catch (err) {
          opts.onError?.(err);
          sock.destroy();
          return;
        }
      }
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => {
      connections.delete(sock);
      opts.metrics.tcpClosed();
    });
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(listenError('tcp', ep.host, ep.port, err));
    server.once('error', onError);
    server.listen({ host: ep.host, port: ep.port, exclusive: opts.exclusive ?? true, ...(isIP(ep.host) === 6 ? { ipv6Only: true } : {}) }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}
