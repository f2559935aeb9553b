/** The framer yields the same messages however the stream is cut (style.md shape 7). */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BgpDecodeError, BgpFramer, codecContext, encodeMessage } from '../../../src/bgp/wire/index.js';
import type { BgpMessage } from '../../../src/bgp/wire/index.js';
import { fromHex, toHex } from './support/hex.js';

const ctx = codecContext();
const messages: BgpMessage[] = [
  { type: 'OPEN', version: 4, myAs: 65001, holdTime: 90, bgpIdentifier: '10.0.0.1', capabilities: [{ code: 65, name: 'four-octet-as', asn: 65001 }] },
  { type: 'KEEPALIVE' },
  { type: 'UPDATE', withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '10.0.0.1' }, nlri: [{ prefix: '203.0.113.0/24' }] },
  { type: 'NOTIFICATION', code: 6, subcode: 2, data: new Uint8Array(0) },
];
const stream = Uint8Array.from(messages.flatMap((m) => [...encodeMessage(m, ctx)]));
const expected = messages.map((m) => toHex(encodeMessage(m, ctx)));

describe('BgpFramer', () => {
  test('splitting the stream in two at every byte gives the same messages', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const f = new BgpFramer(() => ctx, 16);
      const out = [...f.push(stream.subarray(0, cut)), ...f.push(stream.subarray(cut))];
      expect(out.map(toHex), `cut at ${cut}`).toEqual(expected);
      expect(f.pending).toBe(0);
    }
  });
  test('one byte at a time gives the same messages', () => {
    const f = new BgpFramer(() => ctx, 16);
    const out: Uint8Array[] = [];
    for (const b of stream) out.push(...f.push(Uint8Array.of(b)));
    expect(out.map(toHex)).toEqual(expected);
  });
  test('any chunking gives the same messages', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 10 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const f = new BgpFramer(() => ctx, 32);
        const out: Uint8Array[] = [];
        let at = 0;
        for (const p of [...points, stream.length]) {
          out.push(...f.push(stream.subarray(at, p)));
          at = p;
        }
        expect(out.map(toHex)).toEqual(expected);
      }),
    );
  });
  test('a bad marker fails as soon as the header is in, without waiting for the body', () => {
    const f = new BgpFramer(() => ctx);
    expect(() => f.push(fromHex(`${'ff'.repeat(15)}00 1000 02`))).toThrow(BgpDecodeError);
  });
  test('the maximum length follows the context: 4096, or 65535 once extended messages are on', () => {
    let extended = false;
    const f = new BgpFramer(() => codecContext({ extendedMessage: extended }));
    const header = fromHex(`${'ff'.repeat(16)} 2000 02`);
    expect(() => f.push(header)).toThrow(expect.objectContaining({ errorCode: 1, errorSubcode: 2 }));
    extended = true;
    const g = new BgpFramer(() => codecContext({ extendedMessage: extended }));
    expect(g.push(header)).toEqual([]);
    expect(g.pending).toBe(19);
  });
});
