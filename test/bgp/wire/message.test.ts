/** Header errors (code 1), OPEN errors (code 2), ROUTE-REFRESH length errors (code 7), and length limits. */
import { describe, expect, test } from 'vitest';
import { BgpDecodeError, BgpEncodeError, checkOpen, codecContext, decodeMessage, encodeMessage, shutdownNotification } from '../../../src/bgp/wire/index.js';
import type { OpenMessage } from '../../../src/bgp/wire/index.js';
import { fromHex } from './support/hex.js';

const MARKER = 'ffffffffffffffffffffffffffffffff';
const ctx = codecContext();

function errorOf(hex: string, c = ctx): BgpDecodeError {
  try {
    decodeMessage(fromHex(hex), c);
  } catch (e) {
    if (e instanceof BgpDecodeError) return e;
    throw e;
  }
  throw new Error('expected a BgpDecodeError');
}

describe('message header (RFC 4271 §6.1)', () => {
  test('a marker that is not all ones → Connection Not Synchronized', () => {
    const e = errorOf(`ffffffffffffffffffffffffffff00ff 0013 04`);
    expect([e.errorCode, e.errorSubcode, e.offset]).toEqual([1, 1, 14]);
  });
  test('length below the minimum → Bad Message Length with the length field as data', () => {
    const e = errorOf(`${MARKER} 0012 04`);
    expect([e.errorCode, e.errorSubcode]).toEqual([1, 2]);
    expect(e.data).toEqual(fromHex('0012'));
  });
  test('a KEEPALIVE with a body → Bad Message Length', () => {
    expect(errorOf(`${MARKER} 0014 04 00`).errorSubcode).toBe(2);
  });
  test('an UPDATE over 4096 bytes without extended messages → Bad Message Length; accepted with RFC 8654', () => {
    const body = '0000 0000' + '080a'.repeat((4097 - 23) / 2);
    const hex = `${MARKER} 1001 02 ${body}`;
    expect(errorOf(hex).errorSubcode).toBe(2);
    const d = decodeMessage(fromHex(hex), codecContext({ extendedMessage: true }));
    expect(d.length).toBe(4097);
  });
  test('an unknown type → Bad Message Type with the type as data', () => {
    const e = errorOf(`${MARKER} 0013 09`);
    expect([e.errorCode, e.errorSubcode]).toEqual([1, 3]);
    expect(e.data).toEqual(Uint8Array.of(9));
  });
  test('fewer bytes than the header says → Bad Message Length', () => {
    expect(errorOf(`${MARKER} 0017 02 0000`).errorSubcode).toBe(2);
  });
});

describe('OPEN (RFC 4271 §6.2)', () => {
  const open = (version: string, hold: string, id: string): string => `${MARKER} 001d 01 ${version} fde9 ${hold} ${id} 00`;
  test('version 3 → Unsupported Version Number, data = 4', () => {
    const e = errorOf(open('03', '00b4', '0a000001'));
    expect([e.errorCode, e.errorSubcode]).toEqual([2, 1]);
    expect(e.data).toEqual(fromHex('0004'));
  });
  test('hold time 2 → Unacceptable Hold Time', () => {
    expect(errorOf(open('04', '0002', '0a000001')).errorSubcode).toBe(6);
  });
  test('BGP Identifier 0.0.0.0 → Bad BGP Identifier', () => {
    expect(errorOf(open('04', '00b4', '00000000')).errorSubcode).toBe(3);
  });
  test('a malformed capability → OPEN Message Error', () => {
    const e = errorOf(`${MARKER} 0023 01 04 fde9 00b4 0a000001 06 02 04 41 02 0000`);
    expect(e.errorCode).toBe(2);
  });
  test('RFC 9072 extended optional parameters are read, and written when parameters exceed 255 bytes', () => {
    const caps = Array.from({ length: 60 }, (_, i) => ({ code: 1 as const, name: 'multiprotocol' as const, afi: 1, safi: i }));
    const m: OpenMessage = { type: 'OPEN', version: 4, myAs: 65001, holdTime: 90, bgpIdentifier: '10.0.0.1', capabilities: caps };
    const bytes = encodeMessage(m, ctx);
    expect([bytes[28], bytes[29]]).toEqual([255, 255]);
    expect(decodeMessage(bytes, ctx).message).toEqual(m);
  });
  const peer: OpenMessage = {
    type: 'OPEN',
    version: 4,
    myAs: 23456,
    holdTime: 90,
    bgpIdentifier: '10.0.0.2',
    capabilities: [{ code: 65, name: 'four-octet-as', asn: 4200000000 }],
  };
  test('checkOpen: the real ASN comes from the four-octet-as capability; a mismatch is Bad Peer AS', () => {
    expect(() => checkOpen(peer, { peerAs: 4200000000 })).not.toThrow();
    expect(() => checkOpen(peer, { peerAs: 65002 })).toThrow(expect.objectContaining({ errorCode: 2, errorSubcode: 2 }));
  });
  test('checkOpen: our own identifier on iBGP → Bad BGP Identifier; hold below minimum → Unacceptable Hold Time', () => {
    expect(() => checkOpen(peer, { localBgpIdentifier: '10.0.0.2', ibgp: true })).toThrow(expect.objectContaining({ errorSubcode: 3 }));
    expect(() => checkOpen(peer, { minHoldTime: 180 })).toThrow(expect.objectContaining({ errorSubcode: 6 }));
  });
  test('checkOpen: a missing required capability → Unsupported Capability listing it', () => {
    let err: BgpDecodeError | undefined;
    try {
      checkOpen(peer, { requiredCapabilities: [{ code: 1, name: 'multiprotocol', afi: 2, safi: 1 }] });
    } catch (e) {
      err = e as BgpDecodeError;
    }
    expect([err?.errorCode, err?.errorSubcode]).toEqual([2, 7]);
    expect(err?.data).toEqual(fromHex('01 04 0002 00 01'));
  });
});

describe('ROUTE-REFRESH (RFC 2918, RFC 7313 §5)', () => {
  test('BoRR of the wrong length → ROUTE-REFRESH Message Error with the message as data', () => {
    const hex = `${MARKER} 0018 05 0001 01 01 00`;
    const e = errorOf(hex);
    expect([e.errorCode, e.errorSubcode]).toEqual([7, 1]);
    expect(e.data).toEqual(fromHex(hex));
  });
  test('a plain request of the wrong length → Bad Message Length', () => {
    expect(errorOf(`${MARKER} 0018 05 0001 00 01 00`).errorCode).toBe(1);
  });
});

describe('encoding limits', () => {
  test('an UPDATE beyond 4096 bytes is refused unless extended messages are negotiated', () => {
    const nlri = Array.from({ length: 1100 }, (_, i) => ({ prefix: `10.${i >> 8}.${i & 255}.0/24` }));
    const u = { type: 'UPDATE' as const, withdrawn: [], attributes: { origin: 0 as const, asPath: [], nextHop: '192.0.2.1' }, nlri };
    expect(() => encodeMessage(u, ctx)).toThrow(BgpEncodeError);
    expect(encodeMessage(u, codecContext({ extendedMessage: true })).length).toBe(19 + 4 + 14 + 1100 * 4);
  });
  test('a 4-octet ASN in OPEN My Autonomous System is refused with a hint', () => {
    expect(() => encodeMessage({ type: 'OPEN', version: 4, myAs: 70000, holdTime: 90, bgpIdentifier: '10.0.0.1', capabilities: [] }, ctx)).toThrow(expect.objectContaining({ hint: expect.stringMatching(/AS_TRANS/) }));
  });
  test('prefix text with host bits set is refused', () => {
    expect(() => encodeMessage({ type: 'UPDATE', withdrawn: [{ prefix: '10.0.0.1/8' }], attributes: {}, nlri: [] }, ctx)).toThrow(/host bits/);
  });
  test('shutdownNotification truncates to 255 bytes on a UTF-8 boundary', () => {
    const n = shutdownNotification(2, 'é'.repeat(200));
    expect(n.data[0]).toBe(254);
    expect(n.shutdownCommunication).toBe('é'.repeat(127));
  });
});
