/**
 * The RFC 6147 decision, fed upstream answers built by hand (no sockets): which question is
 * asked next, and what is answered once the answers are known.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv4, parseIpv6 } from '../../../src/dns/dns64/ip-bytes.js';
import { buildPolicy, type PolicyInput } from '../../../src/dns/dns64/policy.js';
import { extractIpv4 } from '../../../src/dns/dns64/rfc6052.js';
import { planDns64, questionKey, type Dns64Answer, type Dns64Question } from '../../../src/dns/dns64/synthesize.js';
import { encodeNameUncompressed, type Rr, type UpstreamAnswer } from '../../../src/dns/dns64/upstream-answer.js';
import { RCODE, TYPE } from '../../../src/dns/wire/constants.js';

const A = (name: string, ip: string, ttl = 300): Rr => ({ name, type: TYPE.A, class: 1, ttl, rdata: Buffer.from(parseIpv4(ip)!) });
const AAAA = (name: string, ip: string, ttl = 300): Rr => ({ name, type: TYPE.AAAA, class: 1, ttl, rdata: Buffer.from(parseIpv6(ip)!) });
const CNAME = (name: string, target: string, ttl = 300): Rr => ({ name, type: TYPE.CNAME, class: 1, ttl, rdata: encodeNameUncompressed(target) });
function SOA(zone: string, ttl: number, minimum: number): Rr {
  const fixed = Buffer.alloc(20);
  [1, 3600, 600, 86400, minimum].forEach((v, i) => fixed.writeUInt32BE(v, i * 4));
  return { name: zone, type: TYPE.SOA, class: 1, ttl, rdata: Buffer.concat([encodeNameUncompressed(`ns.${zone}`), encodeNameUncompressed(`h.${zone}`), fixed]) };
}
const answer = (rcode: number, answer: Rr[] = [], authority: Rr[] = []): UpstreamAnswer => ({ rcode, flags: 0x8000, answer, authority, additional: [] });
const q = (name: string, type: number, extra: Partial<Dns64Question> = {}): Dns64Question => ({ name, type, class: 1, dnssecOk: false, checkingDisabled: false, ...extra });

/** Run the plan to its end against a table of upstream answers; returns the answer and what was asked. */
function run(question: Dns64Question, upstream: Record<string, UpstreamAnswer>, policy: PolicyInput = {}): { result: Dns64Answer; asked: string[] } {
  const p = buildPolicy(policy);
  const asked: string[] = [];
  const known = new Map<string, UpstreamAnswer>();
  for (let i = 0; i < 6; i++) {
    const plan = planDns64(question, p, (x) => known.get(questionKey(x)));
    if (plan.kind === 'answer') return { result: plan.answer, asked };
    const key = `${plan.question.name} ${plan.question.type}`;
    asked.push(key);
    const a = upstream[key];
    if (!a) throw new Error(`unexpected upstream question ${key}`);
    known.set(questionKey(plan.question), a);
  }
  throw new Error('did not finish in 6 steps');
}

const lines = (rrs: Rr[]) =>
  rrs.map((r) => `${r.name} ${r.ttl} ${r.type === TYPE.AAAA ? `AAAA ${formatIpv6(r.rdata)}` : r.type === TYPE.A ? `A ${[...r.rdata].join('.')}` : `T${r.type}`}`);

describe('AAAA queries (RFC 6147 §5.1)', () => {
  const soa = SOA('example.org', 3600, 120);

  it('synthesizes on NODATA with TTL min(A, SOA) and asks AAAA first, then A', () => {
    const { result, asked } = run(q('www.example.org', TYPE.AAAA), {
      'www.example.org 28': answer(RCODE.NOERROR, [], [soa]),
      'www.example.org 1': answer(RCODE.NOERROR, [A('www.example.org', '192.0.2.33', 300), A('www.example.org', '192.0.2.34', 60)]),
    });
    expect(asked).toEqual(['www.example.org 28', 'www.example.org 1']);
    expect(result.outcome).toBe('synthesized');
    expect(lines(result.answer)).toEqual(['www.example.org 120 AAAA 64:ff9b::c000:221', 'www.example.org 60 AAAA 64:ff9b::c000:222']);
  });

  it('the SOA TTL counts as well as its MINIMUM, and 600 s without an SOA (§5.1.7)', () => {
    const a = answer(RCODE.NOERROR, [A('x.example.org', '192.0.2.1', 3600)]);
    expect(lines(run(q('x.example.org', TYPE.AAAA), { 'x.example.org 28': answer(RCODE.NOERROR, [], [SOA('example.org', 90, 300)]), 'x.example.org 1': a }).result.answer)).toEqual(['x.example.org 90 AAAA 64:ff9b::c000:201']);
    expect(lines(run(q('x.example.org', TYPE.AAAA), { 'x.example.org 28': answer(RCODE.NOERROR), 'x.example.org 1': a }).result.answer)).toEqual(['x.example.org 600 AAAA 64:ff9b::c000:201']);
  });

  it('returns real AAAA records without asking for A', () => {
    const { result, asked } = run(q('dual.example.org', TYPE.AAAA), { 'dual.example.org 28': answer(RCODE.NOERROR, [AAAA('dual.example.org', '2001:db8::1')]) });
    expect(asked).toEqual(['dual.example.org 28']);
    expect(result.outcome).toBe('real-aaaa');
    expect(lines(result.answer)).toEqual(['dual.example.org 300 AAAA 2001:db8::1']);
  });

  it('passes NXDOMAIN on without synthesis', () => {
    const { result, asked } = run(q('nx.example.org', TYPE.AAAA), { 'nx.example.org 28': answer(RCODE.NXDOMAIN, [], [soa]) });
    expect(asked).toEqual(['nx.example.org 28']);
    expect(result.rcode).toBe(RCODE.NXDOMAIN);
  });

  it('passes SERVFAIL on by default, synthesizes with synthesizeOnError (§5.1.2)', () => {
    const up = { 'sf.example.org 28': answer(RCODE.SERVFAIL), 'sf.example.org 1': answer(RCODE.NOERROR, [A('sf.example.org', '192.0.2.9')]) };
    const strict = run(q('sf.example.org', TYPE.AAAA), up);
    expect(strict.result.rcode).toBe(RCODE.SERVFAIL);
    expect(strict.asked).toEqual(['sf.example.org 28']);
    const rfc = run(q('sf.example.org', TYPE.AAAA), up, { synthesizeOnError: true });
    expect(rfc.result.rcode).toBe(RCODE.NOERROR);
    expect(lines(rfc.result.answer)).toEqual(['sf.example.org 300 AAAA 64:ff9b::c000:209']);
  });

  it('returns the AAAA NODATA when the A query is empty or fails (§5.1.6, §5.4)', () => {
    for (const a of [answer(RCODE.NOERROR, [], [soa]), answer(RCODE.SERVFAIL)]) {
      const { result } = run(q('t.example.org', TYPE.AAAA), { 't.example.org 28': answer(RCODE.NOERROR, [], [soa]), 't.example.org 1': a });
      expect(result).toMatchObject({ rcode: RCODE.NOERROR, answer: [], outcome: 'no-synthesis' });
      expect(result.authority).toEqual([soa]);
    }
  });

  it('treats ::ffff:0:0/96 and configured ranges as absent, dropping them beside real ones (§5.1.4)', () => {
    const up = {
      'm.example.org 28': answer(RCODE.NOERROR, [AAAA('m.example.org', '::ffff:192.0.2.5'), AAAA('m.example.org', '64:ff9b::1:2')]),
      'm.example.org 1': answer(RCODE.NOERROR, [A('m.example.org', '192.0.2.5', 3600)]),
    };
    expect(lines(run(q('m.example.org', TYPE.AAAA), up).result.answer)).toEqual(['m.example.org 300 AAAA 64:ff9b::1:2']);
    const excluded = run(q('m.example.org', TYPE.AAAA), up, { excludeAaaa: ['64:ff9b::/96'], prefixes: ['2001:db8:64::/96'] });
    // Only excluded AAAA: no negative answer, so the A TTL alone (as BIND).
    expect(lines(excluded.result.answer)).toEqual(['m.example.org 3600 AAAA 2001:db8:64::c000:205']);
  });

  it('keeps CNAME chains in front of the synthesized records, owned by the chain end (§5.1.5)', () => {
    const chain = [CNAME('a.example.org', 'b.example.org'), CNAME('b.example.org', 'c.example.org')];
    const { result } = run(q('a.example.org', TYPE.AAAA), {
      'a.example.org 28': answer(RCODE.NOERROR, chain, [soa]),
      'a.example.org 1': answer(RCODE.NOERROR, [...chain, A('c.example.org', '192.0.2.7')]),
    });
    expect(result.answer.map((r) => r.type)).toEqual([TYPE.CNAME, TYPE.CNAME, TYPE.AAAA]);
    expect(result.answer[2]?.name).toBe('c.example.org');
  });

  it('excludes IPv4 ranges, private space with excludePrivate, and honours mapped-in per prefix', () => {
    const up = {
      'p.example.org 28': answer(RCODE.NOERROR, [], [soa]),
      'p.example.org 1': answer(RCODE.NOERROR, [A('p.example.org', '10.1.2.3', 60), A('p.example.org', '198.51.100.7', 60), A('p.example.org', '203.0.113.9', 60)]),
    };
    const addrs = (policy: PolicyInput) => run(q('p.example.org', TYPE.AAAA), up, policy).result.answer.map((r) => formatIpv6(r.rdata));
    expect(addrs({})).toEqual(['64:ff9b::a01:203', '64:ff9b::c633:6407', '64:ff9b::cb00:7109']);
    expect(addrs({ excludePrivate: true })).toEqual(['64:ff9b::c633:6407', '64:ff9b::cb00:7109']);
    expect(addrs({ excludeIpv4: ['198.51.100.0/24'] })).toEqual(['64:ff9b::a01:203', '64:ff9b::cb00:7109']);
    expect(addrs({ mappedIn: ['203.0.113.0/24'] })).toEqual(['64:ff9b::cb00:7109']);
    expect(addrs({ prefixes: ['64:ff9b::/96', { prefix: '2001:db8:64::/64', mappedIn: ['10.0.0.0/8'] }] })).toEqual(['64:ff9b::a01:203', '2001:db8:64:0:a:102:300:0', '64:ff9b::c633:6407', '64:ff9b::cb00:7109']);
    const none = run(q('p.example.org', TYPE.AAAA), up, { excludeIpv4: ['0.0.0.0/0'] }).result;
    expect(none).toMatchObject({ outcome: 'no-synthesis', answer: [] });
  });

  it('does not synthesize with DO and CD both set, but does with either alone (§5.5)', () => {
    const up = (dnssecOk: boolean, checkingDisabled: boolean) => {
      const p = buildPolicy({});
      const known = (x: Dns64Question) => (x.type === TYPE.AAAA ? answer(RCODE.NOERROR, [], [soa]) : answer(RCODE.NOERROR, [A('s.example.org', '192.0.2.1')]));
      const plan = planDns64(q('s.example.org', TYPE.AAAA, { dnssecOk, checkingDisabled }), p, known);
      return plan.kind === 'answer' ? plan.answer.outcome : 'ask';
    };
    expect(up(true, true)).toBe('dnssec-passthrough');
    expect(up(true, false)).toBe('synthesized');
    expect(up(false, true)).toBe('synthesized');
    expect(up(false, false)).toBe('synthesized');
  });

  it('forwards other classes and other types unchanged', () => {
    const ch = run({ ...q('version.bind', TYPE.AAAA), class: 3 }, { 'version.bind 28': answer(RCODE.REFUSED) });
    expect(ch.result).toMatchObject({ rcode: RCODE.REFUSED, outcome: 'forwarded' });
    const a = run(q('www.example.org', TYPE.A), { 'www.example.org 1': answer(RCODE.NOERROR, [A('www.example.org', '192.0.2.1')]) });
    expect(a.result.outcome).toBe('forwarded');
    expect(lines(a.result.answer)).toEqual(['www.example.org 300 A 192.0.2.1']);
  });
});

describe('PTR under a prefix (§5.3.1) and ipv4only.arpa (RFC 8880)', () => {
  it('answers a CNAME into in-addr.arpa followed by the PTR found there', () => {
    const name = '1.2.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa';
    const ptr: Rr = { name: '33.2.0.192.in-addr.arpa.', type: TYPE.PTR, class: 1, ttl: 3600, rdata: encodeNameUncompressed('www.example.org') };
    const { result, asked } = run(q(name, TYPE.PTR), { '33.2.0.192.in-addr.arpa. 12': answer(RCODE.NOERROR, [ptr]) });
    expect(asked).toEqual(['33.2.0.192.in-addr.arpa. 12']);
    expect(result.outcome).toBe('reverse');
    expect(result.answer.map((r) => r.type)).toEqual([TYPE.CNAME, TYPE.PTR]);
  });

  it('forwards PTR queries outside every prefix, and all of them with reversePtr off', () => {
    const name = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
    expect(run(q(name, TYPE.PTR), { [`${name} 12`]: answer(RCODE.NXDOMAIN) }).result.outcome).toBe('forwarded');
    const under = '1.2.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa';
    expect(run(q(under, TYPE.PTR), { [`${under} 12`]: answer(RCODE.NXDOMAIN) }, { reversePtr: false }).result.outcome).toBe('forwarded');
  });

  it('answers ipv4only.arpa locally: A, synthesized AAAA for every prefix, NXDOMAIN below', () => {
    const aaaa = run(q('ipv4only.arpa', TYPE.AAAA), {}, { prefixes: ['64:ff9b::/96', '2001:db8:64::/64'] }).result;
    expect(aaaa.answer.map((r) => formatIpv6(r.rdata))).toEqual(['64:ff9b::c000:aa', '2001:db8:64:0:c0:0:aa00:0', '64:ff9b::c000:ab', '2001:db8:64:0:c0:0:ab00:0']);
    expect(lines(run(q('IPV4ONLY.ARPA', TYPE.A), {}).result.answer)).toEqual(['IPV4ONLY.ARPA 3600 A 192.0.0.170', 'IPV4ONLY.ARPA 3600 A 192.0.0.171']);
    expect(run(q('x.ipv4only.arpa', TYPE.A), {}).result.rcode).toBe(RCODE.NXDOMAIN);
    expect(run(q('ipv4only.arpa', TYPE.TXT), {}).result).toMatchObject({ rcode: RCODE.NOERROR, answer: [] });
    expect(run(q('ipv4only.arpa', TYPE.AAAA), { 'ipv4only.arpa 28': answer(RCODE.NXDOMAIN) }, { ipv4onlyArpa: false }).result.outcome).toBe('forwarded');
  });
});

describe('properties', () => {
  const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
  test.prop([fc.array(v4, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 })])(
    'every synthesized AAAA extracts back to one of the A records, with TTL ≤ both A and SOA TTLs',
    (addrs, aTtl, soaTtl) => {
      const rrs = addrs.map((b) => ({ ...A('r.example.org', '0.0.0.0', aTtl), rdata: Buffer.from(b) }));
      const { result } = run(q('r.example.org', TYPE.AAAA), {
        'r.example.org 28': answer(RCODE.NOERROR, [], [SOA('example.org', soaTtl, soaTtl)]),
        'r.example.org 1': answer(RCODE.NOERROR, rrs),
      }, { prefixes: ['64:ff9b::/96', '64:ff9b:1::/48'] });
      expect(result.answer).toHaveLength(addrs.length * 2);
      const policy = buildPolicy({ prefixes: ['64:ff9b::/96', '64:ff9b:1::/48'] });
      for (const rr of result.answer) {
        const back = policy.prefixes.map((p) => extractIpv4(p.prefix, rr.rdata)).find((x) => x !== undefined);
        expect(addrs.some((a) => Buffer.from(a).equals(Buffer.from(back!)))).toBe(true);
        expect(rr.ttl).toBeLessThanOrEqual(Math.min(aTtl, soaTtl));
      }
    },
  );

  test.prop([fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 4 })])('never synthesizes when a non-excluded AAAA exists', (addrs) => {
    const rrs = addrs.map((b) => ({ ...AAAA('d.example.org', '::'), rdata: Buffer.from(b) }));
    const mapped = (b: Uint8Array) => b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
    fc.pre(addrs.some((b) => !mapped(b)));
    const { result } = run(q('d.example.org', TYPE.AAAA), { 'd.example.org 28': answer(RCODE.NOERROR, rrs) });
    expect(result.outcome).toBe('real-aaaa');
    expect(result.answer.every((r) => !mapped(r.rdata))).toBe(true);
  });
});
