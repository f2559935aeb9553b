/**
 * UDP and TCP sockets for the DNS64 resolver. Like the authoritative engine (dns-server.ts)
 * but answers are asynchronous (they may wait for upstream), so TCP answers go out when
 * ready, in any order (RFC 7766 §7: pipelined queries may be answered out of order).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Dns64Summary, Dns64Transport } from '../dns64/respond.js';
import { DnsMetrics } from './dns-metrics.js';
import { DEFAULT_MAX_TCP_CONNECTIONS, DEFAULT_TCP_IDLE_MS, listenError } from './dns-server.js';
import type { Endpoint } from './endpoint.js';
import type { Dns64Resolver } from './dns64-resolver.js';
import { DnsTcpFramer, frameMessage } from './tcp-framer.js';

export interface Dns64ListenerOptions {
  listen: readonly Endpoint[];
  resolver: Dns64Resolver;
  metrics: DnsMetrics;
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  onAnswered?: (transport: Dns64Transport, client: string, summary: Dns64Summary, micros: number) => void;
  onError?: (err: unknown) => void;
}

export interface Dns64Listener {
  udp: AddressInfo[];
  tcp: AddressInfo[];
  close(): Promise<void>;
}

export async function startDns64Listener(opts: Dns64ListenerOptions): Promise<Dns64Listener> {
  const udpSockets: UdpSocket[] = [];
  const tcpServers: Server[] = [];
  const connections = new Set<Socket>();
  try {
    for (const ep of opts.listen) {
      const tcp = await listenTcp(ep, opts, connections);
      tcpServers.push(tcp);
      const port = ep.port === 0 ? (tcp.address() as AddressInfo).port : ep.port;
      udpSockets.push(await listenUdp({ host: ep.host, port }, opts));
    }
  } catch (err) {
    for (const s of udpSockets) s.close();
    for (const s of tcpServers) s.close();
    throw err;
  }
  return {
    udp: udpSockets.map((s) => s.address()),
    tcp: tcpServers.map((s) => s.address() as AddressInfo),
    async close() {
      for (const c of connections) c.destroy();
      await Promise.all([
        ...udpSockets.map((s) => new Promise<void>((r) => s.close(() => r()))),
        ...tcpServers.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ]);
    },
  };
}

function account(opts: Dns64ListenerOptions, transport: Dns64Transport, client: string, summary: Dns64Summary, started: bigint, metricsKey?: string): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const s = { ...summary, signed: false };
  opts.metrics.query(transport, s, seconds, metricsKey ?? DnsMetrics.keyOf(transport, s));
  opts.onAnswered?.(transport, client, summary, Math.round(seconds * 1e6));
}

function listenUdp(ep: Endpoint, opts: Dns64ListenerOptions): Promise<UdpSocket> {
  const v6 = isIP(ep.host) === 6;
  const sock = createSocket({ type: v6 ? 'udp6' : 'udp4', ...(v6 ? { ipv6Only: true } : {}) });
  // An answer resolved upstream can arrive after close(); sending then throws
  // ERR_SOCKET_DGRAM_NOT_RUNNING, which must not take the daemon down on its way out.
  let open = true;
  sock.on('close', () => (open = false));
  const reply = (bytes: Buffer, port: number, address: string): void => {
    if (!open) return;
    try {
      sock.send(bytes, port, address);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') throw err;
      open = false;
    }
  };
  sock.on('message', (msg, rinfo) => {
    const started = process.hrtime.bigint();
    const hot = opts.resolver.hotResponse(msg);
    if (hot) {
      const bytes = Buffer.allocUnsafe(hot.bytes.length);
      hot.bytes.copy(bytes);
      bytes[0] = msg[0] ?? 0;
      bytes[1] = msg[1] ?? 0;
      reply(bytes, rinfo.port, rinfo.address);
      account(opts, 'udp', rinfo.address, hot.summary, started, hot.metricsKey);
      return;
    }
    opts.resolver.resolve(msg, 'udp').then(
      (r) => {
        if (r.bytes) reply(r.bytes, rinfo.port, rinfo.address);
        account(opts, 'udp', rinfo.address, r.summary, started);
      },
      (err: unknown) => opts.onError?.(err),
    );
  });
  return new Promise((resolve, reject) => {
    sock.once('error', (err) => reject(listenError('udp', ep.host, ep.port, err)));
    sock.bind({ address: ep.host, port: ep.port, exclusive: true }, () => {
      sock.removeAllListeners('error');
      sock.on('error', (err) => opts.onError?.(err));
      resolve(sock);
    });
  });
}

function listenTcp(ep: Endpoint, opts: Dns64ListenerOptions, connections: Set<Socket>): Promise<Server> {
  const server = createServer({ noDelay: true }, (sock) => {
    if (connections.size >= (opts.maxTcpConnections ?? DEFAULT_MAX_TCP_CONNECTIONS)) {
      opts.metrics.tcpRefusedOverLimit();
      sock.destroy();
      return;
    }
    connections.add(sock);
    opts.metrics.tcpOpened();
    const client = sock.remoteAddress ?? '';
    const framer = new DnsTcpFramer();
    sock.setTimeout(opts.tcpIdleTimeoutMs ?? DEFAULT_TCP_IDLE_MS, () => sock.end());
    sock.on('data', (chunk) => {
      for (const msg of framer.push(chunk)) {
        const started = process.hrtime.bigint();
        opts.resolver.resolve(msg, 'tcp').then(
          (r) => {
            if (sock.destroyed) return;
            if (r.bytes) sock.write(frameMessage(r.bytes));
            else sock.end(); // silence on TCP would leave the client waiting
            account(opts, 'tcp', client, r.summary, started);
          },
          (err: unknown) => {
            opts.onError?.(err);
            sock.destroy();
          },
        );
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
    server.listen({ host: ep.host, port: ep.port, exclusive: true, ...(isIP(ep.host) === 6 ? { ipv6Only: true } : {}) }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}
