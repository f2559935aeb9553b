import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DnsTcpFramer, frameMessage } from '../../../src/dns/server/tcp-framer.js';

describe('DNS over TCP framing', () => {
  const messages = [Buffer.from('first message'), Buffer.alloc(0), Buffer.alloc(300, 7), Buffer.from([1, 2, 3])];
  const stream = Buffer.concat(messages.map(frameMessage));

  it('yields every pipelined message whatever single split point the stream has', () => {
    for (let i = 0; i <= stream.length; i++) {
      const f = new DnsTcpFramer();
      const out = [...f.push(stream.subarray(0, i)), ...f.push(stream.subarray(i))];
      expect(out).toEqual(messages);
      expect(f.buffered).toBe(0);
    }
  });

  it('yields them byte by byte and for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 8 }), fc.array(fc.nat(50), { maxLength: 40 }), (msgs, cuts) => {
        const s = Buffer.concat(msgs.map(frameMessage));
        const f = new DnsTcpFramer();
        const out: Buffer[] = [];
        let p = 0;
        for (const c of cuts) {
          out.push(...f.push(s.subarray(p, p + c)));
          p = Math.min(s.length, p + c);
        }
        out.push(...f.push(s.subarray(p)));
        expect(out.map((b) => [...b])).toEqual(msgs.map((m) => [...m]));
      }),
    );
  });

  it('keeps an incomplete message pending', () => {
    const f = new DnsTcpFramer();
    expect(f.push(Buffer.from([0, 5, 1, 2]))).toEqual([]);
    expect(f.buffered).toBe(4);
  });
});
