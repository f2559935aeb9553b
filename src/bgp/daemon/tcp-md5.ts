/**
 * TCP MD5 signatures (RFC 2385) through the small native addon in native/tcp-md5/ (Node has
 * no setsockopt). Keys go on each listening socket per peer address, and on an outgoing
 * socket before connect() so the SYN is signed; Linux then signs and checks every segment.
 * Built by `npm ci` (scripts/build-native.mjs); when it is missing, a peer with
 * `md5-password` is refused with the reason.
 */
import { createRequire } from 'node:module';
import { isIPv6, Socket, type Server } from 'node:net';

interface Addon {
  setKey(fd: number, peerAddress: string, key: string): void;
  socket(family: 4 | 6): number;
  close(fd: number): void;
}

const ADDON_PATH = new URL('../../../native/tcp-md5/build/Release/tcp_md5.node', import.meta.url);
let loaded: Addon | { unavailable: string } | undefined;

/** The addon, or why it cannot be used. */
export function tcpMd5(): Addon | { unavailable: string } {
  if (loaded) return loaded;
  if (process.platform !== 'linux') return (loaded = { unavailable: `TCP_MD5SIG is a Linux socket option; this is ${process.platform}` });
  try {
    loaded = createRequire(import.meta.url)(ADDON_PATH.pathname) as Addon;
  } catch (err) {
    loaded = { unavailable: `the native addon native/tcp-md5 is not built (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run npm ci, or npm run build:native` };
  }
  return loaded;
}

function addon(): Addon {
  const a = tcpMd5();
  if ('unavailable' in a) throw new Error(a.unavailable);
  return a;
}

/** The listener's file descriptor (libuv's handle exposes it on Unix). */
function listenerFd(server: Server): number | undefined {
  const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Key (or, with an empty key, no key) for connections from `peer` to this listener. An IPv4
 * peer on an IPv6 (dual-stack) listener is keyed by its mapped address, as Linux expects; a
 * listener of the other family is left alone.
 */
export function setListenerKey(server: Server, listenAddress: string, peer: string, key: string): void {
  const fd = listenerFd(server);
  if (fd === undefined) throw new Error('the listening socket has no file descriptor');
  const listener6 = isIPv6(listenAddress);
  const peer6 = isIPv6(peer);
  if (peer6 && !listener6) return;
  addon().setKey(fd, listener6 && !peer6 ? `::ffff:${peer}` : peer, key);
}

/** A socket connecting to `host:port` with the MD5 key set before the SYN. */
export function connectWithKey(opts: { host: string; port: number; localAddress?: string; key: string }): Socket {
  const a = addon();
  const fd = a.socket(isIPv6(opts.host) ? 6 : 4);
  let socket: Socket;
  try {
    a.setKey(fd, opts.host, opts.key);
    socket = new Socket({ fd, readable: true, writable: true });
  } catch (err) {
    a.close(fd);
    throw err;
  }
  socket.setNoDelay(true);
  socket.connect({ host: opts.host, port: opts.port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  return socket;
}
