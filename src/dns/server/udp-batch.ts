/**
 * UDP in batches through the native addon in native/udp-batch/ (recvmmsg/sendmmsg on a
 * socket polled by Node's own event loop). Node's dgram costs one JavaScript callback, one
 * Buffer, one address object and one send request per datagram, and Node 20's dgram cannot
 * set SO_REUSEPORT (Node ≥ 22.12 can); a profile of the server under dnsperf showed that
 * machinery, not the answering, as the cost. Built by `npm ci` (scripts/build-native.mjs);
 * when it is missing the engine uses dgram and says why in `udpBatchAvailability()`.
 */
import { createRequire } from 'node:module';
import { isIP, type AddressInfo } from 'node:net';
import { formatIpv6 } from '../../net/ip.js';

interface Addon {
  open(family: 4 | 6, address: string, port: number, reusePort: boolean): [unknown, number];
  start(handle: unknown, inData: Buffer, inMeta: Buffer, outData: Buffer, outMeta: Buffer, slotSize: number, onBatch: (count: number) => void): void;
  send(handle: unknown, count: number): number;
  close(handle: unknown): void;
}

const ADDON_PATH = new URL('../../../native/udp-batch/build/Release/udp_batch.node', import.meta.url);
/** Bytes per meta slot; the layout is described in native/udp-batch/udp_batch.c. */
const META = 32;
/** A slot holds any UDP datagram (65 507 bytes of IPv4 payload at most), so none is cut. */
const SLOT_SIZE = 65536;
export const DEFAULT_BATCH_SLOTS = 32;

let loaded: Addon | { unavailable: string } | undefined;

function addon(): Addon | { unavailable: string } {
  if (loaded) return loaded;
  if (process.platform !== 'linux') return (loaded = { unavailable: `recvmmsg/sendmmsg are used on Linux only; this is ${process.platform}` });
  try {
    loaded = createRequire(import.meta.url)(ADDON_PATH.pathname) as Addon;
  } catch (err) {
    loaded = { unavailable: `the native addon native/udp-batch is not built (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run npm ci, or npm run build:native` };
  }
  return loaded;
}

/** True when batched UDP can be used, else the reason it cannot. */
export function udpBatchAvailability(): true | string {
  const a = addon();
  return 'unavailable' in a ? a.unavailable : true;
}

/**
 * The sender of the datagram being answered. One object per socket, rewritten for each
 * datagram: read it inside the handler, never keep it. The text address is built only
 * when asked for (transfer ACL, query log, cache misses).
 */
export class BatchPeer {
  private at = 0;

  constructor(private readonly meta: Buffer) {}

  /** @internal */
  moveTo(slot: number): void {
    this.at = slot * META;
  }

  get port(): number {
    return this.meta.readUInt16LE(this.at + 4);
  }

  get address(): string {
    const m = this.meta;
    const a = this.at + 8;
    if (m[this.at + 6] === 4) return `${m[a]}.${m[a + 1]}.${m[a + 2]}.${m[a + 3]}`;
    return formatIpv6((m.readBigUInt64BE(a) << 64n) | m.readBigUInt64BE(a + 8));
  }
}

/**
 * Answers one datagram: writes the response into `out` from offset 0 and returns its
 * length, or 0 for silence. `query` is a view into the receive slot, valid only during the
 * call: copy what must outlive it.
 */
export type BatchHandler = (query: Buffer, peer: BatchPeer, out: Buffer) => number;

export interface BatchSocket {
  address(): AddressInfo;
  close(): Promise<void>;
}

export interface BatchSocketOptions {
  host: string;
  port: number;
  /** SO_REUSEPORT: several processes each bind their own socket and the kernel spreads flows over them. */
  reusePort: boolean;
  slots?: number;
  handler: BatchHandler;
  /** After each batch went to the kernel: how many datagrams came in and how many answers were sent. */
  onBatchSent?: (received: number, sent: number) => void;
  /** A handler threw: that datagram is dropped, the rest of the batch is answered. */
  onError: (err: unknown) => void;
}

/** Bind and start serving; throws like bind() with `code` set (EADDRINUSE, EACCES, …). */
export function openBatchSocket(opts: BatchSocketOptions): BatchSocket {
  const a = addon();
  if ('unavailable' in a) throw new Error(a.unavailable);
  const v6 = isIP(opts.host) === 6;
  const [handle, port] = a.open(v6 ? 6 : 4, opts.host, opts.port, opts.reusePort);
  const slots = opts.slots ?? DEFAULT_BATCH_SLOTS;
  const inData = Buffer.alloc(slots * SLOT_SIZE);
  const inMeta = Buffer.alloc(slots * META);
  const outData = Buffer.alloc(slots * SLOT_SIZE);
  const outMeta = Buffer.alloc(slots * META);
  const peer = new BatchPeer(inMeta);
  const onBatch = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const m = i * META;
      let length = 0;
      // Flag 1: cut on receipt. A slot holds any datagram, so this is only a safeguard.
      if ((inMeta[m + 7] ?? 0) === 0) {
        const start = i * SLOT_SIZE;
        peer.moveTo(i);
        try {
          length = opts.handler(inData.subarray(start, start + inMeta.readUInt32LE(m)), peer, outData.subarray(start, start + SLOT_SIZE));
        } catch (err) {
          length = 0;
          opts.onError(err);
        }
      }
      inMeta.copy(outMeta, m, m, m + META);
      outMeta.writeUInt32LE(length, m);
    }
    // A handler (a reload hook, say) may have closed the socket: nothing more to send then.
    if (closed) return;
    const sent = a.send(handle, count);
    opts.onBatchSent?.(count, sent);
  };
  let closed = false;
  a.start(handle, inData, inMeta, outData, outMeta, SLOT_SIZE, onBatch);
  return {
    address: () => ({ address: opts.host, family: v6 ? 'IPv6' : 'IPv4', port }),
    close(): Promise<void> {
      if (!closed) {
        closed = true;
        a.close(handle);
      }
      // The addon closes the descriptor on the loop's next turn.
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}
