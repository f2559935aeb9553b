import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { decodeBgp4mp, encodeBgp4mp, type Bgp4mpRecord } from '../../../src/bgp/mrt/bgp4mp.js';
import { MrtDecodeError } from '../../../src/bgp/mrt/record.js';

const arb: fc.Arbitrary<Bgp4mpRecord> = fc.tuple(fc.constantFrom(0, 1, 4, 5, 6, 7), fc.constantFrom(1 as const, 2 as const)).chain(([subtype, afi]) => {
  const as4 = [4, 5, 7].includes(subtype);
  const n = afi === 1 ? 4 : 16;
  const asArb = as4 ? fc.nat({ max: 0xffffffff }) : fc.nat(0xffff);
  const ip = fc.uint8Array({ minLength: n, maxLength: n });
  return fc.record({ subtype: fc.constant(subtype), peerAs: asArb, localAs: asArb, interfaceIndex: fc.nat(0xffff), afi: fc.constant(afi), peerIp: ip, localIp: ip })
    .chain((b): fc.Arbitrary<Bgp4mpRecord> => ([0, 5].includes(subtype)
      ? fc.record({ old: fc.nat(6), new: fc.nat(6) }).map((state) => ({ ...b, state }))
      : fc.uint8Array({ maxLength: 40 }).map((bgpMessage) => ({ ...b, bgpMessage }))));
});

describe('BGP4MP', () => {
  test.prop([arb])('round-trips', (record) => {
    expect(decodeBgp4mp(record.subtype, encodeBgp4mp(record), 0)).toEqual(record);
  });
  test.prop([fc.nat(10), fc.uint8Array({ maxLength: 60 })])('random bytes give a record or MrtDecodeError', (subtype, bytes) => {
    try { decodeBgp4mp(subtype, bytes, 0); } catch (e) { expect(e).toBeInstanceOf(MrtDecodeError); }
  });
});
