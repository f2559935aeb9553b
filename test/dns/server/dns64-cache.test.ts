import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Dns64Question } from '../../../src/dns/dns64/synthesize.js';
import { encodeNameUncompressed, type Rr, type UpstreamAnswer } from '../../../src/dns/dns64/upstream-answer.js';
import { cacheTtl, UpstreamCache } from '../../../src/dns/server/dns64-cache.js';
import { RCODE, TYPE } from '../../../src/dns/wire/constants.js';

const q = (name: string, type: number = TYPE.A): Dns64Question => ({ name, type, class: 1, dnssecOk: false, checkingDisabled: false });
const a = (ttl: number): Rr => ({ name: 'x.example.org', type: TYPE.A, class: 1, ttl, rdata: Buffer.from([192, 0, 2, 1]) });
function soa(ttl: number, minimum: number): Rr {
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32BE(minimum, 16);
  return { name: 'example.org', type: TYPE.SOA, class: 1, ttl, rdata: Buffer.concat([encodeNameUncompressed('ns.example.org'), encodeNameUncompressed('h.example.org'), fixed]) };
}
const ans = (rcode: number, answer: Rr[], authority: Rr[] = []): UpstreamAnswer => ({ rcode, flags: 0, answer, authority, additional: [] });

describe('cacheTtl (RFC 2308)', () => {
  it('positive: the smallest answer TTL; negative: min(SOA TTL, MINIMUM); never errors or SOA-less negatives', () => {
    expect(cacheTtl(ans(RCODE.NOERROR, [a(300), a(60)]))).toBe(60);
    expect(cacheTtl(ans(RCODE.NXDOMAIN, [], [soa(3600, 120)]))).toBe(120);
    expect(cacheTtl(ans(RCODE.NOERROR, [], [soa(30, 120)]))).toBe(30);
    expect(cacheTtl(ans(RCODE.NOERROR, []))).toBeUndefined();
    expect(cacheTtl(ans(RCODE.SERVFAIL, []))).toBeUndefined();
    expect(cacheTtl(ans(RCODE.REFUSED, [a(60)]))).toBeUndefined();
  });
});

describe('UpstreamCache', () => {
  it('counts TTLs down with the clock and forgets expired entries', () => {
    let now = 1_000_000;
    const c = new UpstreamCache(() => now);
    c.set(q('x.example.org'), ans(RCODE.NOERROR, [a(10)]));
    expect(c.get(q('X.Example.Org'))?.answer[0]?.ttl).toBe(10);
    now += 3_500;
    expect(c.get(q('x.example.org'))?.answer[0]?.ttl).toBe(7);
    now += 6_500;
    expect(c.get(q('x.example.org'))).toBeUndefined();
    expect(c.size).toBe(0);
    expect(c.stats).toMatchObject({ hits: 2, misses: 1, stored: 1 });
  });

  it('keys on type, DO and CD; does not store errors; caps TTLs at maxTtl', () => {
    let now = 0;
    const c = new UpstreamCache(() => now, 10, 100);
    c.set(q('x.example.org'), ans(RCODE.NOERROR, [a(1000)]));
    expect(c.get(q('x.example.org', TYPE.AAAA))).toBeUndefined();
    expect(c.get({ ...q('x.example.org'), dnssecOk: true })).toBeUndefined();
    expect(c.get(q('x.example.org'))?.answer[0]?.ttl).toBe(100);
    now = 100_000;
    expect(c.get(q('x.example.org'))).toBeUndefined();
    c.set(q('s.example.org'), ans(RCODE.SERVFAIL, []));
    expect(c.get(q('s.example.org'))).toBeUndefined();
  });

  test.prop([fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 300 })])('holds at most maxEntries', (max, n) => {
    const c = new UpstreamCache(() => 0, max);
    for (let i = 0; i < n; i++) c.set(q(`n${i}.example.org`), ans(RCODE.NOERROR, [a(60)]));
    expect(c.size).toBeLessThanOrEqual(max);
    expect(c.get(q(`n${n - 1}.example.org`))).toBeDefined();
  });
});
