/**
 * The decoder's address and prefix text (src/bgp/wire/address.ts builds it from character
 * codes) against plain reference formatters: templates for IPv4, src/net/ip.ts (bigint) for
 * IPv6 canonical text.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AddressTexts, formatIpv4Bytes, formatIpv4Number, formatIpv4Prefix, formatIpv6Bytes, formatIpv6Prefix, parseIpv6Into } from '../../../src/bgp/wire/address.js';
import { ipv4Reference, ipv6Reference, masked, parseIpv6Reference } from './support/address-reference.js';

// Zero runs are what makes IPv6 text interesting: groups drawn mostly from 0 and small values.
const ipv6Bytes = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xf }), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff])));

describe('address text', () => {
  test('IPv4 from bytes and from a 32-bit number, at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 12 }), fc.nat(), (b, k) => {
        const at = k % (b.length - 3);
        expect(formatIpv4Bytes(b, at)).toBe(ipv4Reference(b, at));
        const v = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
        expect(formatIpv4Number(v)).toBe(ipv4Reference(b, at));
      }),
      { numRuns: 1000 },
    );
    expect(formatIpv4Number(0)).toBe('0.0.0.0');
    expect(formatIpv4Number(0xffffffff)).toBe('255.255.255.255');
    expect(formatIpv4Number(0x0a000001)).toBe('10.0.0.1');
  });

  test('memoised IPv4 text is the formatted text, whatever came before (repeats and slot collisions)', () => {
    // Values from a small pool repeat and collide in the memo; the rest are fresh.
    const texts = new AddressTexts();
    const pool = [0, 1, 0x0a000001, 0x0a000041, 0x41000a00, 0xc0000201, 0xffffffff, 0x40];
    const value = fc.oneof(fc.constantFrom(...pool), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 50 }), (values) => {
        for (const v of values) expect(texts.ipv4(v)).toBe(formatIpv4Number(v));
      }),
      { numRuns: 300 },
    );
    expect(texts.ipv4(0x0a000001)).toBe(texts.ipv4(0x0a000001));
  });

  test('each memo is its own: one session\'s texts are not another\'s', () => {
    const a = new AddressTexts();
    const b = new AddressTexts();
    const first = a.ipv4(0x0a000001);
    // Equal text, and the same string again from the same memo; a fresh memo formats its own.
    expect(a.ipv4(0x0a000001)).toBe(first);
    expect(b.ipv4(0x0a000001)).toBe('10.0.0.1');
    const v6 = Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    expect(a.ipv6(v6, 0)).toBe('2001:db8::1');
    expect(b.ipv6(v6, 0)).toBe('2001:db8::1');
  });

  test('IPv6 canonical text (RFC 5952) as src/net/ip.ts writes it', () => {
    fc.assert(
      fc.property(ipv6Bytes, (b) => {
        expect(formatIpv6Bytes(b, 0)).toBe(ipv6Reference(b));
      }),
      { numRuns: 2000 },
    );
    expect(formatIpv6Bytes(new Uint8Array(16), 0)).toBe('::');
    expect(formatIpv6Bytes(Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1), 0)).toBe('2001:db8::1:0:0:1');
  });

  test('IPv4 prefix text: network address and length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), (b, bits) => {
        const net = masked(b, bits, 4);
        const v = ((net[0]! << 24) | (net[1]! << 16) | (net[2]! << 8) | net[3]!) >>> 0;
        expect(formatIpv4Prefix(v, bits)).toBe(`${ipv4Reference(net)}/${bits}`);
        expect(formatIpv4Prefix(v | 0, bits)).toBe(`${ipv4Reference(net)}/${bits}`);
      }),
      { numRuns: 1000 },
    );
  });

  test('memoised IPv6 text is the formatted text, whatever came before (repeats and slot collisions)', () => {
    const texts = new AddressTexts();
    // A small pool of addresses (differing in one byte, so they share or collide in slots) and fresh ones.
    const pool = [0, 1, 2, 9, 0x41].map((x) => Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, x, 0, 0, 0, 0, 0, 0, 0, 1]));
    const address = fc.oneof(fc.constantFrom(...pool), ipv6Bytes);
    fc.assert(
      fc.property(fc.array(fc.tuple(address, fc.integer({ min: 0, max: 3 })), { maxLength: 40 }), (seq) => {
        for (const [b, at] of seq) {
          const buf = new Uint8Array(20);
          buf.set(b, at);
          expect(texts.ipv6(buf, at)).toBe(ipv6Reference(b));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('IPv6 prefix text zeroes host bits and reads only the prefix bytes', () => {
    fc.assert(
      fc.property(ipv6Bytes, fc.integer({ min: 0, max: 128 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (b, bits, junk) => {
        const n = (bits + 7) >>> 3;
        // The prefix's bytes followed by unrelated ones, as in an NLRI field.
        const field = Uint8Array.from([...b.subarray(0, n), ...junk]);
        expect(formatIpv6Prefix(field, 0, bits)).toBe(`${ipv6Reference(masked(b, bits, 16))}/${bits}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IPv6 text to bytes', () => {
  /** IPv6 texts: canonical, fully written, upper case, with a dotted-quad tail, and edits of them. */
  const text = fc
    .tuple(ipv6Bytes, fc.constantFrom('canonical', 'full', 'upper', 'v4-tail'))
    .map(([b, form]) => {
      if (form === 'canonical') return ipv6Reference(b);
      const groups = Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16));
      if (form === 'full') return groups.map((g) => g.padStart(4, '0')).join(':');
      if (form === 'upper') return ipv6Reference(b).toUpperCase();
      const head = ipv6Reference(Uint8Array.from([...b.subarray(0, 12), 0, 0, 0, 0])).replace(/::$|:0:0$/, '::');
      return `${head.endsWith(':') ? head : `${head}:`}${ipv4Reference(b, 12)}`;
    });
  const junk = fc.constantFrom(':', '::', '.', '0', 'f', 'F', 'g', '1.2.3.4', ':1', '', ' ', '12345', ':::');
  const edited = fc.tuple(text, fc.nat(), fc.nat(4), junk).map(([t, at, del, ins]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + ins + t.slice(i + del);
  });

  test('parseIpv6Into accepts, rejects and writes exactly as the split-based reference did', () => {
    fc.assert(
      fc.property(fc.oneof(text, edited, edited, fc.string({ maxLength: 12 })), fc.integer({ min: 0, max: 4 }), (t, at) => {
        const got = new Uint8Array(20).fill(0xaa);
        const want = new Uint8Array(20).fill(0xaa);
        expect(parseIpv6Into(t, got, at)).toBe(parseIpv6Reference(t, want, at));
        expect([...got]).toEqual([...want]);
      }),
      { numRuns: 5000 },
    );
  });

  test('every canonical text parses back to its bytes', () => {
    fc.assert(
      fc.property(ipv6Bytes, (b) => {
        const out = new Uint8Array(16);
        expect(parseIpv6Into(formatIpv6Bytes(b, 0), out, 0)).toBe(true);
        expect([...out]).toEqual([...b]);
      }),
      { numRuns: 1000 },
    );
  });
});
