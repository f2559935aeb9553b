/**
 * Robustness: whatever the bytes, decoding throws only BgpDecodeError (never TypeError or
 * RangeError), and what decodes re-encodes. Inputs that once broke this are kept in
 * test/fixtures/bgp/corpus/*.hex and replayed here; set BGP_FUZZ_SAVE=1 to add new ones.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BgpDecodeError, codecContext, decodeMessage, encodeMessage, maxMessageLength, messageEncodedLength } from '../../../src/bgp/wire/index.js';
import type { CodecContext } from '../../../src/bgp/wire/index.js';
import * as A from './support/arbitraries.js';
import { fromHex, toHex } from './support/hex.js';

const corpusDir = join(import.meta.dirname, '../../fixtures/bgp/corpus');
const contexts: CodecContext[] = [
  codecContext(),
  codecContext({ fourOctetAs: false, ibgp: true }),
  codecContext({ addPathReceive: new Set(['ipv4-unicast', 'ipv6-unicast']), addPathSend: new Set(['ipv4-unicast', 'ipv6-unicast']), extendedMessage: true }),
];

/** Decode under every context; true when the input behaved (typed error or a re-encodable result). */
function behaves(bytes: Uint8Array): boolean {
  for (const ctx of contexts) {
    try {
      const d = decodeMessage(bytes, ctx);
      if (messageEncodedLength(d.message, ctx) <= maxMessageLength(ctx)) encodeMessage(d.message, ctx);
    } catch (e) {
      if (e instanceof BgpDecodeError) continue;
      if (process.env.BGP_FUZZ_SAVE) {
        mkdirSync(corpusDir, { recursive: true });
        writeFileSync(join(corpusDir, `crash-${toHex(bytes).slice(0, 40)}.hex`), `${toHex(bytes)}\n`);
      }
      throw e;
    }
  }
  return true;
}

const header = (type: number, body: Uint8Array): Uint8Array => {
  const len = 19 + body.length;
  return Uint8Array.from([...new Array<number>(16).fill(0xff), len >> 8, len & 0xff, type, ...body]);
};

describe('decoding never throws anything but BgpDecodeError', () => {
  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), behaves), { numRuns: 2000 });
  });
  test('random bodies behind a valid header, every message type', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.uint8Array({ maxLength: 300 }), (type, body) => behaves(header(type, body))), { numRuns: 5000 });
  });
  test('random attribute lists inside a well-formed UPDATE frame', () => {
    const attr = fc.tuple(A.u8, A.u8, fc.uint8Array({ maxLength: 40 })).map(([flags, type, value]) => {
      const ext = (flags & 0x10) !== 0;
      return [flags, type, ...(ext ? [value.length >> 8, value.length & 255] : [value.length & 255]), ...value];
    });
    fc.assert(
      fc.property(fc.array(attr, { maxLength: 6 }), fc.uint8Array({ maxLength: 20 }), (attrs, nlri) => {
        const a = attrs.flat();
        return behaves(header(2, Uint8Array.from([0, 0, a.length >> 8, a.length & 255, ...a, ...nlri])));
      }),
      { numRuns: 5000 },
    );
  });
  test('single-byte mutations of valid UPDATEs give a typed error or a result', () => {
    const ctx = codecContext({ ibgp: true });
    const arb = A.update(ctx)
      .map((u) => encodeMessage(u, codecContext({ ibgp: true, extendedMessage: true })))
      .chain((bytes) => fc.tuple(fc.constant(bytes), fc.integer({ min: 0, max: bytes.length - 1 }), A.u8));
    fc.assert(
      fc.property(arb, ([bytes, at, value]) => {
        const m = bytes.slice();
        m[at] = value;
        return behaves(m);
      }),
      { numRuns: 3000 },
    );
  });
});

test('corpus inputs replay without anything but typed errors', () => {
  const files = readdirSync(corpusDir).filter((f) => f.endsWith('.hex'));
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) expect(behaves(fromHex(readFileSync(join(corpusDir, f), 'utf8'))), f).toBe(true);
});
