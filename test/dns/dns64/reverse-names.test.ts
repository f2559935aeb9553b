import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { inAddrArpaName, ip6ArpaAddress, ip6ArpaName } from '../../../src/dns/dns64/reverse-names.js';

describe('reverse names', () => {
  it('reads RFC 3596 §2.5 nibble names', () => {
    const name = 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.IP6.ARPA.';
    expect(Buffer.from(ip6ArpaAddress(name)!).toString('hex')).toBe('4321000000010002000300040567 89ab'.replace(/ /g, ''));
    expect(inAddrArpaName(Uint8Array.of(192, 0, 2, 33))).toBe('33.2.0.192.in-addr.arpa.');
  });

  it('refuses partial or malformed names', () => {
    expect(ip6ArpaAddress('0.8.b.d.0.1.0.0.2.ip6.arpa')).toBeUndefined();
    expect(ip6ArpaAddress(`${'g.'.repeat(32)}ip6.arpa`)).toBeUndefined();
    expect(ip6ArpaAddress(`${'10.'.repeat(32)}ip6.arpa`)).toBeUndefined();
    expect(ip6ArpaAddress('33.2.0.192.in-addr.arpa')).toBeUndefined();
  });

  test.prop([fc.uint8Array({ minLength: 16, maxLength: 16 })])('ip6.arpa name round trip', (addr) => {
    expect([...ip6ArpaAddress(ip6ArpaName(addr))!]).toEqual([...addr]);
  });
});
