/** Query bytes → response bytes through the sans-IO resolver, decoded with dns-packet (independent of our decoder). */
import packet from 'dns-packet';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../../src/dns/dns64/ip-bytes.js';
import { buildPolicy } from '../../../src/dns/dns64/policy.js';
import { readQuery, respondDns64, type Dns64Step } from '../../../src/dns/dns64/respond.js';
import type { Dns64Question, KnownAnswers } from '../../../src/dns/dns64/synthesize.js';
import { rdataName, upstreamAnswer, type Rr, type UpstreamAnswer } from '../../../src/dns/dns64/upstream-answer.js';
import { RCODE, TYPE } from '../../../src/dns/wire/constants.js';
import { decodeMessage } from '../../../src/dns/wire/message.js';
import { MessageWriter } from '../../../src/dns/wire/writer.js';

const policy = buildPolicy({});

function query(name: string, type: string, opts: { edns?: boolean; do?: boolean; cd?: boolean; udpSize?: number; id?: number; opcode?: number } = {}): Buffer {
  return packet.encode({
    type: 'query',
    id: opts.id ?? 4242,
    flags: packet.RECURSION_DESIRED | (opts.cd ? packet.CHECKING_DISABLED : 0) | ((opts.opcode ?? 0) << 11),
    questions: [{ name, type: type as 'A', class: 'IN' }],
    additionals: opts.edns === false ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: opts.udpSize ?? 1232, flags: opts.do ? packet.DNSSEC_OK : 0 } as never],
  } as packet.Packet);
}

function manyA(name: string, n: number): Rr[] {
  return Array.from({ length: n }, (_, i) => ({ name, type: TYPE.A, class: 1, ttl: 300, rdata: Buffer.from(parseIpv4(`192.0.2.${i + 1}`)!) }));
}
const soa: Rr = { name: 'example.org', type: TYPE.SOA, class: 1, ttl: 300, rdata: Buffer.concat([Buffer.from('\x02ns\x07example\x03org\x00', 'latin1'), Buffer.from('\x01h\x07example\x03org\x00', 'latin1'), Buffer.from('000000010000000100000001000000010000012c', 'hex')]) };
const known = (m: Record<number, UpstreamAnswer>): KnownAnswers => (q: Dns64Question) => m[q.type];

const rcode = (bytes: Buffer) => (packet.decode(bytes) as { rcode?: string }).rcode;

function finish(step: Dns64Step): Buffer {
  if (step.kind !== 'response' || !step.bytes) throw new Error(`expected a response, got ${step.kind}`);
  return step.bytes;
}

describe('respondDns64', () => {
  it('asks upstream first, then answers with RA, the query ID and question, and an OPT', () => {
    const q = query('www.example.org', 'AAAA');
    const first = respondDns64(q, { policy, transport: 'udp', known: () => undefined });
    expect(first).toMatchObject({ kind: 'ask', question: { name: 'www.example.org', type: TYPE.AAAA, class: 1, dnssecOk: false, checkingDisabled: false } });
    const bytes = finish(respondDns64(q, { policy, transport: 'udp', known: known({ [TYPE.AAAA]: { rcode: 0, flags: 0, answer: [], authority: [soa], additional: [] }, [TYPE.A]: { rcode: 0, flags: 0, answer: manyA('www.example.org', 1), authority: [], additional: [] } }) }));
    const r = packet.decode(bytes);
    expect(r.id).toBe(4242);
    expect(r.flags! & packet.RECURSION_AVAILABLE).toBeTruthy();
    expect(r.flags! & packet.AUTHENTIC_DATA).toBeFalsy();
    expect(r.answers).toEqual([expect.objectContaining({ name: 'www.example.org', type: 'AAAA', ttl: 300, data: '64:ff9b::c000:201' })]);
    expect(r.additionals?.[0]?.type).toBe('OPT');
  });

  it('passes DO and CD upstream and copies CD into the response', () => {
    const s = respondDns64(query('x.example.org', 'AAAA', { do: true, cd: true }), { policy, transport: 'udp', known: () => undefined });
    expect(s).toMatchObject({ kind: 'ask', question: { dnssecOk: true, checkingDisabled: true } });
    const bytes = finish(respondDns64(query('x.example.org', 'AAAA', { do: true, cd: true }), { policy, transport: 'udp', known: known({ [TYPE.AAAA]: { rcode: 0, flags: 0, answer: [], authority: [soa], additional: [] } }) }));
    const r = packet.decode(bytes);
    expect(r.flags! & packet.CHECKING_DISABLED).toBeTruthy();
    expect(r.answers).toEqual([]);
  });

  it('sets TC over UDP when the answer does not fit, and fits over TCP', () => {
    const k = known({ [TYPE.AAAA]: { rcode: 0, flags: 0, answer: [], authority: [soa], additional: [] }, [TYPE.A]: { rcode: 0, flags: 0, answer: manyA('big.example.org', 100), authority: [], additional: [] } });
    const udp = packet.decode(finish(respondDns64(query('big.example.org', 'AAAA'), { policy, transport: 'udp', known: k })));
    expect(udp.flags! & packet.TRUNCATED_RESPONSE).toBeTruthy();
    expect(udp.answers).toHaveLength(0);
    const noEdns = finish(respondDns64(query('big.example.org', 'AAAA', { edns: false }), { policy, transport: 'udp', known: k }));
    expect(noEdns.length).toBeLessThanOrEqual(512);
    const tcp = packet.decode(finish(respondDns64(query('big.example.org', 'AAAA'), { policy, transport: 'tcp', known: k })));
    expect(tcp.answers).toHaveLength(100);
  });

  it('answers FORMERR, NOTIMP and BADVERS itself, and stays silent for responses', () => {
    const q = query('a.example.org', 'A');
    const garbled = Buffer.concat([q.subarray(0, 12), Buffer.from([0x3f, 0x61])]);
    expect(rcode(finish(respondDns64(garbled, { policy, transport: 'udp', known: () => undefined })))).toBe('FORMERR');
    expect(rcode(finish(respondDns64(query('a.example.org', 'A', { opcode: 2 /* STATUS */ }), { policy, transport: 'udp', known: () => undefined })))).toBe('NOTIMP');
    const v1 = Buffer.from(q);
    v1[v1.length - 5] = 1; // OPT version 1
    const badvers = decodeMessage(finish(respondDns64(v1, { policy, transport: 'udp', known: () => undefined })));
    expect(((badvers.additionals[0]!.ttl >>> 24) << 4) | (badvers.header.flags & 0xf)).toBe(RCODE.BADVERS);
    const resp = Buffer.from(q);
    resp[2] = (resp[2] ?? 0) | 0x80;
    expect(readQuery(resp)).toMatchObject({ kind: 'response', bytes: undefined });
    expect(rcode(finish(respondDns64(query('a.example.org', 'AXFR'), { policy, transport: 'tcp', known: () => undefined })))).toBe('NOTIMP');
  });

  test.prop([fc.uint8Array({ minLength: 0, maxLength: 80 })])('never throws on arbitrary bytes', (bytes) => {
    const s = respondDns64(bytes, { policy, transport: 'udp', known: () => ({ rcode: RCODE.SERVFAIL, flags: 0, answer: [], authority: [], additional: [] }) });
    if (s.kind === 'response' && s.bytes) expect(s.bytes.readUInt16BE(0)).toBe(bytes.length >= 2 ? ((bytes[0]! << 8) | bytes[1]!) : s.bytes.readUInt16BE(0));
  });
});

describe('upstreamAnswer', () => {
  it('writes names inside rdata out uncompressed so records stand alone', () => {
    const msg = packet.encode({
      type: 'response',
      id: 1,
      flags: packet.RECURSION_DESIRED,
      questions: [{ name: 'alias.example.org', type: 'AAAA', class: 'IN' }],
      answers: [{ name: 'alias.example.org', type: 'CNAME', class: 'IN', ttl: 60, data: 'target.example.org' }],
      authorities: [{ name: 'example.org', type: 'SOA', class: 'IN', ttl: 60, data: { mname: 'ns.example.org', rname: 'h.example.org', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }],
      additionals: [{ name: 'example.org', type: 'MX', class: 'IN', ttl: 60, data: { preference: 10, exchange: 'mail.example.org' } }],
    });
    const a = upstreamAnswer(decodeMessage(msg));
    const cname = a.answer[0]!;
    expect(cname.rdata.includes(0xc0)).toBe(false);
    expect(cname.rdata.toString('latin1')).toBe('\x06target\x07example\x03org\x00');
    const soaRr = a.authority[0]!;
    expect(soaRr.rdata.readUInt32BE(soaRr.rdata.length - 4)).toBe(5);
    const mx = a.additional[0]!;
    expect(mx.rdata.readUInt16BE(0)).toBe(10);
    expect(mx.rdata.length).toBe(2 + 'mail.example.org'.length + 2);
  });
});

describe('upstreamAnswer properties', () => {
  const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/);
  const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => `${ls.join('.')}.example.org`);
  test.prop([fc.array(fc.tuple(name, name), { minLength: 1, maxLength: 6 })])('compressed CNAME and PTR targets come out whole, spelled as sent', (pairs) => {
    const w = new MessageWriter();
    w.setHeader(1, 0x8180);
    w.question(pairs[0]![0], TYPE.CNAME, 1);
    for (const [i, [owner, target]] of pairs.entries()) w.record('answer', { name: owner, type: i % 2 ? 'PTR' : 'CNAME', class: 1, ttl: 60, data: target });
    const a = upstreamAnswer(decodeMessage(w.finish()));
    expect(a.answer.map((r) => [r.name, rdataName(r.rdata)])).toEqual(pairs);
  });
});
