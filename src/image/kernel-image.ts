/**
 * The uncompressed kernel inside an x86 bzImage, for a PVH boot: QEMU loads an ELF vmlinux that
 * carries a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) straight into guest memory, which skips
 * the bzImage's real-mode setup and its in-guest decompression (slow under TCG: the XZ
 * decompressor ran for seconds per boot here).
 *
 * Layout facts from the kernel's Documentation/arch/x86/boot.rst: setup_sects at 0x1f1 (0 means
 * 4), the protected-mode code after (setup_sects + 1) × 512 bytes, and in it the compressed
 * payload at payload_offset (0x248) with payload_length (0x24c) bytes; the payload's format is
 * told by its magic. Pure: bytes in, facts out; decompressing happens at the I/O edge (build.ts).
 */
import { FlatlabError } from '../config/diagnostics.js';

export type PayloadFormat = 'gzip' | 'xz' | 'zstd' | 'lzma' | 'bzip2' | 'lzo' | 'lz4' | 'none';

export interface KernelPayload {
  format: PayloadFormat;
  bytes: Uint8Array;
}

const magics: readonly [PayloadFormat, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lzo', [0x89, 0x4c, 0x5a, 0x4f]],
  ['lzma', [0x5d, 0x00, 0x00]],
  ['none', [0x7f, 0x45, 0x4c, 0x46]],
];

/** The compressed vmlinux in a bzImage (boot protocol 2.08 or later). */
export function bzImagePayload(image: Uint8Array): KernelPayload {
  const b = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  if (b.length < 0x250 || b.toString('latin1', 0x202, 0x206) !== 'HdrS' || b.readUInt16LE(0x206) < 0x208) {
    throw new FlatlabError('image.kernel.not-bzimage', 'the kernel is not an x86 bzImage with boot protocol 2.08 or later', { hint: 'use the vmlinuz of a Debian linux-image-amd64 package' });
  }
  const setupSects = b[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + b.readUInt32LE(0x248);
  const end = start + b.readUInt32LE(0x24c);
  if (end > b.length) throw new FlatlabError('image.kernel.payload', `the bzImage's payload (${start}..${end}) runs past its end (${b.length})`, { hint: 'the kernel file is truncated' });
  const bytes = b.subarray(start, end);
  const format = magics.find(([, m]) => m.every((x, i) => bytes[i] === x))?.[0];
  if (!format) throw new FlatlabError('image.kernel.payload', `unknown payload format (magic ${bytes.subarray(0, 6).toString('hex')})`, { hint: 'boot the bzImage instead' });
  return { format, bytes };
}

const XEN_ELFNOTE_PHYS32_ENTRY = 18;

/** True when `elf` is a 64-bit little-endian ELF with a Xen PVH entry note, which QEMU can boot with -kernel. */
export function hasPvhEntry(elf: Uint8Array): boolean {
  const b = Buffer.from(elf.buffer, elf.byteOffset, elf.byteLength);
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return false;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > b.length || b.readUInt32LE(ph) !== 4 /* PT_NOTE */) continue;
    let o = Number(b.readBigUInt64LE(ph + 8));
    const end = Math.min(o + Number(b.readBigUInt64LE(ph + 32)), b.length);
    while (o + 12 <= end) {
      const namesz = b.readUInt32LE(o);
      const descsz = b.readUInt32LE(o + 4);
      const type = b.readUInt32LE(o + 8);
      const name = b.toString('latin1', o + 12, o + 12 + namesz).replace(/\0+$/, '');
      if (name === 'Xen' && type === XEN_ELFNOTE_PHYS32_ENTRY) return true;
      o += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}
