import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bzImagePayload, hasPvhEntry } from '../../src/image/kernel-image.js';

/** A minimal bzImage: setup header fields from Documentation/arch/x86/boot.rst, then the payload. */
function bzImage(payload: Buffer, setupSects = 1): Buffer {
  const b = Buffer.alloc((setupSects + 1) * 512 + 64 + payload.length);
  b[0x1f1] = setupSects;
  b.write('HdrS', 0x202, 'latin1');
  b.writeUInt16LE(0x20f, 0x206);
  b.writeUInt32LE(64, 0x248);
  b.writeUInt32LE(payload.length, 0x24c);
  payload.copy(b, (setupSects + 1) * 512 + 64);
  return b;
}

/** A 64-bit ELF with one PT_NOTE segment holding one note. */
function elfWithNote(name: string, type: number): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const note = Buffer.alloc(12 + Math.ceil(nameBytes.length / 4) * 4 + 4);
  note.writeUInt32LE(nameBytes.length, 0);
  note.writeUInt32LE(4, 4);
  note.writeUInt32LE(type, 8);
  nameBytes.copy(note, 12);
  const b = Buffer.alloc(64 + 56 + note.length);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2;
  b[5] = 1;
  b.writeBigUInt64LE(64n, 0x20);
  b.writeUInt16LE(56, 0x36);
  b.writeUInt16LE(1, 0x38);
  b.writeUInt32LE(4, 64);
  b.writeBigUInt64LE(120n, 64 + 8);
  b.writeBigUInt64LE(BigInt(note.length), 64 + 32);
  note.copy(b, 120);
  return b;
}

describe('bzImage payload', () => {
  it('finds the compressed kernel from the setup header and names its format by magic', () => {
    const inner = gzipSync(Buffer.from('vmlinux'));
    const p = bzImagePayload(bzImage(inner, 3));
    expect(p.format).toBe('gzip');
    expect(Buffer.from(p.bytes)).toEqual(inner);
    expect(bzImagePayload(bzImage(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1]))).format).toBe('xz');
  });

  it('refuses what is not a bzImage, or a payload past the end, as typed errors', () => {
    expect(() => bzImagePayload(Buffer.alloc(1024))).toThrow(/not an x86 bzImage/);
    const cut = bzImage(Buffer.from('abcdef')).subarray(0, 1090);
    expect(() => bzImagePayload(cut)).toThrow(/runs past its end/);
  });

  it('tells an ELF with a Xen PVH entry note (type 18) from one without', () => {
    expect(hasPvhEntry(elfWithNote('Xen', 18))).toBe(true);
    expect(hasPvhEntry(elfWithNote('Xen', 6))).toBe(false);
    expect(hasPvhEntry(elfWithNote('GNU', 18))).toBe(false);
    expect(hasPvhEntry(Buffer.from('not an elf at all, but long enough to look at its header fields'))).toBe(false);
  });

  const kernel = (() => { try { return readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')).map((f) => `/boot/${f}`)[0]; } catch { return undefined; } })();
  it.skipIf(!kernel)('reads the payload of this machine\'s Debian kernel', () => {
    expect(['xz', 'zstd', 'gzip']).toContain(bzImagePayload(readFileSync(kernel!)).format);
  });
});
