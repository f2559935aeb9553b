import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv4, parseIpv6 } from '../../../src/dns/dns64/ip-bytes.js';
import { embedIpv4, extractIpv4, isWellKnownPrefix, LOCAL_USE_PREFIX, Nat64PrefixError, parseNat64Prefix, RFC6052_LENGTHS, WELL_KNOWN_PREFIX } from '../../../src/dns/dns64/rfc6052.js';

/** RFC 6052 §2.4, the example table, copied from the RFC text. */
const RFC6052_TABLE: Array<[string, string, string]> = [
  ['2001:db8::/32', '192.0.2.33', '2001:db8:c000:221::'],
  ['2001:db8:100::/40', '192.0.2.33', '2001:db8:1c0:2:21::'],
  ['2001:db8:122::/48', '192.0.2.33', '2001:db8:122:c000:2:2100::'],
  ['2001:db8:122:300::/56', '192.0.2.33', '2001:db8:122:3c0:0:221::'],
  ['2001:db8:122:344::/64', '192.0.2.33', '2001:db8:122:344:c0:2:2100::'],
  ['2001:db8:122:344::/96', '192.0.2.33', '2001:db8:122:344::192.0.2.33'],
  ['64:ff9b::/96', '192.0.2.33', '64:ff9b::192.0.2.33'],
];

describe('RFC 6052 §2.4 example table', () => {
  it.each(RFC6052_TABLE)('%s + %s = %s', (prefix, v4, v6) => {
    const p = parseNat64Prefix(prefix);
    const embedded = embedIpv4(p, parseIpv4(v4)!);
    expect(formatIpv6(embedded)).toBe(formatIpv6(parseIpv6(v6)!));
    expect([...extractIpv4(p, parseIpv6(v6)!)!]).toEqual([...parseIpv4(v4)!]);
  });
});

describe('prefix validation', () => {
  it('accepts the Well-Known Prefix and the RFC 8215 local-use prefix', () => {
    expect(WELL_KNOWN_PREFIX.text).toBe('64:ff9b::/96');
    expect(isWellKnownPrefix(WELL_KNOWN_PREFIX)).toBe(true);
    expect(LOCAL_USE_PREFIX).toMatchObject({ text: '64:ff9b:1::/48', length: 48 });
    expect(isWellKnownPrefix(LOCAL_USE_PREFIX)).toBe(false);
    expect(formatIpv6(embedIpv4(LOCAL_USE_PREFIX, Uint8Array.of(198, 51, 100, 7)))).toBe('64:ff9b:1:c633:64:700::');
    expect(parseNat64Prefix('64:ff9b:1:aa00::/96').text).toBe('64:ff9b:1:aa00::/96');
  });

  it.each([
    ['64:ff9b::/95', 'dns64.bad-prefix-length'],
    ['64:ff9b::/128', 'dns64.bad-prefix-length'],
    ['64:ff9b::', 'dns64.bad-prefix'],
    ['192.0.2.0/24', 'dns64.bad-prefix'],
    ['64:ff9b::1/96', 'dns64.prefix-host-bits'],
    ['2001:db8::1:0:0/64', 'dns64.prefix-host-bits'],
    ['2001:db8:0:0:ff00::/96', 'dns64.prefix-u-octet'],
  ])('rejects %s (%s)', (text, code) => {
    try {
      parseNat64Prefix(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(Nat64PrefixError);
      expect((err as Nat64PrefixError).code).toBe(code);
      expect((err as Nat64PrefixError).hint).toBeTruthy();
    }
  });
});

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const prefixArb = fc.tuple(fc.constantFrom(...RFC6052_LENGTHS), bytes(16)).map(([length, raw]) => {
  const b = Uint8Array.from(raw);
  for (let i = length / 8; i < 16; i++) b[i] = 0;
  if (length === 96) b[8] = 0;
  return parseNat64Prefix(`${formatIpv6(b)}/${length}`);
});

describe('properties', () => {
  test.prop([prefixArb, bytes(4)])('extract(embed(v4)) = v4, u-octet and suffix zero, prefix kept', (p, v4) => {
    const a = embedIpv4(p, v4);
    expect([...extractIpv4(p, a)!]).toEqual([...v4]);
    expect(a[8]).toBe(0);
    expect([...a.subarray(0, p.length / 8)]).toEqual([...p.bytes.subarray(0, p.length / 8)]);
    const used = p.length / 8 + 4 + (p.length <= 64 ? 1 : 0);
    expect([...a.subarray(used)].every((x) => x === 0)).toBe(true);
  });

  test.prop([prefixArb, bytes(4), fc.integer({ min: 1, max: 255 })])('a non-zero u-octet is not an RFC 6052 address', (p, v4, u) => {
    fc.pre(p.length < 96);
    const a = embedIpv4(p, v4);
    a[8] = u;
    expect(extractIpv4(p, a)).toBeUndefined();
  });

  test.prop([prefixArb, bytes(16)])('extract accepts exactly the addresses that embed back to themselves', (p, addr) => {
    const v4 = extractIpv4(p, addr);
    if (v4) expect([...embedIpv4(p, v4)]).toEqual([...addr]);
    else {
      const n = p.length / 8;
      const underPrefix = [...addr.subarray(0, n)].every((x, i) => x === p.bytes[i]);
      if (underPrefix) expect(addr[8] !== 0 || addr.subarray(n).some((x, i) => x !== 0 && !(p.length === 96 && n + i >= 12))).toBe(true);
    }
  });
});
