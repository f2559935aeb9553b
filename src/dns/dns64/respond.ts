/**
 * Query bytes in, response bytes out, for the DNS64 resolver: reading the client's query
 * (FORMERR, NOTIMP, BADVERS as RFC 8906 asks), running `planDns64` against the known
 * upstream answers, and writing the response with EDNS and truncation (RFC 6147 §5.4:
 * "subject to all the standard DNS rules"). Sans-IO: the driver supplies the answers.
 */
import { FLAG, OPCODE, RCODE, TYPE } from '../wire/constants.js';
import { encodeOpt, readClientEdns, type ClientEdns } from '../wire/edns.js';
import { DnsFormatError } from '../wire/errors.js';
import { decodeMessage, opcodeOf, readHeader, type WireMessage } from '../wire/message.js';
import { MessageWriter } from '../wire/writer.js';
import type { Dns64Policy } from './policy.js';
import { planDns64, type Dns64Answer, type Dns64Outcome, type Dns64Question, type KnownAnswers } from './synthesize.js';
import type { Rr } from './upstream-answer.js';

export type Dns64Transport = 'udp' | 'tcp';

export interface Dns64Summary {
  qname?: string;
  qtype?: number;
  qclass?: number;
  rcode?: number;
  truncated: boolean;
  outcome?: Dns64Outcome;
}

/** A query read and ready to plan, or a response already decided (an error, or silence). */
export type ReadQuery =
  | { kind: 'question'; question: Dns64Question; query: WireMessage; edns: ClientEdns | undefined }
  | { kind: 'response'; bytes: Buffer | undefined; summary: Dns64Summary };

export const DEFAULT_MAX_UDP_PAYLOAD = 1232;
const NO_EDNS_UDP_LIMIT = 512;

export function readQuery(bytes: Uint8Array): ReadQuery {
  const header = readHeader(bytes);
  const summary: Dns64Summary = { truncated: false };
  if (!header || (header.flags & FLAG.QR) !== 0) return { kind: 'response', bytes: undefined, summary };
  let msg: WireMessage;
  let edns: ClientEdns | undefined;
  try {
    msg = decodeMessage(bytes);
    edns = readClientEdns(msg.additionals);
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err;
    return { kind: 'response', bytes: bareError(header.id, header.flags, RCODE.FORMERR), summary: { ...summary, rcode: RCODE.FORMERR } };
  }
  const q = msg.questions[0];
  if (q) Object.assign(summary, { qname: q.name, qtype: q.type, qclass: q.class });
  const fail = (rcode: number) => ({ kind: 'response' as const, bytes: encodeResponse(msg, edns, { rcode, answer: [], authority: [], additional: [] }, 'tcp').bytes, summary: { ...summary, rcode } });
  if (edns && edns.version > 0) return fail(RCODE.BADVERS);
  if (opcodeOf(msg.header.flags) !== OPCODE.QUERY) return fail(RCODE.NOTIMP);
  if (msg.header.qdcount !== 1 || !q || q.type === TYPE.OPT || q.type === TYPE.TSIG) return fail(RCODE.FORMERR);
  // Zone transfers and other meta-queries are not a resolver's business.
  if (q.type >= 128 && q.type <= 254) return fail(RCODE.NOTIMP);
  return {
    kind: 'question',
    question: { name: q.name, type: q.type, class: q.class, dnssecOk: edns?.dnssecOk === true, checkingDisabled: (msg.header.flags & FLAG.CD) !== 0 },
    query: msg,
    edns,
  };
}

export interface ResponseContext {
  policy: Dns64Policy;
  transport: Dns64Transport;
  known: KnownAnswers;
  maxUdpPayload?: number;
}

export type Dns64Step = { kind: 'ask'; question: Dns64Question } | { kind: 'response'; bytes: Buffer | undefined; summary: Dns64Summary };

/** One step of answering `bytes`: the next upstream question, or the response. */
export function respondDns64(bytes: Uint8Array, ctx: ResponseContext): Dns64Step {
  const read = readQuery(bytes);
  if (read.kind === 'response') return read;
  const plan = planDns64(read.question, ctx.policy, ctx.known);
  if (plan.kind === 'ask') return plan;
  const out = encodeResponse(read.query, read.edns, plan.answer, ctx.transport, ctx.maxUdpPayload);
  const q = read.question;
  return { kind: 'response', bytes: out.bytes, summary: { qname: q.name, qtype: q.type, qclass: q.class, rcode: plan.answer.rcode, truncated: out.truncated, outcome: plan.answer.outcome } };
}

/** The answer to give when every upstream failed (RFC 6147 §5.1.3: a timeout is SERVFAIL). */
export function serverFailure(bytes: Uint8Array): Buffer | undefined {
  const read = readQuery(bytes);
  if (read.kind === 'response') return read.bytes;
  return encodeResponse(read.query, read.edns, { rcode: RCODE.SERVFAIL, answer: [], authority: [], additional: [] }, 'tcp').bytes;
}

function responseFlags(queryFlags: number, rcode: number): number {
  // A recursive server: RA set; RD and CD copied; AD never (we do not validate, §5.5 item 1).
  return FLAG.QR | (queryFlags & 0x7800) | FLAG.RA | (queryFlags & (FLAG.RD | FLAG.CD)) | (rcode & 0xf);
}

function bareError(id: number, flags: number, rcode: number): Buffer {
  const w = new MessageWriter();
  w.setHeader(id, responseFlags(flags, rcode));
  return w.finish();
}

export function encodeResponse(
  query: WireMessage,
  edns: ClientEdns | undefined,
  answer: Pick<Dns64Answer, 'rcode' | 'answer' | 'authority' | 'additional'>,
  transport: Dns64Transport,
  maxUdpPayload = DEFAULT_MAX_UDP_PAYLOAD,
): { bytes: Buffer; truncated: boolean } {
  const udpLimit = transport === 'tcp' ? 65535 : edns ? Math.max(NO_EDNS_UDP_LIMIT, Math.min(edns.udpSize, maxUdpPayload)) : NO_EDNS_UDP_LIMIT;
  const reserve = edns ? 11 : 0;
  const start = (limit: number, tc: boolean) => {
    const w = new MessageWriter(limit);
    w.setHeader(query.header.id, responseFlags(query.header.flags, answer.rcode) | (tc ? FLAG.TC : 0));
    const q = query.questions[0];
    if (q && query.header.qdcount === 1) w.rawQuestion(query.raw.subarray(12, query.questionEnd), q.name);
    return w;
  };
  const finish = (w: MessageWriter) => {
    if (edns) w.rawRecord('additional', encodeOpt({ udpSize: maxUdpPayload, extendedRcode: answer.rcode, dnssecOk: edns.dnssecOk }));
    return w.finish();
  };
  const w = start(Math.max(udpLimit - reserve, 12), false);
  if (addAll(w, 'answer', answer.answer) && addAll(w, 'authority', answer.authority)) {
    // Additional data that does not fit is left out without TC (RFC 2181 §9).
    for (const rr of answer.additional) if (!w.record('additional', out(rr))) break;
    return { bytes: finish(w), truncated: false };
  }
  return { bytes: finish(start(65535, true)), truncated: true };
}

function addAll(w: MessageWriter, section: 'answer' | 'authority', rrs: readonly Rr[]): boolean {
  for (const rr of rrs) if (!w.record(section, out(rr))) return false;
  return true;
}

/** Standalone rdata goes through the writer's raw path; owner names are still compressed. */
function out(rr: Rr) {
  return { name: rr.name, type: `TYPE${rr.type}`, class: rr.class, ttl: rr.ttl, data: rr.rdata };
}
