import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { prefixKey, prefixText } from '../../../src/bgp/rib/prefix-key.js';

/** Canonical IPv4 prefix text, built independently of the code under test. */
function ipv4Prefix(address: number, length: number): string {
  const network = length === 0 ? 0 : (address & (-1 << (32 - length))) >>> 0;
  return `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${length}`;
}

/** Texts near the canonical form: leading zeros, host bits, lengths past 24 or 32, stray characters, IPv6. */
const oddText = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(40)).map(([a, b, c, d, l]) => `${a}.${b}.${c}.${d}/${l}`),
  fc.tuple(fc.nat(300), fc.nat(300), fc.nat(9), fc.nat(24)).map(([a, b, c, l]) => `${a}.0${b}.${c}.0/${l}`),
  fc.tuple(fc.nat(255), fc.nat(24)).map(([a, l]) => `${a}.0.0.0/0${l}`),
  fc.tuple(fc.nat(255), fc.nat(24)).map(([a, l]) => `${a}.0.0/${l}`),
  fc.tuple(fc.nat(255), fc.nat(24)).map(([a, l]) => `${a}.0.0.0.0/${l}`),
  fc.tuple(fc.nat(255), fc.nat(24)).map(([a, l]) => `${a}.0.0.0 /${l}`),
  fc.tuple(fc.nat(0xffff), fc.nat(128)).map(([g, l]) => `2001:db8:${g.toString(16)}::/${l}`),
  fc.string({ maxLength: 18 }),
);

describe('prefixKey', () => {
  test('property: a canonical IPv4 prefix up to /24 is a small integer that gives its text back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 24 }), (address, length) => {
        const text = ipv4Prefix(address, length);
        const key = prefixKey(text);
        expect(typeof key).toBe('number');
        expect(Number.isInteger(key) && (key as number) >= 0 && (key as number) < 2 ** 29).toBe(true);
        expect(prefixText(key)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: any other text is its own key', () => {
    fc.assert(
      fc.property(oddText, (text) => {
        const key = prefixKey(text);
        expect(prefixText(key)).toBe(text);
        if (typeof key === 'number') expect(text).toBe(ipv4Prefix(((key >>> 5) << 8) >>> 0, key & 31));
        else expect(key).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  test('property: two texts have one key exactly when they are one text', () => {
    const text = fc.oneof(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, l]) => ipv4Prefix(a, l)), oddText);
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(prefixKey(a) === prefixKey(b)).toBe(a === b);
      }),
      { numRuns: 3000 },
    );
  });

  test('the edges', () => {
    expect(prefixKey('0.0.0.0/0')).toBe(0);
    expect(prefixKey('255.255.255.0/24')).toBe(((0xffffff << 5) | 24) >>> 0);
    for (const text of ['1.0.0.0/0', '10.0.0.1/24', '10.0.0.0/25', '10.0.0.0/33', '010.0.0.0/8', '10.0.0.0/08', '256.0.0.0/8', '10.0.0/8', '10.0.0.0/', '10.0.0.0', '::/0', '']) {
      expect(prefixKey(text), text).toBe(text);
    }
  });
});
