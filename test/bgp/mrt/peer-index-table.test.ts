import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { decodePeerIndexTable, encodePeerIndexTable } from '../../../src/bgp/mrt/peer-index-table.js';
import { MrtDecodeError } from '../../../src/bgp/mrt/record.js';

const quad = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((q) => q.join('.'));
const arbPeer = fc.boolean().chain((as4) => fc.record({
  bgpId: quad,
  address: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 })),
  as: as4 ? fc.nat({ max: 0xffffffff }) : fc.nat({ max: 0xffff }),
  as4: fc.constant(as4),
}));

describe('PEER_INDEX_TABLE', () => {
  test.prop([quad, fc.string({ maxLength: 20 }), fc.array(arbPeer, { maxLength: 6 })])('round-trips', (collectorBgpId, viewName, peers) => {
    const table = { collectorBgpId, viewName, peers };
    const back = decodePeerIndexTable(encodePeerIndexTable(table), 0);
    expect(back).toEqual({ ...table, peers: peers.map((p) => ({ ...p, as4: p.as4 || p.as > 0xffff })) });
  });
  test.prop([fc.uint8Array({ maxLength: 80 })])('random bytes give a table or MrtDecodeError', (bytes) => {
    try { decodePeerIndexTable(bytes, 7); } catch (e) { expect(e).toBeInstanceOf(MrtDecodeError); }
  });
});
