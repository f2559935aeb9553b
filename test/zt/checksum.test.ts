import { describe, expect, it } from 'vitest';
import { test as ftest, fc } from '@fast-check/vitest';
import { completeTransportChecksum } from '../../src/zt/checksum.js';

/** A frame captured from the lab's overlay: IPv4 UDP 10.147.17.12:33333 → 10.147.17.11:53, payload "abc". */
function udpFrame(payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + payload.length);
  const dv = new DataView(f.buffer);
  dv.setUint16(12, 0x0800);
  f[14] = 0x45;
  dv.setUint16(16, 20 + 8 + payload.length);
  f[22] = 64;
  f[23] = 17;
  f.set([10, 147, 17, 12, 10, 147, 17, 11], 26);
  dv.setUint16(34, 33333);
  dv.setUint16(36, 53);
  dv.setUint16(38, 8 + payload.length);
  f.set(payload, 42);
  return f;
}

/** One's-complement sum over pseudo-header and segment: 0xffff when the checksum is right (RFC 768, RFC 1071). */
function verifyIpv4(frame: Uint8Array): number {
  const seg = frame.subarray(34);
  let s = 0;
  const add = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  };
  add(frame.subarray(26, 34));
  s += frame[23]! + seg.length;
  add(seg);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

describe('transport checksum completion', () => {
  it('fills in a UDP checksum the kernel left partial (known value)', () => {
    const f = udpFrame(new TextEncoder().encode('abc'));
    expect(completeTransportChecksum(f)).toBe(true);
    expect(verifyIpv4(f)).toBe(0xffff);
  });

  it('leaves non-IP, ICMP and fragments alone', () => {
    const arp = new Uint8Array(42);
    arp[12] = 0x08;
    arp[13] = 0x06;
    expect(completeTransportChecksum(arp)).toBe(false);
    const f = udpFrame(new Uint8Array(4));
    f[23] = 1;
    expect(completeTransportChecksum(f)).toBe(false);
    const frag = udpFrame(new Uint8Array(4));
    frag[20] = 0x20; // more fragments
    expect(completeTransportChecksum(frag)).toBe(false);
  });

  ftest.prop([fc.uint8Array({ maxLength: 1400 }), fc.integer({ min: 0, max: 0xffff })])('any UDP payload verifies afterwards, whatever the field held', (payload, junk) => {
    const f = udpFrame(payload);
    f[40] = junk >> 8;
    f[41] = junk & 0xff;
    completeTransportChecksum(f);
    expect(verifyIpv4(f)).toBe(0xffff);
    expect((f[40]! << 8) | f[41]!).not.toBe(0);
  });

  ftest.prop([fc.uint8Array({ maxLength: 100 })])('total on arbitrary bytes', (bytes) => {
    expect(() => completeTransportChecksum(bytes)).not.toThrow();
  });
});
