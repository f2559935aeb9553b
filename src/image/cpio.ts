/**
 * cpio "newc" archives (the format the kernel unpacks an initramfs from: header magic 070701,
 * fields as 8 hex digits, name and data each padded to 4 bytes, closed by TRAILER!!!), see the
 * kernel's Documentation/driver-api/early-userspace/buffer-format.rst.
 */
import type { FileTree } from './file-tree.js';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function record(ino: number, mode: number, name: string, data: Uint8Array, nlink: number, rdev: [number, number] = [0, 0]): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'latin1');
  return Buffer.concat([header, nameBytes, Buffer.alloc(pad4(header.length + nameBytes.length)), data, Buffer.alloc(pad4(data.length))]);
}

/** The tree as an uncompressed newc archive, every entry owned by root, mtime 0. */
export function encodeCpio(tree: FileTree): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const [path, e] of tree.list()) {
    if (e.type === 'dir') parts.push(record(ino++, S_IFDIR | e.mode, path, new Uint8Array(0), 2));
    else if (e.type === 'file') parts.push(record(ino++, S_IFREG | e.mode, path, e.content, 1));
    else if (e.type === 'symlink') parts.push(record(ino++, S_IFLNK | 0o777, path, Buffer.from(e.target), 1));
    else parts.push(record(ino++, S_IFCHR | e.mode, path, new Uint8Array(0), 1, [e.major, e.minor]));
  }
  parts.push(record(0, 0, 'TRAILER!!!', new Uint8Array(0), 1));
  return Buffer.concat(parts);
}
