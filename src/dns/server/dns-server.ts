/**
 * The I/O shell around `respond`: UDP and TCP sockets on every listen address. TCP follows
 * RFC 7766: length-framed, pipelined (answers go out as they are ready), an idle timeout,
 * a cap on open connections and on queries per connection. Anything thrown while answering
 * one query is logged and that query dropped; the server keeps running.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { FlatlabError } from '../../config/diagnostics.js';
import type { TsigKey } from '../wire/tsig.js';
import type { TransferAcl } from './access.js';
import { DnsMetrics } from './dns-metrics.js';
import type { Endpoint } from './endpoint.js';
import { respond, type AnswerContext, type AnswerSummary, type Transport } from './respond.js';
import { withId } from './response-cache.js';
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
  /** Share sockets between cluster workers (UDP handle shared by the primary). */
  exclusive?: boolean;
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
  const udpSockets: UdpSocket[] = [];
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
    for (const s of udpSockets) s.close();
    for (const s of tcpServers) s.close();
    throw err;
  }
  return {
    udp: udpSockets.map((s) => s.address()),
    tcp: tcpServers.map((s) => s.address() as AddressInfo),
    async close(): Promise<void> {
      for (const c of connections) c.destroy();
      await Promise.all([
        ...udpSockets.map((s) => new Promise<void>((r) => s.close(() => r()))),
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

function listenUdp(ep: Endpoint, opts: DnsServerOptions, nowSeconds: () => number): Promise<UdpSocket> {
  const sock = createSocket({ type: isIP(ep.host) === 6 ? 'udp6' : 'udp4', ...(isIP(ep.host) === 6 ? { ipv6Only: true } : {}) });
  sock.on('message', (msg, rinfo) => {
    const started = process.hrtime.bigint();
    try {
      const store = opts.store;
      const cache = store.cache;
      const key = cache.keyFor(msg);
      let bytes: Buffer | undefined;
      let summary: AnswerSummary;
      let metricsKey: string | undefined;
      const hit = key === undefined ? undefined : cache.get(key);
      if (hit) {
        bytes = withId(hit, msg.readUInt16BE(0));
        summary = hit.summary;
        metricsKey = hit.metricsKey;
      } else {
        const res = respond(msg, context(opts, 'udp', rinfo.address, nowSeconds));
        bytes = res.messages[0];
        summary = res.summary;
        metricsKey = DnsMetrics.keyOf('udp', summary);
        if (key !== undefined && bytes) cache.set(key, { bytes, summary, metricsKey });
      }
      if (bytes) sock.send(bytes, rinfo.port, rinfo.address);
      if (summary.reloadRequested) opts.onReloadRequest?.(summary.reloadRequested);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      opts.metrics.query('udp', summary, seconds, metricsKey);
      opts.logQuery?.({ transport: 'udp', client: rinfo.address, summary, micros: Math.round(seconds * 1e6) });
    } catch (err) {
      opts.onError?.(err);
    }
  });
  return new Promise((resolve, reject) => {
    sock.once('error', (err) => reject(listenError('udp', ep.host, ep.port, err)));
    sock.bind({ address: ep.host, port: ep.port, exclusive: opts.exclusive ?? true }, () => {
      sock.removeAllListeners('error');
      sock.on('error', (err) => opts.onError?.(err));
      resolve(sock);
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
