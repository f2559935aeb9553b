/**
 * RFC 7606 error handling, attribute by attribute (§7), plus flags (§3(c)), duplicates (§3(g)),
 * missing mandatory attributes (§3(d)), attribute-list framing (§4) and NLRI syntax (§5.3);
 * and the attribute layout kept for byte-exact re-encoding.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodePathAttributes } from '../../../../src/bgp/wire/attributes/path-attributes.js';
import { BgpDecodeError, codecContext, decodeMessage, LAYOUT_EXTENDED, notificationFor } from '../../../../src/bgp/wire/index.js';
import type { CodecContext, DecodedMessage, UpdateMessage } from '../../../../src/bgp/wire/index.js';
import { MANDATORY, NLRI, rawUpdate } from '../support/build.js';
import { fromHex } from '../support/hex.js';

const ebgp = codecContext();
const ibgp = codecContext({ ibgp: true });

function decode(parts: Parameters<typeof rawUpdate>[0], ctx: CodecContext = ebgp): DecodedMessage & { message: UpdateMessage } {
  return decodeMessage(rawUpdate(parts), ctx) as DecodedMessage & { message: UpdateMessage };
}

function resetError(parts: Parameters<typeof rawUpdate>[0], ctx: CodecContext = ebgp): BgpDecodeError {
  try {
    decodeMessage(rawUpdate(parts), ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(BgpDecodeError);
    return e as BgpDecodeError;
  }
  throw new Error('expected a session reset');
}

function expectWithdraw(d: DecodedMessage & { message: UpdateMessage }, subcode: number, typeCode: number): void {
  expect(d.treatAsWithdraw).toBe(true);
  expect(d.message.nlri).toEqual([]);
  expect(d.message.withdrawn).toEqual([{ prefix: '203.0.113.0/24' }]);
  const e = d.errors.find((x) => x.typeCode === typeCode);
  expect(e, `an error for attribute ${typeCode}`).toBeDefined();
  expect(e?.disposition).toBe('treat-as-withdraw');
  expect(e?.error.errorCode).toBe(3);
  expect(e?.error.errorSubcode).toBe(subcode);
}

function expectDiscard(d: DecodedMessage & { message: UpdateMessage }, typeCode: number): void {
  expect(d.treatAsWithdraw).toBe(false);
  expect(d.message.nlri).toEqual([{ prefix: '203.0.113.0/24' }]);
  expect(d.errors.map((e) => [e.typeCode, e.disposition])).toEqual([[typeCode, 'attribute-discard']]);
}

describe('RFC 7606 §7: per-attribute handling', () => {
  test('ORIGIN with an undefined value → treat-as-withdraw, data is the attribute', () => {
    const d = decode({ attrs: '40 01 01 03  40 02 00  40 03 04 c0000201', nlri: NLRI });
    expectWithdraw(d, 6, 1);
    expect(d.errors[0]?.error.data).toEqual(fromHex('40 01 01 03'));
    expect(d.message.attributes).toEqual({});
  });
  test('ORIGIN of length 2 → treat-as-withdraw (Attribute Length Error)', () => {
    expectWithdraw(decode({ attrs: '40 01 02 0000  40 02 00  40 03 04 c0000201', nlri: NLRI }), 5, 1);
  });
  test.each([
    ['a zero-length segment', '40 02 02 02 00'],
    ['an unknown segment type', '40 02 06 05 01 0000fde9'],
    ['a segment overrunning the attribute', '40 02 06 02 02 0000fde9'],
    ['a lone trailing byte', '40 02 07 02 01 0000fde9 02'],
  ])('AS_PATH with %s → treat-as-withdraw (Malformed AS_PATH)', (_what, asPath) => {
    expectWithdraw(decode({ attrs: `40 01 01 00 ${asPath} 40 03 04 c0000201`, nlri: NLRI }), 11, 2);
  });
  test('NEXT_HOP of length 5 → treat-as-withdraw', () => {
    expectWithdraw(decode({ attrs: '40 01 01 00  40 02 00  40 03 05 c000020100', nlri: NLRI }), 5, 3);
  });
  test('MED of length 3 → treat-as-withdraw', () => {
    expectWithdraw(decode({ attrs: `${MANDATORY} 80 04 03 000001`, nlri: NLRI }), 5, 4);
  });
  test('LOCAL_PREF from an eBGP peer is discarded even when well-formed', () => {
    const d = decode({ attrs: `${MANDATORY} 40 05 04 00000064`, nlri: NLRI });
    expectDiscard(d, 5);
    expect(d.message.attributes.localPref).toBeUndefined();
  });
  test('LOCAL_PREF of bad length from an iBGP peer → treat-as-withdraw; from iBGP well-formed → kept', () => {
    expectWithdraw(decode({ attrs: `${MANDATORY} 40 05 02 0064`, nlri: NLRI }, ibgp), 5, 5);
    expect(decode({ attrs: `${MANDATORY} 40 05 04 00000064`, nlri: NLRI }, ibgp).message.attributes.localPref).toBe(100);
  });
  test('ATOMIC_AGGREGATE with a value → attribute-discard', () => {
    expectDiscard(decode({ attrs: `${MANDATORY} 40 06 01 00`, nlri: NLRI }), 6);
  });
  test('AGGREGATOR of length 7 on a 4-octet session → attribute-discard', () => {
    const d = decode({ attrs: `${MANDATORY} c0 07 07 0000fde9 c00002`, nlri: NLRI });
    expectDiscard(d, 7);
    expect(d.message.attributes.aggregator).toBeUndefined();
  });
  test.each([
    ['COMMUNITIES of length 5', 'c0 08 05 fde8006401', 8],
    ['COMMUNITIES of length 0', 'c0 08 00', 8],
    ['EXTENDED_COMMUNITIES of length 7', 'c0 10 07 0002fde8000000', 16],
    ['LARGE_COMMUNITY of length 13', 'c0 20 0d 0000fde8000000010000000200', 32],
  ])('%s → treat-as-withdraw', (_what, attr, code) => {
    expectWithdraw(decode({ attrs: `${MANDATORY} ${attr}`, nlri: NLRI }), 9, code);
  });
  test('ORIGINATOR_ID of length 3 and CLUSTER_LIST of length 6 from iBGP → treat-as-withdraw', () => {
    expectWithdraw(decode({ attrs: `${MANDATORY} 80 09 03 0a0000`, nlri: NLRI }, ibgp), 5, 9);
    expectWithdraw(decode({ attrs: `${MANDATORY} 80 0a 06 0a0000010a00`, nlri: NLRI }, ibgp), 9, 10);
  });
  test('ORIGINATOR_ID and CLUSTER_LIST from eBGP are discarded', () => {
    expectDiscard(decode({ attrs: `${MANDATORY} 80 09 04 0a000001`, nlri: NLRI }), 9);
    expectDiscard(decode({ attrs: `${MANDATORY} 80 0a 04 0a000001`, nlri: NLRI }), 10);
  });
  test('MP_REACH_NLRI with a bad next-hop length → session reset, Optional Attribute Error', () => {
    const e = resetError({ attrs: '40 01 01 00 40 02 00 80 0e 0b 0002 01 05 0000000000 00 00' });
    expect([e.errorCode, e.errorSubcode, e.disposition]).toEqual([3, 9, 'session-reset']);
    expect(e.data).toEqual(fromHex('80 0e 0b 0002 01 05 0000000000 00 00'));
  });
  test('MP_UNREACH_NLRI with a prefix longer than 128 → session reset', () => {
    const e = resetError({ attrs: '80 0f 05 0002 01 81 00' });
    expect([e.errorCode, e.errorSubcode]).toEqual([3, 9]);
  });
  test('AS4_PATH malformed on a 2-octet session → attribute-discard, AS_PATH used as is', () => {
    const d = decode({ attrs: `40 01 01 00 40 02 04 02 01 5ba0 40 03 04 c0000201 c0 11 02 02 00`, nlri: NLRI }, codecContext({ fourOctetAs: false }));
    expectDiscard(d, 17);
    expect(d.message.attributes.asPath).toEqual([{ type: 2, asns: [23456] }]);
  });
  test('AS4_PATH on a 4-octet session is ignored (RFC 6793 §3)', () => {
    expectDiscard(decode({ attrs: `${MANDATORY} c0 11 06 02 01 0000fde9`, nlri: NLRI }), 17);
  });
});

describe('RFC 7606 §3: flags, duplicates, missing attributes, unknown well-known', () => {
  test('ORIGIN flagged optional → treat-as-withdraw with Attribute Flags Error', () => {
    expectWithdraw(decode({ attrs: 'c0 01 01 00  40 02 00  40 03 04 c0000201', nlri: NLRI }), 4, 1);
  });
  test('MED flagged transitive → treat-as-withdraw', () => {
    expectWithdraw(decode({ attrs: `${MANDATORY} c0 04 04 00000001`, nlri: NLRI }), 4, 4);
  });
  test('MP_REACH_NLRI flagged transitive → session reset', () => {
    expect(resetError({ attrs: 'c0 0f 03 0002 01' }).errorSubcode).toBe(4);
  });
  test('a repeated MED: later copies discarded, first kept', () => {
    const d = decode({ attrs: `${MANDATORY} 80 04 04 00000001 80 04 04 00000002`, nlri: NLRI });
    expectDiscard(d, 4);
    expect(d.message.attributes.med).toBe(1);
  });
  test('a repeated MP_UNREACH_NLRI → session reset, Malformed Attribute List', () => {
    const e = resetError({ attrs: '80 0f 03 0002 01 80 0f 03 0002 01' });
    expect([e.errorCode, e.errorSubcode]).toEqual([3, 1]);
  });
  test.each([
    ['ORIGIN', '40 02 00 40 03 04 c0000201', 1],
    ['AS_PATH', '40 01 01 00 40 03 04 c0000201', 2],
    ['NEXT_HOP', '40 01 01 00 40 02 00', 3],
  ])('missing %s with IPv4 NLRI → treat-as-withdraw, data is the type code', (_n, attrs, code) => {
    const d = decode({ attrs, nlri: NLRI });
    expectWithdraw(d, 3, code);
    expect(d.errors[0]?.error.data).toEqual(Uint8Array.of(code));
  });
  test('NEXT_HOP is not required when only MP_REACH_NLRI announces', () => {
    const d = decode({ attrs: '40 01 01 00 40 02 00 80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8' });
    expect(d.errors).toEqual([]);
    expect(d.message.attributes.mpReach?.nlri).toEqual([{ prefix: '2001:db8::/32' }]);
  });
  test('treat-as-withdraw moves MP_REACH_NLRI prefixes into MP_UNREACH_NLRI', () => {
    const d = decode({ attrs: '40 01 01 07 40 02 00 80 0e 1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8' });
    expect(d.treatAsWithdraw).toBe(true);
    expect(d.message.attributes).toEqual({ mpUnreach: { afi: 2, safi: 1, withdrawn: [{ prefix: '2001:db8::/32' }] } });
  });
  test('an unrecognized well-known attribute → session reset 3/2', () => {
    const e = resetError({ attrs: `${MANDATORY} 40 63 01 00`, nlri: NLRI });
    expect([e.errorCode, e.errorSubcode]).toEqual([3, 2]);
    expect(e.data).toEqual(fromHex('40 63 01 00'));
  });
});

describe('RFC 7606 §4, §5.3: attribute list framing and NLRI syntax', () => {
  test('an attribute overrunning the Total Path Attribute Length → treat-as-withdraw; NLRI still located', () => {
    expectWithdraw(decode({ attrs: `${MANDATORY} c0 08 08 fde80064`, nlri: NLRI }), 1, 8);
  });
  test('two bytes left where an attribute header needs three → treat-as-withdraw', () => {
    expectWithdraw(decode({ attrs: `${MANDATORY} c0 08`, nlri: NLRI }), 1, 0);
  });
  test('a broken list with no NLRI to locate → session reset', () => {
    expect(resetError({ attrs: '40 01 01 00 80 0e 20 0002' }).errorSubcode).toBe(1);
  });
  test('Total Path Attribute Length beyond the message → session reset, Malformed Attribute List', () => {
    const bytes = rawUpdate({ attrs: MANDATORY, nlri: NLRI });
    bytes[22] = 0x40; // attribute length 14 → 64
    expect(() => decodeMessage(bytes, ebgp)).toThrow(expect.objectContaining({ errorCode: 3, errorSubcode: 1 }));
  });
  test('Withdrawn Routes Length beyond the message → session reset', () => {
    const bytes = rawUpdate({ withdrawn: '08 0a' });
    bytes[20] = 0x20;
    expect(() => decodeMessage(bytes, ebgp)).toThrow(expect.objectContaining({ errorCode: 3, errorSubcode: 1 }));
  });
  test('an NLRI prefix length of 33 → session reset, Invalid Network Field', () => {
    const e = resetError({ attrs: MANDATORY, nlri: '21 0a000000 00' });
    expect([e.errorCode, e.errorSubcode, e.disposition]).toEqual([3, 10, 'session-reset']);
  });
  test('a withdrawn prefix running past its field → session reset, Invalid Network Field', () => {
    expect(resetError({ withdrawn: '18 0a00' }).errorSubcode).toBe(10);
  });
  test('notificationFor turns a session-reset error into the NOTIFICATION to send', () => {
    const e = resetError({ attrs: `${MANDATORY} 40 63 01 00`, nlri: NLRI });
    expect(notificationFor(e)).toEqual({ type: 'NOTIFICATION', code: 3, subcode: 2, data: fromHex('40 63 01 00') });
  });
});

describe('attribute layout', () => {
  test('lists in order each attribute whose header and value fit the list, extended-length ones marked', () => {
    const attr = fc.record({ flags: fc.constantFrom(0x40, 0x50, 0x80, 0x90, 0xc0, 0xd0, 0xe0), typeCode: fc.integer({ min: 1, max: 255 }), value: fc.uint8Array({ maxLength: 12 }) });
    fc.assert(
      fc.property(fc.array(attr, { maxLength: 8 }), fc.nat(), (attrs, cutAt) => {
        const encoded = attrs.map(({ flags, typeCode, value }) => (flags & 0x10 ? [flags, typeCode, value.length >> 8, value.length & 255, ...value] : [flags, typeCode, value.length, ...value]));
        const all = encoded.flat();
        // Cut the list anywhere: what lies wholly before the cut is listed, nothing after it.
        const cut = all.length === 0 ? 0 : cutAt % (all.length + 1);
        const expected: number[] = [];
        let at = 0;
        for (const [i, bytes] of encoded.entries()) {
          if (at + bytes.length > cut) break;
          expected.push(attrs[i]!.typeCode | (attrs[i]!.flags & 0x10 ? LAYOUT_EXTENDED : 0));
          at += bytes.length;
        }
        const list = Uint8Array.from(all.slice(0, cut));
        let layout: number[];
        try {
          layout = decodePathAttributes(list, 0, list.length, ebgp).layout;
        } catch (e) {
          expect(e).toBeInstanceOf(BgpDecodeError); // a session reset (unrecognized well-known, repeated MP attribute)
          return;
        }
        expect(layout).toStrictEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
