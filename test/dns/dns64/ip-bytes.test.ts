import { isIPv6 } from 'node:net';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, parseRange, rangeContains } from '../../../src/dns/dns64/ip-bytes.js';

describe('IPv6 text', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first run on a tie (RFC 5952 §4.2.3)
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays (§4.2.2)
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('%s → %s', (text, canonical) => {
    expect(formatIpv6(parseIpv6(text)!)).toBe(canonical);
  });

  it('rejects what is not an address', () => {
    for (const bad of ['', '1::2::3', '12345::', 'fe80::1%eth0', '192.0.2.1', ':::']) expect(parseIpv6(bad)).toBeUndefined();
    for (const bad of ['', '256.0.0.1', '1.2.3', '::1']) expect(parseIpv4(bad)).toBeUndefined();
  });

  test.prop([fc.uint8Array({ minLength: 16, maxLength: 16 })])('format then parse is the identity, and the text is valid', (b) => {
    const text = formatIpv6(b);
    expect(isIPv6(text)).toBe(true);
    expect([...parseIpv6(text)!]).toEqual([...b]);
  });

  test.prop([fc.ipV6()])('parse then format agrees with the canonical form of any valid text', (text) => {
    const b = parseIpv6(text);
    expect(b).toBeDefined();
    expect([...parseIpv6(formatIpv6(b!))!]).toEqual([...b!]);
  });

  test.prop([fc.ipV4()])('IPv4 round trip', (text) => {
    expect(formatIpv4(parseIpv4(text)!)).toBe(text);
  });
});

describe('ranges', () => {
  it('parses prefixes and host addresses, refusing host bits', () => {
    expect(parseRange('10.0.0.0/8')).toMatchObject({ family: 4, length: 8, text: '10.0.0.0/8' });
    expect(parseRange('192.0.2.1')).toMatchObject({ family: 4, length: 32 });
    expect(parseRange('::ffff:0:0/96')).toMatchObject({ family: 6, length: 96, text: '::ffff:0:0/96' });
    expect(parseRange('10.0.0.1/8')).toBeUndefined();
    expect(parseRange('10.0.0.0/33')).toBeUndefined();
    expect(parseRange('10.0.0.0/x')).toBeUndefined();
  });

  test.prop([fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), fc.uint8Array({ minLength: 4, maxLength: 4 })])(
    'contains agrees with comparing the first `length` bits',
    (net, length, addr) => {
      const bits = (b: Uint8Array) => [...b].map((x) => x.toString(2).padStart(8, '0')).join('');
      const masked = bits(net).slice(0, length).padEnd(32, '0');
      const netBytes = Uint8Array.from(masked.match(/.{8}/g)!.map((x) => parseInt(x, 2)));
      const r = parseRange(`${formatIpv4(netBytes)}/${length}`)!;
      expect(rangeContains(r, addr)).toBe(bits(addr).slice(0, length) === masked.slice(0, length));
      expect(rangeContains(r, new Uint8Array(16))).toBe(false);
    },
  );
});
