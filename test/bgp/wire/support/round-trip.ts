/**
 * The one round-trip property used for every codec (style.md shape 10): for any value v and
 * context, encode(v) has encodedLength(v) bytes, decodes back to v, and re-encodes to the
 * same bytes.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Reader, Writer, decodeMessage, encodeMessage, messageEncodedLength } from '../../../../src/bgp/wire/index.js';
import type { BgpMessage, Codec, CodecContext } from '../../../../src/bgp/wire/index.js';
import { expectBytes } from './hex.js';

export interface BytesCodec<T> {
  encode(v: T, ctx: CodecContext): Uint8Array;
  decode(b: Uint8Array, ctx: CodecContext): T;
  encodedLength(v: T, ctx: CodecContext): number;
}

/** Adapt an element codec ({ encode(v, w), decode(r, len), encodedLength }) to bytes in, bytes out. */
export function elementCodec<T>(codec: Codec<T>): BytesCodec<T> {
  return {
    encode(v, ctx) {
      const w = new Writer(16);
      codec.encode(v, w, ctx);
      return w.result().slice();
    },
    decode(b, ctx) {
      const r = new Reader(b);
      const v = codec.decode(r, b.length, ctx);
      expect(r.pos, 'decode must consume exactly the element').toBe(b.length);
      return v;
    },
    encodedLength: (v, ctx) => codec.encodedLength(v, ctx),
  };
}

export const messageCodec: BytesCodec<BgpMessage> = {
  encode: (v, ctx) => encodeMessage(v, ctx),
  decode(b, ctx) {
    const d = decodeMessage(b, ctx);
    expect(d.errors, 'a message we encoded must decode without attribute errors').toEqual([]);
    expect(d.length).toBe(b.length);
    return d.message;
  },
  encodedLength: (v, ctx) => messageEncodedLength(v, ctx),
};

export function roundTrip<T>(codec: BytesCodec<T>, arb: fc.Arbitrary<[T, CodecContext]>, numRuns = 200): void {
  fc.assert(
    fc.property(arb, ([v, ctx]) => {
      const bytes = codec.encode(v, ctx);
      expect(bytes.length, 'encodedLength').toBe(codec.encodedLength(v, ctx));
      const back = codec.decode(bytes, ctx);
      expect(back).toEqual(v);
      expectBytes(codec.encode(back, ctx), bytes, 're-encoded bytes');
    }),
    { numRuns },
  );
}
