import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { decodeRibRecord, encodeRibRecord } from '../../../src/bgp/mrt/rib-entries.js';
import { MrtDecodeError } from '../../../src/bgp/mrt/record.js';

const arbRib = fc.nat(128).chain((prefixLength) => fc.record({
  sequenceNumber: fc.nat({ max: 0xffffffff }),
  prefixLength: fc.constant(prefixLength),
  prefix: fc.uint8Array({ minLength: Math.ceil(prefixLength / 8), maxLength: Math.ceil(prefixLength / 8) }),
  entries: fc.array(fc.record({ peerIndex: fc.nat(0xffff), originatedTime: fc.nat({ max: 0xffffffff }), attributes: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 4 }),
}));

describe('RIB_IPV4/IPV6_UNICAST', () => {
  test.prop([arbRib])('round-trips', (rib) => {
    expect(decodeRibRecord(encodeRibRecord(rib), 128, 0)).toEqual(rib);
  });
  test.prop([fc.uint8Array({ maxLength: 80 })])('random bytes give a record or MrtDecodeError', (bytes) => {
    try { decodeRibRecord(bytes, 32, 3); } catch (e) { expect(e).toBeInstanceOf(MrtDecodeError); }
  });
});
