/** The forwarder against a fake exchange: TCP on TC, skipping failing servers, SERVFAIL when all fail, DO/CD passed on. */
import { describe, expect, it } from 'vitest';
import type { Dns64Question } from '../../../src/dns/dns64/synthesize.js';
import { buildUpstreamQuery, UpstreamForwarder, type UpstreamExchange } from '../../../src/dns/server/dns64-upstream.js';
import type { Endpoint } from '../../../src/dns/server/endpoint.js';
import { FLAG, RCODE, TYPE } from '../../../src/dns/wire/constants.js';
import { decodeMessage, type WireMessage } from '../../../src/dns/wire/message.js';
import { MessageWriter } from '../../../src/dns/wire/writer.js';

const question: Dns64Question = { name: 'www.example.org', type: TYPE.A, class: 1, dnssecOk: true, checkingDisabled: true };

function reply(query: Buffer, rcode: number, opts: { tc?: boolean; a?: boolean; brokenCname?: boolean } = {}): WireMessage {
  const qm = decodeMessage(query);
  const w = new MessageWriter();
  w.setHeader(qm.header.id, FLAG.QR | (opts.tc ? FLAG.TC : 0) | rcode);
  w.question(qm.questions[0]!.name, qm.questions[0]!.type, 1);
  if (opts.a) w.record('answer', { name: 'www.example.org', type: 'A', class: 1, ttl: 60, data: '192.0.2.1' });
  // A CNAME whose target label claims 3 bytes but the message ends after 1.
  if (opts.brokenCname) w.record('answer', { name: 'www.example.org', type: 'TYPE5', class: 1, ttl: 60, data: Buffer.from([3, 0x61]) });
  return decodeMessage(w.finish());
}

type Behaviour = (transport: 'udp' | 'tcp', query: Buffer) => WireMessage | undefined;

function fake(servers: Record<number, Behaviour>): UpstreamExchange & { calls: string[] } {
  const calls: string[] = [];
  const at = (t: 'udp' | 'tcp') => async (s: Endpoint, query: Buffer) => {
    calls.push(`${t}:${s.port}`);
    return servers[s.port]?.(t, query);
  };
  return { calls, udp: at('udp'), tcp: at('tcp') };
}

const ep = (port: number): Endpoint => ({ host: '127.0.0.1', port });

describe('UpstreamForwarder', () => {
  it('sends RD, EDNS, DO and CD as asked', () => {
    const m = decodeMessage(buildUpstreamQuery(question, 7, 1232));
    expect(m.header.flags & FLAG.RD).toBeTruthy();
    expect(m.header.flags & FLAG.CD).toBeTruthy();
    expect(m.additionals[0]).toMatchObject({ type: TYPE.OPT, class: 1232 });
    expect(m.additionals[0]!.ttl & 0x8000).toBeTruthy();
  });

  it('retries over TCP when UDP comes back truncated', async () => {
    const ex = fake({ 1: (t, q) => (t === 'udp' ? reply(q, 0, { tc: true }) : reply(q, 0, { a: true })) });
    const a = await new UpstreamForwarder({ servers: [ep(1)] }, ex).ask(question);
    expect(ex.calls).toEqual(['udp:1', 'tcp:1']);
    expect(a.answer).toHaveLength(1);
  });

  it('skips a server that times out or refuses, and sticks to the one that answered', async () => {
    const ex = fake({ 1: () => undefined, 2: (_t, q) => reply(q, RCODE.REFUSED), 3: (_t, q) => reply(q, 0, { a: true }) });
    const f = new UpstreamForwarder({ servers: [ep(1), ep(2), ep(3)], rounds: 1 }, ex);
    expect((await f.ask(question)).answer).toHaveLength(1);
    expect(ex.calls).toEqual(['udp:1', 'udp:2', 'udp:3']);
    ex.calls.length = 0;
    await f.ask(question);
    expect(ex.calls).toEqual(['udp:3']);
    expect(Object.fromEntries(f.stats.results)).toEqual({ 'udp|timeout': 1, 'udp|refused': 1, 'udp|ok': 2 });
  });

  it('answers SERVFAIL after the bounded rounds when nobody answers usefully', async () => {
    const ex = fake({ 1: () => undefined, 2: (_t, q) => reply(q, RCODE.REFUSED) });
    const a = await new UpstreamForwarder({ servers: [ep(1), ep(2)], rounds: 3 }, ex).ask(question);
    expect(a.rcode).toBe(RCODE.SERVFAIL);
    expect(ex.calls).toHaveLength(6);
  });

  it('skips a server whose answer cannot be read', async () => {
    const ex = fake({ 1: (_t, q) => reply(q, 0, { brokenCname: true }), 2: (_t, q) => reply(q, 0, { a: true }) });
    const f = new UpstreamForwarder({ servers: [ep(1), ep(2)] }, ex);
    expect((await f.ask(question)).answer).toHaveLength(1);
    expect(Object.fromEntries(f.stats.results)).toEqual({ 'udp|malformed': 1, 'udp|ok': 1 });
  });

  it('passes NXDOMAIN on as an answer, not a failure', async () => {
    const ex = fake({ 1: (_t, q) => reply(q, RCODE.NXDOMAIN), 2: (_t, q) => reply(q, 0, { a: true }) });
    const a = await new UpstreamForwarder({ servers: [ep(1), ep(2)] }, ex).ask(question);
    expect(a.rcode).toBe(RCODE.NXDOMAIN);
    expect(ex.calls).toEqual(['udp:1']);
  });
});
