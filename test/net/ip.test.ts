import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { Address4, Address6 } from 'ip-address';
import {
  alignUp,
  formatIpv4,
  formatIpv6,
  formatPrefix,
  parseIp,
  parseIpv4,
  parseIpv6,
  parsePrefix,
  prefixContains,
  prefixesOverlap,
  prefixLast,
} from '../../src/net/ip.js';

const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
/** IPv6 values with long zero runs, where RFC 5952 compression matters. */
const sparseV6 = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((gs) => gs.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n));

describe('IPv4', () => {
  it('parses dotted quads strictly', () => {
    expect(parseIpv4('192.0.2.1')).toBe(0xc0000201n);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffffn);
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', '', 'a.b.c.d', '1..2.3']) expect(parseIpv4(bad), bad).toBeUndefined();
  });
  propTest.prop([fc.bigInt({ min: 0n, max: 0xffffffffn })])('format → parse round-trips and matches ip-address', (v) => {
    const text = formatIpv4(v);
    expect(parseIpv4(text)).toBe(v);
    expect(text).toBe(Address4.fromBigInt(v).correctForm());
  });
});

describe('IPv6', () => {
  it('formats per RFC 5952', () => {
    expect(formatIpv6(parseIpv6('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIpv6(parseIpv6('2001:db8:0:1:1:1:1:1')!)).toBe('2001:db8:0:1:1:1:1:1'); // a single zero group stays
    expect(formatIpv6(parseIpv6('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1'); // the longest run is compressed
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1'); // leftmost on a tie
    expect(formatIpv6(0n)).toBe('::');
    expect(formatIpv6(1n)).toBe('::1');
  });
  it('parses embedded IPv4 and rejects malformed text', () => {
    expect(parseIpv6('::ffff:192.0.2.1')).toBe(0xffffc0000201n);
    expect(parseIpv6('64:ff9b::192.0.2.33')).toBe(parseIpv6('64:ff9b::c000:221'));
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':::', 'g::1', '1:2:3:4:5:6:7', '::1.2.3', '']) expect(parseIpv6(bad), bad).toBeUndefined();
  });
  propTest.prop([fc.oneof(v6, sparseV6)])('format → parse round-trips and matches ip-address', (v) => {
    const text = formatIpv6(v);
    expect(parseIpv6(text)).toBe(v);
    expect(text).toBe(Address6.fromBigInt(v).correctForm());
  });
  propTest.prop([fc.oneof(v6, sparseV6)])('parses the fully expanded form', (v) => {
    const full = Address6.fromBigInt(v).canonicalForm();
    expect(parseIpv6(full)).toBe(v);
  });
});

describe('prefixes', () => {
  it('rejects host bits and says which network was meant', () => {
    const r = parsePrefix('203.0.113.1/24');
    expect(r.ok).toBe(false);
    if (!r.ok && r.reason === 'host-bits') expect(formatPrefix(r.network)).toBe('203.0.113.0/24');
    else throw new Error('expected host-bits');
    expect(parsePrefix('10.0.0.0/33')).toEqual({ ok: false, reason: 'length' });
    expect(parsePrefix('10.0.0.0')).toEqual({ ok: false, reason: 'syntax' });
    expect(parsePrefix('2001:db8::/32')).toMatchObject({ ok: true, prefix: { family: 'ipv6', length: 32 } });
  });
  it('contains and overlaps', () => {
    const p = (t: string) => {
      const r = parsePrefix(t);
      if (!r.ok) throw new Error(t);
      return r.prefix;
    };
    expect(prefixContains(p('10.0.0.0/8'), p('10.1.0.0/16'))).toBe(true);
    expect(prefixContains(p('10.1.0.0/16'), p('10.0.0.0/8'))).toBe(false);
    expect(prefixesOverlap(p('10.0.0.0/8'), p('10.1.0.0/16'))).toBe(true);
    expect(prefixesOverlap(p('10.0.0.0/31'), p('10.0.0.2/31'))).toBe(false);
    expect(prefixesOverlap(p('10.0.0.0/8'), p('::/0'))).toBe(false);
    expect(prefixLast(p('10.0.0.0/30'))).toBe(parseIp('10.0.0.3')!.value);
  });
  propTest.prop([fc.bigInt({ min: 0n, max: 1n << 40n }), fc.integer({ min: 0, max: 20 })])('alignUp gives the least aligned value not below the input', (v, k) => {
    const block = 1n << BigInt(k);
    const a = alignUp(v, block);
    expect(a % block).toBe(0n);
    expect(a >= v && a - v < block).toBe(true);
  });
});
