/**
 * The one shape every wire element has (style.md shape 1): encode into a Writer, decode from
 * a Reader limited to the element (`len` bytes), and the encoded length without encoding.
 * `decode` must leave the reader at the end of the element or throw a BgpDecodeError.
 */
import type { Reader, Writer } from './cursor.js';
import type { CodecContext } from './types.js';

export interface Codec<T> {
  encode(value: T, w: Writer, ctx: CodecContext): void;
  decode(r: Reader, len: number, ctx: CodecContext): T;
  encodedLength(value: T, ctx: CodecContext): number;
}
