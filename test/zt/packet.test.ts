import { describe, expect, it } from 'vitest';
import { test as ftest, fc } from '@fast-check/vitest';
import { agreeKey, decodeHeader, encodeClear, generateIdentity, HEADER_LENGTH, open, PacketError, PacketType, seal, TAG_LENGTH } from '../../src/zt/packet.js';
import type { MemberId } from '../../src/zt/ids.js';

const A = 'aaaaaaaaaa' as MemberId;
const B = 'bbbbbbbbbb' as MemberId;
const key = new Uint8Array(32).fill(7);

describe('overlay packets', () => {
  it('a sealed packet carries the routing header in clear and nothing of the payload', () => {
    const marker = Buffer.from('FLATLAB-MARKER-0123456789');
    const p = seal(PacketType.FRAME, B, A, key, marker);
    expect(p.length).toBe(HEADER_LENGTH + marker.length + TAG_LENGTH);
    expect(decodeHeader(p)).toMatchObject({ type: PacketType.FRAME, dst: B, src: A });
    expect(p.includes(marker)).toBe(false);
    expect(open(p, key)).toEqual(marker);
  });

  it('a wrong key, a changed header or a changed byte fails authentication', () => {
    const p = seal(PacketType.FRAME, B, A, key, Buffer.from('hello'));
    expect(open(p, new Uint8Array(32).fill(8))).toBeUndefined();
    const h = Buffer.from(p);
    h[3]! ^= 1; // the destination: a root must not be able to redirect a packet unnoticed
    expect(open(h, key)).toBeUndefined();
    const b = Buffer.from(p);
    b[b.length - 20]! ^= 1;
    expect(open(b, key)).toBeUndefined();
    expect(open(p.subarray(0, 10), key)).toBeUndefined();
  });

  it('rejects short, foreign-version and unknown-type packets', () => {
    expect(() => decodeHeader(new Uint8Array(3))).toThrow(PacketError);
    const p = encodeClear(PacketType.REGISTER, B, A);
    expect(decodeHeader(p).type).toBe(PacketType.REGISTER);
    const v = Buffer.from(p);
    v[0] = 9;
    expect(() => decodeHeader(v)).toThrow(/version/);
    const t = Buffer.from(p);
    t[1] = 99;
    expect(() => decodeHeader(t)).toThrow(/type/);
  });

  it('both ends of an X25519 agreement derive the same key, bound to the pair', () => {
    const a = generateIdentity();
    const b = generateIdentity();
    const ab = agreeKey(a, b.publicKey, A, B);
    expect(agreeKey(b, a.publicKey, B, A)).toEqual(ab);
    expect(agreeKey(b, a.publicKey, B, 'cccccccccc' as MemberId)).not.toEqual(ab);
    expect(() => agreeKey(a, new Uint8Array(5), A, B)).toThrow(PacketError);
  });

  ftest.prop([fc.uint8Array({ maxLength: 1500 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 })])('seal then open is the identity', (payload, k, nonce) => {
    expect(open(seal(PacketType.FRAME, B, A, k, payload, nonce), k)).toEqual(Buffer.from(payload));
  });

  ftest.prop([fc.uint8Array({ maxLength: 64 })])('decodeHeader and open never throw anything but PacketError on arbitrary bytes', (bytes) => {
    try {
      decodeHeader(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(PacketError);
    }
    expect(() => open(bytes, key)).not.toThrow();
  });
});
