/**
 * The sans-IO core of the engine: query bytes in, response messages out. Zones, keys, the
 * ACL and the clock come in through the context; nothing here touches a socket.
 *
 * RFC 8906 behaviour: a message whose header cannot be read, or that is itself a response,
 * gets silence; one whose header reads but whose body does not gets FORMERR; unknown
 * opcodes get NOTIMP; names outside our zones get REFUSED; RA is always 0.
 */
import { CLASS, FLAG, OPCODE, RCODE, TYPE } from '../wire/constants.js';
import { encodeOpt, readClientEdns, type ClientEdns } from '../wire/edns.js';
import { DnsEncodeError, DnsFormatError } from '../wire/errors.js';
import { decodeMessage, opcodeOf, readHeader, type WireHeader, type WireMessage } from '../wire/message.js';
import { appendUnsignedTsig, readTsig, signMessage, verifyRequest, type TsigKey, type TsigRecord } from '../wire/tsig.js';
import { nameKey } from '../wire/names.js';
import { MessageWriter, type OutRecord } from '../wire/writer.js';
import type { TransferAcl } from './access.js';
import { lookup, type Resolution } from './lookup.js';
import { transferMessages } from './transfer.js';
import type { ZoneIndex } from './zone-index.js';

export type Transport = 'udp' | 'tcp';

export interface AnswerContext {
  index: ZoneIndex;
  transport: Transport;
  /** Client address, for the transfer ACL. */
  client?: string;
  /** Unix time in seconds (TSIG). */
  nowSeconds: number;
  tsigKeys?: readonly TsigKey[];
  transferAcl?: TransferAcl;
  /** Largest UDP response we send whatever the client offers (RFC 8085 / DNS flag day 2020: 1232). */
  maxUdpPayload?: number;
}

/** What happened, for metrics and query logs. */
export interface AnswerSummary {
  qname?: string;
  qtype?: number;
  qclass?: number;
  /** Full (extended) RCODE; undefined when we stayed silent. */
  rcode?: number;
  truncated: boolean;
  signed: boolean;
  /** Apex of a zone a TSIG-signed NOTIFY asked us to reload (RFC 1996 used as a reload trigger). */
  reloadRequested?: string;
}

export interface AnswerResult {
  messages: Buffer[];
  summary: AnswerSummary;
}

export const DEFAULT_MAX_UDP_PAYLOAD = 1232;
const NO_EDNS_UDP_LIMIT = 512;

/** One query → zero (silence), one, or (AXFR over TCP) several response messages. */
export function respond(query: Uint8Array, ctx: AnswerContext): AnswerResult {
  const header = readHeader(query);
  const summary: AnswerSummary = { truncated: false, signed: false };
  if (!header || (header.flags & FLAG.QR) !== 0) return { messages: [], summary };
  let msg: WireMessage;
  try {
    msg = decodeMessage(query);
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err;
    return bare(header, RCODE.FORMERR, summary);
  }
  const q = msg.questions[0];
  if (q) Object.assign(summary, { qname: q.name, qtype: q.type, qclass: q.class });
  const opcode = opcodeOf(header.flags);
  let edns: ClientEdns | undefined;
  let tsig: TsigRecord | undefined;
  try {
    edns = readClientEdns(msg.additionals);
    tsig = readTsig(msg);
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err;
    return bare(header, RCODE.FORMERR, summary);
  }
  const reply = new Reply(msg, ctx, edns, summary);
  if (edns && edns.version > 0) return reply.error(RCODE.BADVERS); // RFC 6891 §6.1.3
  if (opcode !== OPCODE.QUERY && opcode !== OPCODE.NOTIFY) return reply.error(RCODE.NOTIMP);
  if (header.qdcount !== 1 || !q) return reply.error(RCODE.FORMERR);
  if (tsig) {
    let verdict;
    try {
      verdict = verifyRequest(msg, tsig, ctx.tsigKeys ?? [], ctx.nowSeconds);
    } catch (err) {
      if (!(err instanceof DnsFormatError)) throw err;
      return reply.error(RCODE.FORMERR);
    }
    if (!verdict.ok) return reply.tsigFailure(tsig, verdict.error, verdict.key);
    reply.signWith(verdict.key, verdict.mac);
  }
  if (opcode === OPCODE.NOTIFY) return reply.notify(tsig !== undefined);
  if (q.type === TYPE.OPT || q.type === TYPE.TSIG) return reply.error(RCODE.FORMERR);
  if (q.type === TYPE.AXFR || q.type === TYPE.IXFR) return reply.transfer(q.type);
  if (q.type >= 128 && q.type <= 254) return reply.error(RCODE.NOTIMP); // other meta-types (MAILA, MAILB, …)
  if (q.class === CLASS.NONE) return reply.error(RCODE.REFUSED);
  const res = lookup(ctx.index, { name: q.name, type: q.type, class: q.class, withAuthorityNs: (header.flags & FLAG.RD) === 0 });
  try {
    return reply.resolution(res);
  } catch (err) {
    // Zone data we cannot encode is our fault, not the client's: SERVFAIL (RFC 1035 §4.1.1).
    if (!(err instanceof DnsEncodeError)) throw err;
    return reply.error(RCODE.SERVFAIL);
  }
}

/** Convenience for datagram transports: the single response, or null for silence. */
export function answer(query: Uint8Array, ctx: AnswerContext): Buffer | null {
  return respond(query, ctx).messages[0] ?? null;
}

/** FORMERR without sections, for messages whose body could not be read. */
function bare(header: WireHeader, rcode: number, summary: AnswerSummary): AnswerResult {
  const w = new MessageWriter();
  w.setHeader(header.id, responseFlags(header.flags, rcode, false));
  summary.rcode = rcode;
  return { messages: [w.finish()], summary };
}

function responseFlags(queryFlags: number, rcode: number, aa: boolean): number {
  // Copy opcode, RD and CD; RA stays 0: we do not recurse (RFC 8906 §3.1.4).
  return FLAG.QR | (queryFlags & 0x7800) | (aa ? FLAG.AA : 0) | (queryFlags & (FLAG.RD | FLAG.CD)) | (rcode & 0xf);
}

class Reply {
  private key: TsigKey | undefined;
  private requestMac: Buffer | undefined;

  constructor(
    private readonly msg: WireMessage,
    private readonly ctx: AnswerContext,
    private readonly edns: ClientEdns | undefined,
    private readonly summary: AnswerSummary,
  ) {}

  signWith(key: TsigKey, mac: Buffer): void {
    this.key = key;
    this.requestMac = mac;
  }

  private get udpLimit(): number {
    if (this.ctx.transport === 'tcp') return 65535;
    if (!this.edns) return NO_EDNS_UDP_LIMIT;
    return Math.max(NO_EDNS_UDP_LIMIT, Math.min(this.edns.udpSize, this.ctx.maxUdpPayload ?? DEFAULT_MAX_UDP_PAYLOAD));
  }

  /** Room kept at the end of the message for OPT and TSIG. */
  private get reserve(): number {
    return (this.edns ? 11 : 0) + (this.key ? 2 * (this.key.name.length + 2) + 30 + 64 + 8 : 0);
  }

  private start(rcode: number, aa: boolean, limit: number): MessageWriter {
    const w = new MessageWriter(limit);
    w.setHeader(this.msg.header.id, responseFlags(this.msg.header.flags, rcode, aa));
    const q = this.msg.questions[0];
    if (q && this.msg.header.qdcount === 1) w.rawQuestion(this.msg.raw.subarray(12, this.msg.questionEnd), q.name);
    return w;
  }

  private finish(w: MessageWriter, rcode: number, opts: { tsigError?: number } = {}): Buffer {
    if (this.edns) w.rawRecord('additional', encodeOpt({ udpSize: this.ctx.maxUdpPayload ?? DEFAULT_MAX_UDP_PAYLOAD, extendedRcode: rcode, dnssecOk: this.edns.dnssecOk }));
    const out = w.finish();
    this.summary.rcode = rcode;
    if (!this.key || !this.requestMac) return out;
    this.summary.signed = true;
    return signMessage(out, {
      key: this.key,
      nowSeconds: this.ctx.nowSeconds,
      priorMac: this.requestMac,
      originalId: this.msg.header.id,
      ...(opts.tsigError !== undefined ? { error: opts.tsigError } : {}),
    }).message;
  }

  error(rcode: number): AnswerResult {
    // Extended RCODEs (> 15) need an OPT to carry their upper bits (RFC 6891 §6.1.3).
    const w = this.start(rcode, false, 65535);
    return { messages: [this.finish(w, rcode)], summary: this.summary };
  }

  /** RFC 8945 §5.2: NOTAUTH; MAC empty for BADKEY/BADSIG, signed with our time for BADTIME. */
  tsigFailure(t: TsigRecord, error: number, key: TsigKey | undefined): AnswerResult {
    const w = this.start(RCODE.NOTAUTH, false, 65535);
    if (error === RCODE.BADTIME && key) {
      this.signWith(key, t.mac);
      const other = Buffer.alloc(6);
      other.writeUIntBE(this.ctx.nowSeconds, 0, 6);
      const unsigned = this.finishUnsigned(w, RCODE.NOTAUTH);
      const signed = signMessage(unsigned, { key, nowSeconds: this.ctx.nowSeconds, priorMac: t.mac, error, otherData: other, originalId: this.msg.header.id });
      this.summary.signed = true;
      return { messages: [signed.message], summary: this.summary };
    }
    return { messages: [appendUnsignedTsig(this.finishUnsigned(w, RCODE.NOTAUTH), t, error)], summary: this.summary };
  }

  private finishUnsigned(w: MessageWriter, rcode: number): Buffer {
    if (this.edns) w.rawRecord('additional', encodeOpt({ udpSize: this.ctx.maxUdpPayload ?? DEFAULT_MAX_UDP_PAYLOAD, extendedRcode: rcode, dnssecOk: this.edns.dnssecOk }));
    this.summary.rcode = rcode;
    return w.finish();
  }

  resolution(res: Resolution): AnswerResult {
    const limit = this.udpLimit - this.reserve;
    const w = this.start(res.rcode, res.authoritative, Math.max(limit, 12));
    const fits = addAll(w, 'answer', res.answer) && addAll(w, 'authority', res.authority);
    // Additional data is optional: what does not fit is left out without TC (RFC 2181 §9).
    if (fits) {
      for (const rr of res.additional) if (!w.record('additional', rr)) break;
      return { messages: [this.finish(w, res.rcode)], summary: this.summary };
    }
    // RFC 2181 §9 / RFC 7766 §5: set TC and send what must be retried over TCP.
    const tc = this.start(res.rcode, res.authoritative, 65535);
    tc.setHeader(this.msg.header.id, responseFlags(this.msg.header.flags, res.rcode, res.authoritative) | FLAG.TC);
    this.summary.truncated = true;
    return { messages: [this.finish(tc, res.rcode)], summary: this.summary };
  }

  /**
   * A NOTIFY (RFC 1996) for one of our zones, signed with one of our TSIG keys, asks us to
   * reload it: the authenticated reload trigger. Unsigned ones are refused: we are a primary.
   */
  notify(signed: boolean): AnswerResult {
    const q = this.msg.questions[0];
    if (!q || !signed) return this.error(RCODE.REFUSED);
    const zone = this.ctx.index.zones.find((z) => z.apex === nameKey(q.name));
    if (!zone) return this.error(RCODE.NOTAUTH);
    this.summary.reloadRequested = zone.apex;
    const w = this.start(RCODE.NOERROR, true, 65535);
    return { messages: [this.finish(w, RCODE.NOERROR)], summary: this.summary };
  }

  transfer(qtype: number): AnswerResult {
    const q = this.msg.questions[0];
    if (!q) return this.error(RCODE.FORMERR);
    const allowed = this.key !== undefined || (this.ctx.client !== undefined && this.ctx.transferAcl?.allows(this.ctx.client) === true);
    if (!allowed) return this.error(RCODE.REFUSED);
    const zone = this.ctx.index.zones.find((z) => z.apex === nameKey(q.name) && (q.class === CLASS.ANY || z.classes.has(q.class)));
    if (!zone) return this.error(RCODE.NOTAUTH);
    const rrClass = q.class === CLASS.ANY ? zone.ownClass : q.class;
    if (this.ctx.transport === 'udp') {
      // AXFR is TCP-only (RFC 5936 §4.2); an IXFR over UDP that cannot fit gets the SOA
      // alone, telling the client to retry over TCP (RFC 1995 §2).
      if (qtype === TYPE.AXFR) return this.error(RCODE.FORMERR);
      const soa = zone.soa.records[0];
      const w = this.start(RCODE.NOERROR, true, 65535);
      if (soa) w.record('answer', { name: zone.soa.name, type: 'SOA', class: rrClass, ttl: zone.soa.ttl, data: soa.data });
      return { messages: [this.finish(w, RCODE.NOERROR)], summary: this.summary };
    }
    // IXFR is answered with a full transfer in AXFR form (RFC 1995 §4).
    const batches = transferMessages(zone, rrClass);
    const messages: Buffer[] = [];
    let priorMac = this.requestMac;
    for (const [i, batch] of batches.entries()) {
      const w = this.start(RCODE.NOERROR, true, 65535);
      for (const rr of batch) w.record('answer', rr);
      if (i === 0 && this.edns) w.rawRecord('additional', encodeOpt({ udpSize: this.ctx.maxUdpPayload ?? DEFAULT_MAX_UDP_PAYLOAD, dnssecOk: this.edns.dnssecOk }));
      let out = w.finish();
      if (this.key && priorMac) {
        // RFC 8945 §5.3.1: the first message digests the request MAC and all TSIG variables;
        // later ones the previous MAC, the message and the timers only.
        const signed = signMessage(out, { key: this.key, nowSeconds: this.ctx.nowSeconds, priorMac, timersOnly: i > 0, originalId: this.msg.header.id });
        out = signed.message;
        priorMac = signed.mac;
        this.summary.signed = true;
      }
      messages.push(out);
    }
    this.summary.rcode = RCODE.NOERROR;
    return { messages, summary: this.summary };
  }
}

function addAll(w: MessageWriter, section: 'answer' | 'authority', records: readonly OutRecord[]): boolean {
  for (const rr of records) if (!w.record(section, rr)) return false;
  return true;
}

