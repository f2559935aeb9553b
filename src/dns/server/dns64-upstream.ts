/**
 * Asking the configured upstream resolvers: UDP first, TCP when the answer comes back
 * truncated (RFC 7766 §5), each server in turn with a per-try timeout, a bounded number of
 * rounds over the list. A server that answers REFUSED, NOTIMP, FORMERR or SERVFAIL is
 * skipped for the next one, as forwarders do; when none gives a usable answer the result is
 * SERVFAIL (RFC 6147 §5.1.3 treats a timeout as a server failure). A response whose records
 * cannot be read counts as no answer from that server.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import { CLASS, FLAG, RCODE } from '../wire/constants.js';
import { encodeOpt } from '../wire/edns.js';
import { DnsFormatError } from '../wire/errors.js';
import { decodeMessage, type WireMessage } from '../wire/message.js';
import { nameKey } from '../wire/names.js';
import { MessageWriter } from '../wire/writer.js';
import type { Dns64Question } from '../dns64/synthesize.js';
import { upstreamAnswer, type UpstreamAnswer } from '../dns64/upstream-answer.js';
import type { Endpoint } from './endpoint.js';
import { DnsTcpFramer, frameMessage } from './tcp-framer.js';

export interface UpstreamOptions {
  servers: readonly Endpoint[];
  /** Wait for one UDP try at one server (default 1500 ms). */
  timeoutMs?: number;
  /** Rounds over the server list (default 2). */
  rounds?: number;
  /** Wait for a TCP answer (default 4000 ms). */
  tcpTimeoutMs?: number;
  /** EDNS payload size we offer upstream (default 1232, DNS flag day 2020). */
  udpSize?: number;
}

export interface UpstreamExchange {
  /** UDP query/response; undefined on timeout. */
  udp(server: Endpoint, query: Buffer, timeoutMs: number): Promise<WireMessage | undefined>;
  tcp(server: Endpoint, query: Buffer, timeoutMs: number): Promise<WireMessage | undefined>;
}

/**
 * The real network: one socket per exchange, so each query leaves from a fresh source port
 * (RFC 5452 §9.2). A reply counts only with our ID and our question (RFC 5452 §9.1).
 */
export const networkExchange: UpstreamExchange = {
  udp: (server, query, timeoutMs) =>
    new Promise((resolve) => {
      const sock = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
      let settled = false;
      const finish = (m: WireMessage | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.close();
        resolve(m);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      sock.on('error', () => finish(undefined));
      sock.on('message', (msg, rinfo) => {
        if (rinfo.port !== server.port) return;
        const m = answering(query, msg);
        if (m) finish(m);
      });
      sock.send(query, server.port, server.host, (err) => {
        if (err) finish(undefined);
      });
    }),
  tcp: (server, query, timeoutMs) =>
    new Promise((resolve) => {
      const sock = connect({ host: server.host, port: server.port });
      const framer = new DnsTcpFramer();
      let settled = false;
      const finish = (m: WireMessage | undefined) => {
        if (settled) return;
        settled = true;
        sock.destroy();
        resolve(m);
      };
      sock.setTimeout(timeoutMs, () => finish(undefined));
      sock.on('error', () => finish(undefined));
      sock.on('close', () => finish(undefined));
      sock.on('connect', () => sock.write(frameMessage(query)));
      sock.on('data', (chunk) => {
        for (const msg of framer.push(chunk)) {
          const m = answering(query, msg);
          if (m) return finish(m);
        }
      });
    }),
};

/** The decoded response when it answers `query` (same ID, same question, names compared case-insensitively). */
function answering(query: Buffer, response: Buffer): WireMessage | undefined {
  if (response.length < 12 || response.readUInt16BE(0) !== query.readUInt16BE(0) || (response[2]! & 0x80) === 0) return undefined;
  let msg: WireMessage;
  let asked: WireMessage;
  try {
    msg = decodeMessage(response);
    asked = decodeMessage(query);
  } catch {
    return undefined;
  }
  const a = asked.questions[0];
  const b = msg.questions[0];
  if (!a || !b || msg.questions.length !== 1 || a.type !== b.type || a.class !== b.class || nameKey(a.name) !== nameKey(b.name)) return undefined;
  return msg;
}

export interface UpstreamStats {
  /** `udp|tcp` × `ok|timeout|refused|servfail` → count. */
  results: Map<string, number>;
}

const SKIP = new Set<number>([RCODE.SERVFAIL, RCODE.REFUSED, RCODE.NOTIMP, RCODE.FORMERR]);

export class UpstreamForwarder {
  readonly stats: UpstreamStats = { results: new Map() };
  private next = 0;

  constructor(
    private readonly opts: UpstreamOptions,
    private readonly exchange: UpstreamExchange = networkExchange,
  ) {}

  async ask(q: Dns64Question): Promise<UpstreamAnswer> {
    const servers = this.opts.servers;
    const rounds = this.opts.rounds ?? 2;
    let last: UpstreamAnswer | undefined;
    // Start where the last success was, so a dead first server costs one timeout, not one per query.
    const first = this.next;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < servers.length; i++) {
        const at = (first + i) % servers.length;
        const server = servers[at] as Endpoint;
        const query = buildUpstreamQuery(q, randomInt(0, 65536), this.opts.udpSize ?? 1232);
        let msg = await this.exchange.udp(server, query, this.opts.timeoutMs ?? 1500);
        let transport = 'udp';
        if (msg && (msg.header.flags & FLAG.TC) !== 0) {
          transport = 'tcp';
          msg = await this.exchange.tcp(server, query, this.opts.tcpTimeoutMs ?? 4000);
        }
        if (!msg) {
          this.count(transport, 'timeout');
          continue;
        }
        let answer: UpstreamAnswer;
        try {
          answer = upstreamAnswer(msg);
        } catch (err) {
          // Rdata we cannot read (a name running past its record): that server is no use.
          if (!(err instanceof DnsFormatError)) throw err;
          this.count(transport, 'malformed');
          continue;
        }
        if (SKIP.has(answer.rcode)) {
          this.count(transport, answer.rcode === RCODE.SERVFAIL ? 'servfail' : 'refused');
          last = answer;
          continue;
        }
        this.count(transport, 'ok');
        this.next = at;
        return answer;
      }
    }
    return last?.rcode === RCODE.SERVFAIL ? last : { rcode: RCODE.SERVFAIL, flags: 0, answer: [], authority: [], additional: [] };
  }

  private count(transport: string, result: string): void {
    const k = `${transport}|${result}`;
    this.stats.results.set(k, (this.stats.results.get(k) ?? 0) + 1);
  }
}

/** RD set, EDNS with our payload size, DO and CD as the client asked. */
export function buildUpstreamQuery(q: Dns64Question, id: number, udpSize: number): Buffer {
  const w = new MessageWriter();
  w.setHeader(id, FLAG.RD | (q.checkingDisabled ? FLAG.CD : 0));
  w.question(q.name, q.type, q.class === 0 ? CLASS.IN : q.class);
  w.rawRecord('additional', encodeOpt({ udpSize, dnssecOk: q.dnssecOk }));
  return w.finish();
}
