/**
 * Reader and Writer cursors over Uint8Array (style.md shape 2). Every read is bounds-checked
 * and throws a BgpDecodeError carrying the absolute offset; the writer reserves length fields
 * and back-patches them. No module-global state: each cursor owns its buffer. Both read and
 * write big-endian integers byte by byte: a DataView per message was an allocation as large as
 * the cursor itself.
 */
import { BgpDecodeError, BgpEncodeError } from './errors.js';

/** What a read past the end means where the reader was made (which NOTIFICATION it maps to). */
export interface ShortReadError {
  code: string;
  errorCode: number;
  errorSubcode: number;
  what: string;
}

const DEFAULT_SHORT: ShortReadError = { code: 'bgp.truncated', errorCode: 1, errorSubcode: 2, what: 'message' };

/** The big-endian 16-bit value at bytes[at] (in range: the caller checked). */
export function u16At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** The big-endian 32-bit unsigned value at bytes[at] (in range: the caller checked). */
export function u32At(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export class Reader {
  readonly bytes: Uint8Array;
  /** Absolute offset of the next byte to read. */
  pos: number;
  /** Absolute offset one past the last readable byte (moved only by `window`). */
  end: number;
  readonly short: ShortReadError;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length, short: ShortReadError = DEFAULT_SHORT) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.short = short;
  }

  /** Point this reader at bytes[start..end) of the same buffer, to reuse it for the next element. */
  window(start: number, end: number): void {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** A reader over the next `len` bytes (sharing the buffer); this reader skips past them. */
  sub(len: number, short: ShortReadError = this.short): Reader {
    this.need(len);
    const r = new Reader(this.bytes, this.pos, this.pos + len, short);
    this.pos += len;
    return r;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      const s = this.short;
      throw new BgpDecodeError({
        code: s.code,
        message: `${s.what} truncated: need ${n} byte${n === 1 ? '' : 's'}, ${this.end - this.pos} left`,
        errorCode: s.errorCode,
        errorSubcode: s.errorSubcode,
        offset: this.pos,
      });
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  u16(): number {
    this.need(2);
    const v = u16At(this.bytes, this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = u32At(this.bytes, this.pos);
    this.pos += 4;
    return v;
  }

  /** The next `n` bytes as a view into the buffer (no copy). */
  take(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** The next `n` bytes copied, for values that outlive the input buffer. */
  copy(n: number): Uint8Array {
    return this.take(n).slice();
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

export class Writer {
  private buf: Uint8Array;
  pos = 0;

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.set16(this.pos, v);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const at = this.pos;
    b[at] = v >>> 24;
    b[at + 1] = v >>> 16;
    b[at + 2] = v >>> 8;
    b[at + 3] = v;
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  fill(value: number, n: number): void {
    this.ensure(n);
    this.buf.fill(value, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Reserve a 1- or 2-byte length field; `patchLength` fills it once the body is written. */
  reserve(size: 1 | 2): number {
    const at = this.pos;
    this.ensure(size);
    this.pos += size;
    return at;
  }

  /** Write into a reserved field the number of bytes written since it (plus `extra`). */
  patchLength(at: number, size: 1 | 2, extra = 0): number {
    const len = this.pos - at - size + extra;
    const max = size === 1 ? 0xff : 0xffff;
    if (len > max) throw new BgpEncodeError(`length ${len} does not fit a ${size}-byte length field`);
    if (size === 1) this.buf[at] = len;
    else this.set16(at, len);
    return len;
  }

  /** Overwrite a 16-bit field at an earlier position (e.g. the BGP header length). */
  set16(at: number, v: number): void {
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
  }

  /** The bytes written (a view; copy if the writer is reused). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
