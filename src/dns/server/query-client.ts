/**
 * A minimal stub client: one question to one server over UDP, retried over TCP when the
 * answer comes back truncated (RFC 7766 §5). Used by `flatlab hesinfo` and tests; bounded
 * by a timeout and a retry count.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import { FlatlabError } from '../../config/diagnostics.js';
import { FLAG } from '../wire/constants.js';
import { decodeMessage, type WireMessage } from '../wire/message.js';
import { MessageWriter } from '../wire/writer.js';
import type { Endpoint } from './endpoint.js';
import { DnsTcpFramer, frameMessage } from './tcp-framer.js';

export class DnsQueryError extends FlatlabError {}

export interface QueryOptions {
  timeoutMs?: number;
  /** UDP attempts before giving up (each waits timeoutMs). */
  tries?: number;
  tcp?: boolean;
  recursionDesired?: boolean;
  id?: number;
}

export function buildQuery(name: string, type: number, klass: number, opts: { id?: number; recursionDesired?: boolean } = {}): Buffer {
  const w = new MessageWriter();
  w.setHeader(opts.id ?? randomInt(0, 65536), opts.recursionDesired === false ? 0 : FLAG.RD);
  w.question(name, type, klass);
  return w.finish();
}

export async function queryServer(server: Endpoint, name: string, type: number, klass: number, opts: QueryOptions = {}): Promise<WireMessage> {
  const query = buildQuery(name, type, klass, opts);
  if (!opts.tcp) {
    const udp = await exchangeUdp(server, query, opts.timeoutMs ?? 2000, opts.tries ?? 3);
    if ((udp.header.flags & FLAG.TC) === 0) return udp;
  }
  return exchangeTcp(server, query, opts.timeoutMs ?? 5000);
}

/** End of the first question in a message we built (uncompressed name, then type and class). */
function questionEnd(message: Buffer): number {
  let at = 12;
  while (at < message.length && message[at] !== 0) at += message[at]! + 1;
  return at + 1 + 4;
}

function matches(query: Buffer, response: Buffer): boolean {
  // Same ID and the same question bytes (case-insensitively), as RFC 5452 §9.1 asks. Only the
  // question: a query may carry an OPT record in its additional section that the reply lacks.
  const end = questionEnd(query);
  if (response.length < end || response.readUInt16BE(0) !== query.readUInt16BE(0)) return false;
  return response.subarray(12, end).toString('latin1').toLowerCase() === query.subarray(12, end).toString('latin1').toLowerCase();
}

export async function exchangeUdp(server: Endpoint, query: Buffer, timeoutMs: number, tries: number): Promise<WireMessage> {
  const sock = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
  try {
    for (let attempt = 0; attempt < tries; attempt++) {
      const got = await new Promise<Buffer | undefined>((resolve, reject) => {
        const timer = setTimeout(() => {
          sock.off('message', onMessage);
          resolve(undefined);
        }, timeoutMs);
        const onMessage = (msg: Buffer, rinfo: { address: string; port: number }) => {
          if (rinfo.port !== server.port || !matches(query, msg)) return;
          clearTimeout(timer);
          sock.off('message', onMessage);
          resolve(msg);
        };
        sock.on('message', onMessage);
        sock.send(query, server.port, server.host, (err) => {
          if (err) {
            clearTimeout(timer);
            reject(new DnsQueryError('dns.send-failed', `cannot send to ${server.host}:${server.port}: ${err.message}`));
          }
        });
      });
      if (got) return decodeMessage(got);
    }
  } finally {
    sock.close();
  }
  throw new DnsQueryError('dns.timeout', `no answer from ${server.host}:${server.port} after ${tries} tries of ${timeoutMs} ms`, {
    hint: 'check that the server runs and listens there (flatlab hesiod prints its listen addresses)',
  });
}

export function exchangeTcp(server: Endpoint, query: Buffer, timeoutMs: number): Promise<WireMessage> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server.host, port: server.port });
    const framer = new DnsTcpFramer();
    const fail = (err: FlatlabError) => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(timeoutMs, () => fail(new DnsQueryError('dns.timeout', `no answer over TCP from ${server.host}:${server.port} within ${timeoutMs} ms`)));
    sock.on('error', (err) => fail(new DnsQueryError('dns.connect-failed', `TCP to ${server.host}:${server.port}: ${err.message}`)));
    sock.on('connect', () => sock.write(frameMessage(query)));
    sock.on('data', (chunk) => {
      for (const m of framer.push(chunk)) {
        if (!matches(query, m)) continue;
        sock.end();
        try {
          resolve(decodeMessage(m));
        } catch (err) {
          reject(err);
        }
        return;
      }
    });
    sock.on('close', () => reject(new DnsQueryError('dns.closed', `${server.host}:${server.port} closed the TCP connection without answering`)));
  });
}
