/**
 * Splits a TCP byte stream into whole BGP messages (style.md shape 7): `push(chunk)` returns
 * the complete messages so far and keeps the rest. A message that lies wholly inside `chunk`
 * comes back as a view of it (no copy: a socket hands over a fresh buffer per read, and the
 * decoders copy whatever outlives the message); only a message split across chunks is
 * assembled, in a buffer of its own. So the caller must not overwrite `chunk` while it still
 * uses the messages. The header is checked as soon as 19 bytes are there, so a bad marker or a
 * length over the session maximum fails before the peer could make us buffer 64 KiB of garbage.
 */
import { checkHeader } from './message.js';
import { HEADER_LENGTH, type CodecContext } from './types.js';

export class BgpFramer {
  /** Bytes of an incomplete message, at buf[0..held). */
  private buf: Uint8Array;
  private held = 0;

  /** `ctx` is read at every push, so a session can switch on extended messages after OPEN. */
  constructor(private readonly ctx: () => CodecContext, initialCapacity = 8192) {
    this.buf = new Uint8Array(initialCapacity);
  }

  /** Bytes held back waiting for the rest of a message. */
  get pending(): number {
    return this.held;
  }

  /** Add bytes; returns every complete message. Throws BgpDecodeError for a bad header. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const ctx = this.ctx();
    let at = 0;
    if (this.held > 0) {
      // Complete the held message from the front of the chunk: its header first, then its body.
      if (this.held < HEADER_LENGTH) {
        const n = Math.min(HEADER_LENGTH - this.held, chunk.length);
        this.hold(chunk.subarray(0, n));
        at = n;
        if (this.held < HEADER_LENGTH) return out;
      }
      const length = checkHeader(this.buf, 0, ctx);
      const n = Math.min(length - this.held, chunk.length - at);
      this.hold(chunk.subarray(at, at + n));
      at += n;
      if (this.held < length) return out;
      out.push(this.buf.slice(0, length));
      this.held = 0;
    }
    while (chunk.length - at >= HEADER_LENGTH) {
      const length = checkHeader(chunk, at, ctx);
      if (chunk.length - at < length) break;
      out.push(chunk.subarray(at, at + length));
      at += length;
    }
    if (at < chunk.length) {
      const rest = chunk.subarray(at);
      // A partial header is checked as far as it goes once whole (next push); a whole one now.
      if (rest.length >= HEADER_LENGTH) checkHeader(rest, 0, ctx);
      this.hold(rest);
    }
    return out;
  }

  private hold(bytes: Uint8Array): void {
    if (this.held + bytes.length > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.held + bytes.length) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.held));
      this.buf = next;
    }
    this.buf.set(bytes, this.held);
    this.held += bytes.length;
  }
}
