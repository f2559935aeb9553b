/**
 * Splits a TCP byte stream into whole BGP messages (style.md shape 7): `push(chunk)` returns
 * the complete messages so far, each a copy of exactly its bytes, and keeps the rest. The
 * header is checked as soon as 19 bytes are there, so a bad marker or a length over the
 * session maximum fails before the peer could make us buffer 64 KiB of garbage.
 */
import { decodeHeader } from './message.js';
import { HEADER_LENGTH, type CodecContext } from './types.js';

export class BgpFramer {
  private buf: Uint8Array;
  private start = 0;
  private end = 0;

  /** `ctx` is read at every push, so a session can switch on extended messages after OPEN. */
  constructor(private readonly ctx: () => CodecContext, initialCapacity = 8192) {
    this.buf = new Uint8Array(initialCapacity);
  }

  /** Bytes held back waiting for the rest of a message. */
  get pending(): number {
    return this.end - this.start;
  }

  /** Add bytes; returns every complete message. Throws BgpDecodeError for a bad header. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.append(chunk);
    const out: Uint8Array[] = [];
    const ctx = this.ctx();
    while (this.end - this.start >= HEADER_LENGTH) {
      const view = this.buf.subarray(this.start, this.end);
      const { length } = decodeHeader(view, 0, ctx);
      if (this.end - this.start < length) break;
      out.push(this.buf.slice(this.start, this.start + length));
      this.start += length;
    }
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    return out;
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const held = this.end - this.start;
      if (held + chunk.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        let size = this.buf.length * 2;
        while (size < held + chunk.length) size *= 2;
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = held;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}
