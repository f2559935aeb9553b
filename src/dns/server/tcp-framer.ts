/**
 * DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by its
 * 2-byte length. `push(chunk)` returns every message completed by the chunk, in order, so
 * pipelined queries split anywhere across reads come out whole.
 */
export class DnsTcpFramer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Buffer[] {
    const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let buf = this.pending.length === 0 ? c : Buffer.concat([this.pending, c]);
    const out: Buffer[] = [];
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      out.push(Buffer.from(buf.subarray(2, 2 + len)));
      buf = buf.subarray(2 + len);
    }
    this.pending = Buffer.from(buf);
    return out;
  }

  /** Bytes received but not yet part of a whole message. */
  get buffered(): number {
    return this.pending.length;
  }
}

export function frameMessage(message: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(2 + message.length);
  b.writeUInt16BE(message.length, 0);
  b.set(message, 2);
  return b;
}
