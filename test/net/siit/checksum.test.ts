import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { adjustChecksum, checksumOf, checksumValid, fold, sumWords } from '../../../src/net/siit/checksum.js';
import { csum } from './packets.js';

describe('Internet checksum', () => {
  it('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
    expect(fold(sumWords(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7), 0, 8))).toBe(0xddf2);
    expect(checksumOf(sumWords(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7), 0, 8))).toBe(0x220d);
  });

  propTest.prop([fc.uint8Array({ maxLength: 300 })])('agrees with the independent test implementation, odd lengths included', (b) => {
    expect(checksumOf(sumWords(b, 0, b.length))).toBe(csum([b]));
  });

  propTest.prop([fc.uint8Array({ minLength: 2, maxLength: 200 }), fc.nat({ max: 99 }), fc.nat(0xffff)])(
    'RFC 1624 incremental update gives a checksum that verifies, like recomputing',
    (data, at, replacement) => {
      const b = data.length % 2 ? data.subarray(1) : data;
      if (b.length < 2) return;
      const i = (at * 2) % b.length;
      const withSum = new Uint8Array(b.length + 2);
      withSum.set(b);
      const c = checksumOf(sumWords(withSum, 0, withSum.length));
      const old = (b[i]! << 8) | b[i + 1]!;
      const changed = withSum.slice();
      changed[i] = replacement >> 8;
      changed[i + 1] = replacement & 0xff;
      const adjusted = adjustChecksum(c, old, replacement);
      changed[b.length] = adjusted >> 8;
      changed[b.length + 1] = adjusted & 0xff;
      expect(checksumValid(sumWords(changed, 0, changed.length))).toBe(true);
    },
  );
});
