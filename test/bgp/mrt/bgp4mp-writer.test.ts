import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { bgp4mpMessageRecord, bgp4mpStateChangeRecord, BGP4MP_STATE } from '../../../src/bgp/mrt/bgp4mp-writer.js';
import { decodeBgp4mp } from '../../../src/bgp/mrt/bgp4mp.js';
import { readMrtRecords } from '../../../src/bgp/mrt/record.js';
import { MrtJsonDecoder } from '../../../src/bgp/mrt/to-json.js';

const v4 = { peerAs: 4200000001, localAs: 65000, peerIp: Uint8Array.from([192, 0, 2, 2]), localIp: Uint8Array.from([192, 0, 2, 1]) };
const keepalive = Uint8Array.from([...new Array<number>(16).fill(0xff), 0, 19, 4]);

describe('BGP4MP writer', () => {
  test('MESSAGE_AS4 bytes as RFC 6396 §4.4.3 lays them out (hand-built vector)', () => {
    const bytes = bgp4mpMessageRecord({ epochMs: 1_700_000_000_250, extended: false }, v4, keepalive, 'received');
    const expected = [
      0x65, 0x53, 0xf1, 0x00, // timestamp 1700000000
      0x00, 0x10, 0x00, 0x04, // type 16 BGP4MP, subtype 4 MESSAGE_AS4
      0x00, 0x00, 0x00, 0x27, // length 8 (ASNs) + 4 + 8 (addresses) + 19
      0xfa, 0x56, 0xea, 0x01, 0x00, 0x00, 0xfd, 0xe8, // peer AS, local AS
      0x00, 0x00, 0x00, 0x01, // interface index 0, AFI 1
      192, 0, 2, 2, 192, 0, 2, 1,
      ...keepalive,
    ];
    expect([...bytes]).toEqual(expected);
  });

  test('BGP4MP_ET carries microseconds counted in Length (§3); sent messages are MESSAGE_AS4_LOCAL', () => {
    const [r] = [...readMrtRecords(bgp4mpMessageRecord({ epochMs: 1_700_000_000_250.5, extended: true }, v4, keepalive, 'sent'))];
    expect([r!.type, r!.subtype, r!.timestamp, r!.microseconds]).toEqual([17, 7, 1_700_000_000, 250_500]);
    expect(decodeBgp4mp(r!.subtype, r!.message, 0).bgpMessage).toEqual(keepalive);
  });

  test('STATE_CHANGE_AS4 with RFC 6396 §4.4.1 codes; our reader names them back', () => {
    const v6 = { peerAs: 65001, localAs: 65000, peerIp: new Uint8Array(16).fill(2), localIp: new Uint8Array(16).fill(1) };
    const [r] = [...readMrtRecords(bgp4mpStateChangeRecord({ epochMs: 0, extended: false }, v6, 'OpenConfirm', 'Established'))];
    expect(decodeBgp4mp(r!.subtype, r!.message, 0)).toMatchObject({ subtype: 5, afi: 2, state: { old: 5, new: 6 } });
    expect(JSON.stringify(new MrtJsonDecoder().decode(r!))).toMatch(/"oldState":"OpenConfirm","newState":"Established"/);
    expect(() => bgp4mpStateChangeRecord({ epochMs: 0, extended: false }, v4, 'Idle', 'Nowhere')).toThrow(/no BGP4MP state code for Nowhere/);
    expect(() => bgp4mpStateChangeRecord({ epochMs: 0, extended: false }, { ...v4, localIp: new Uint8Array(16) }, 'Idle', 'Connect')).toThrow(/both IPv4 or both IPv6/);
  });

  ptest.prop([fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom(...Object.keys(BGP4MP_STATE)), fc.constantFrom(...Object.keys(BGP4MP_STATE))])(
    'records read back: ASNs, addresses, states, timestamps', (peerAs, localAs, extended, epochMs, from, to) => {
      const s = { ...v4, peerAs, localAs };
      const [m, c] = [...readMrtRecords(new Uint8Array([...bgp4mpMessageRecord({ epochMs, extended }, s, keepalive, 'received'), ...bgp4mpStateChangeRecord({ epochMs, extended }, s, from, to)]))];
      expect(decodeBgp4mp(m!.subtype, m!.message, 0)).toMatchObject({ peerAs, localAs, bgpMessage: keepalive });
      expect(decodeBgp4mp(c!.subtype, c!.message, 0).state).toEqual({ old: BGP4MP_STATE[from], new: BGP4MP_STATE[to] });
      expect(m!.timestamp).toBe(Math.floor(epochMs / 1000));
      expect(m!.microseconds).toBe(extended ? Math.round((epochMs % 1000) * 1000) : undefined);
    });
});
