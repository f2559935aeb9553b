/**
 * The DNS64 decision (RFC 6147 §5), sans-IO: given a client question and whatever upstream
 * answers are already known, either name the next upstream question to ask or give the
 * final answer. The driver calls `planDns64` again after each upstream answer arrives, so
 * the same code runs over sockets, in the sim runtime and in tests.
 */
import { CLASS, RCODE, TYPE } from '../wire/constants.js';
import { nameKey } from '../wire/names.js';
import { anyContains, rangeContains } from './ip-bytes.js';
import type { Dns64Policy } from './policy.js';
import { inAddrArpaName, ip6ArpaAddress } from './reverse-names.js';
import { embedIpv4, extractIpv4 } from './rfc6052.js';
import { encodeNameUncompressed, rdataName, type Rr, type UpstreamAnswer } from './upstream-answer.js';

export interface Dns64Question {
  name: string;
  type: number;
  class: number;
  /** The client's DO bit (RFC 3225), passed upstream. */
  dnssecOk: boolean;
  /** The client's CD bit, passed upstream. */
  checkingDisabled: boolean;
}

/** How the answer came about: for metrics and the query log. */
export type Dns64Outcome =
  | 'forwarded' // not ours to change: the upstream answer as it came
  | 'real-aaaa' // the name has (non-excluded) AAAA records
  | 'synthesized' // AAAA made from A records
  | 'no-synthesis' // AAAA NODATA/error and nothing to synthesize from
  | 'dnssec-passthrough' // DO and CD set: RFC 6147 §5.5 item 3
  | 'reverse' // PTR under a NAT64 prefix, answered via in-addr.arpa
  | 'ipv4only-arpa'; // RFC 8880 local answer

export interface Dns64Answer {
  rcode: number;
  answer: Rr[];
  authority: Rr[];
  additional: Rr[];
  outcome: Dns64Outcome;
}

export type Dns64Plan = { kind: 'ask'; question: Dns64Question } | { kind: 'answer'; answer: Dns64Answer };

/** Answers already fetched (from the cache or the network), TTLs current. */
export type KnownAnswers = (q: Dns64Question) => UpstreamAnswer | undefined;

/** RFC 6147 §5.1.7: without an SOA in the AAAA negative answer, cap the TTL at 600 s. */
export const NO_SOA_TTL_CAP = 600;
/**
 * RFC 8880 §7.2 names the ipv4only.arpa answers but not their TTLs or SOA; these are BIND
 * 9.18's built-in zone's (checked against named in test/interop/dns64-compare.test.ts).
 */
export const IPV4ONLY_TTL = 3600;
const IPV4ONLY_SOA_TTL = 86400;
const IPV4ONLY_SOA_TIMERS = [0, 28800, 7200, 604800, 86400];
export const IPV4ONLY_ADDRESSES = [Uint8Array.of(192, 0, 0, 170), Uint8Array.of(192, 0, 0, 171)];
/** TTL of the CNAME synthesized for a PTR under a NAT64 prefix. */
export const REVERSE_CNAME_TTL = 600;
const MAX_CHAIN = 16;

export function questionKey(q: Dns64Question): string {
  return `${nameKey(q.name)}|${q.type}|${q.class}|${q.dnssecOk ? 1 : 0}|${q.checkingDisabled ? 1 : 0}`;
}

export function planDns64(q: Dns64Question, policy: Dns64Policy, known: KnownAnswers): Dns64Plan {
  // RFC 6147 §5.1: DNS64 for classes other than IN is undefined; behave as plain DNS.
  if (q.class !== CLASS.IN) return forward(q, known);
  if (policy.ipv4onlyArpa && isIpv4onlyArpa(q.name)) return { kind: 'answer', answer: ipv4onlyArpa(q, policy) };
  // RFC 6147 §5.5 item 3: with CD and DO both set the client validates and synthesizes itself.
  const passthrough = q.dnssecOk && q.checkingDisabled;
  if (q.type === TYPE.AAAA) return passthrough ? forward(q, known, 'dnssec-passthrough') : planAaaa(q, policy, known);
  if (q.type === TYPE.PTR && policy.ipv4onlyArpa) {
    const local = ipv4onlyReverse(q.name);
    if (local) return done(local);
  }
  if (q.type === TYPE.PTR && policy.reversePtr && !passthrough) {
    const reverse = planReverse(q, policy, known);
    if (reverse) return reverse;
  }
  return forward(q, known);
}

function ask(question: Dns64Question): Dns64Plan {
  return { kind: 'ask', question };
}

function done(answer: Dns64Answer): Dns64Plan {
  return { kind: 'answer', answer };
}

function forward(q: Dns64Question, known: KnownAnswers, outcome: Dns64Outcome = 'forwarded'): Dns64Plan {
  const a = known(q);
  return a ? done(relay(a, outcome)) : ask(q);
}

function relay(a: UpstreamAnswer, outcome: Dns64Outcome, answer = a.answer): Dns64Answer {
  return { rcode: a.rcode, answer, authority: a.authority, additional: a.additional, outcome };
}

function planAaaa(q: Dns64Question, policy: Dns64Policy, known: KnownAnswers): Dns64Plan {
  const aaaa = known(q);
  if (!aaaa) return ask(q);
  // §5.1.2: NXDOMAIN is returned as it is.
  if (aaaa.rcode === RCODE.NXDOMAIN) return done(relay(aaaa, 'forwarded'));
  let hadExcluded = false;
  if (aaaa.rcode === RCODE.NOERROR) {
    const { records } = followChain(aaaa.answer, q.name, TYPE.AAAA);
    const excluded = records.filter((r) => r.rdata.length !== 16 || anyContains(policy.excludeAaaa, r.rdata));
    if (excluded.length < records.length) {
      // §5.1.4: real AAAA data; the excluded records must not be returned.
      return done(relay(aaaa, 'real-aaaa', excluded.length === 0 ? aaaa.answer : aaaa.answer.filter((r) => !excluded.includes(r))));
    }
    hadExcluded = excluded.length > 0;
  } else if (!policy.synthesizeOnError) {
    // Errors are passed on, as BIND does (RFC 6147 §5.1.2 would synthesize: synthesizeOnError).
    return done(relay(aaaa, 'no-synthesis'));
  }
  // NODATA, only excluded AAAA, or (§5.1.2, when enabled) any other RCODE: an empty answer.
  const aQuestion: Dns64Question = { ...q, type: TYPE.A };
  const a = known(aQuestion);
  if (!a) return ask(aQuestion);
  const nothing = done(relay(aaaa, 'no-synthesis', aaaa.rcode === RCODE.NOERROR ? withoutExcluded(aaaa.answer, policy) : aaaa.answer));
  // §5.1.6: an empty or failed A query makes the AAAA response the basis of the answer (§5.4).
  if (a.rcode !== RCODE.NOERROR) return nothing;
  const { chain, records } = followChain(a.answer, q.name, TYPE.A);
  // Only excluded AAAA: no negative answer to take an SOA from, so the A TTL alone (as BIND).
  const cap = hadExcluded ? Number.POSITIVE_INFINITY : negativeTtl(aaaa);
  const synthesized: Rr[] = [];
  for (const rr of records) {
    if (rr.rdata.length !== 4 || anyContains(policy.excludeIpv4, rr.rdata)) continue;
    for (const rule of policy.prefixes) {
      if (rule.mappedIn.length > 0 && !rule.mappedIn.some((m) => rangeContains(m, rr.rdata))) continue;
      // §5.1.7: owner from the A record, class IN, TTL min(A, SOA).
      synthesized.push({ name: rr.name, type: TYPE.AAAA, class: CLASS.IN, ttl: Math.min(rr.ttl, cap), rdata: Buffer.from(embedIpv4(rule.prefix, rr.rdata)) });
    }
  }
  if (synthesized.length === 0) return nothing;
  // §5.1.5: CNAME/DNAME chains stay in front; §5.4: authority and additional from the A response.
  return done({ rcode: RCODE.NOERROR, answer: [...chain, ...synthesized], authority: a.authority, additional: a.additional, outcome: 'synthesized' });
}

function withoutExcluded(answer: Rr[], policy: Dns64Policy): Rr[] {
  return answer.filter((r) => r.type !== TYPE.AAAA || (r.rdata.length === 16 && !anyContains(policy.excludeAaaa, r.rdata)));
}

/**
 * RFC 6147 §5.1.7: the SOA's TTL from the AAAA negative answer (RFC 2308 §5 also bounds a
 * negative answer by the SOA MINIMUM field, so both count), or 600 s without one.
 */
function negativeTtl(aaaa: UpstreamAnswer): number {
  const soa = aaaa.authority.find((r) => r.type === TYPE.SOA);
  if (!soa || soa.rdata.length < 20) return NO_SOA_TTL_CAP;
  return Math.min(soa.ttl, soa.rdata.readUInt32BE(soa.rdata.length - 4));
}

/**
 * Walk CNAME (and DNAME-synthesized CNAME) links from `qname`: the chain records in answer
 * order and the `type` records at its end. Bounded against loops.
 */
export function followChain(answer: readonly Rr[], qname: string, type: number): { chain: Rr[]; final: string; records: Rr[] } {
  let current = nameKey(qname);
  const onChain = new Set<string>([current]);
  for (let i = 0; i < MAX_CHAIN; i++) {
    const cname = answer.find((r) => r.type === TYPE.CNAME && nameKey(r.name) === current);
    if (!cname || type === TYPE.CNAME) break;
    current = nameKey(rdataName(cname.rdata));
    if (onChain.has(current)) break;
    onChain.add(current);
  }
  const chain = answer.filter((r) => (r.type === TYPE.CNAME && onChain.has(nameKey(r.name))) || r.type === 39 /* DNAME */ || (r.type === 46 /* RRSIG */ && coveredType(r) !== type));
  const records = answer.filter((r) => r.type === type && nameKey(r.name) === current);
  return { chain, final: current, records };
}

function coveredType(rrsig: Rr): number {
  return rrsig.rdata.length >= 2 ? rrsig.rdata.readUInt16BE(0) : 0;
}

function planReverse(q: Dns64Question, policy: Dns64Policy, known: KnownAnswers): Dns64Plan | undefined {
  const addr = ip6ArpaAddress(q.name);
  if (!addr) return undefined;
  for (const rule of policy.prefixes) {
    const v4 = extractIpv4(rule.prefix, addr);
    if (!v4) continue;
    const target = inAddrArpaName(v4);
    const ptrQuestion: Dns64Question = { ...q, name: target };
    const ptr = (policy.ipv4onlyArpa ? ipv4onlyReverse(target) : undefined) ?? known(ptrQuestion);
    if (!ptr) return ask(ptrQuestion);
    const cname: Rr = { name: q.name, type: TYPE.CNAME, class: CLASS.IN, ttl: REVERSE_CNAME_TTL, rdata: encodeNameUncompressed(target) };
    return done({ rcode: ptr.rcode, answer: [cname, ...ptr.answer], authority: ptr.authority, additional: ptr.additional, outcome: 'reverse' });
  }
  return undefined;
}

export function isIpv4onlyArpa(name: string): boolean {
  const key = nameKey(name);
  return key === 'ipv4only.arpa' || key.endsWith('.ipv4only.arpa');
}

/** RFC 8880 §7.2: the well-known A records, AAAA synthesized from them, NODATA or NXDOMAIN otherwise. */
function ipv4onlyArpa(q: Dns64Question, policy: Dns64Policy): Dns64Answer {
  const apex = nameKey(q.name) === 'ipv4only.arpa';
  const soa: Rr = { name: 'ipv4only.arpa.', type: TYPE.SOA, class: CLASS.IN, ttl: IPV4ONLY_SOA_TTL, rdata: ipv4onlySoaRdata() };
  if (!apex) return { rcode: RCODE.NXDOMAIN, answer: [], authority: [soa], additional: [], outcome: 'ipv4only-arpa' };
  const answer: Rr[] = [];
  if (q.type === TYPE.A) for (const v4 of IPV4ONLY_ADDRESSES) answer.push({ name: q.name, type: TYPE.A, class: CLASS.IN, ttl: IPV4ONLY_TTL, rdata: Buffer.from(v4) });
  if (q.type === TYPE.AAAA) {
    for (const v4 of IPV4ONLY_ADDRESSES) {
      for (const rule of policy.prefixes) answer.push({ name: q.name, type: TYPE.AAAA, class: CLASS.IN, ttl: IPV4ONLY_TTL, rdata: Buffer.from(embedIpv4(rule.prefix, v4)) });
    }
  }
  if (q.type === TYPE.SOA) answer.push({ ...soa, name: q.name });
  return { rcode: RCODE.NOERROR, answer, authority: answer.length === 0 ? [soa] : [], additional: [], outcome: 'ipv4only-arpa' };
}

/** RFC 8880 §7.2: 192.0.0.170 and .171 map back to ipv4only.arpa. */
function ipv4onlyReverse(name: string): Dns64Answer | undefined {
  const key = nameKey(name);
  if (key !== '170.0.0.192.in-addr.arpa' && key !== '171.0.0.192.in-addr.arpa') return undefined;
  return { rcode: RCODE.NOERROR, answer: [{ name, type: TYPE.PTR, class: CLASS.IN, ttl: IPV4ONLY_TTL, rdata: encodeNameUncompressed('ipv4only.arpa.') }], authority: [], additional: [], outcome: 'ipv4only-arpa' };
}

function ipv4onlySoaRdata(): Buffer {
  const fixed = Buffer.alloc(20);
  IPV4ONLY_SOA_TIMERS.forEach((v, i) => fixed.writeUInt32BE(v, i * 4));
  return Buffer.concat([encodeNameUncompressed('ipv4only.arpa.'), encodeNameUncompressed('.'), fixed]);
}
