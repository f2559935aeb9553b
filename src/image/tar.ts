/**
 * POSIX ustar archives (the OCI image layer format): 512-byte headers with octal fields and a
 * checksum, data padded to 512, two zero blocks at the end. Long paths use the ustar prefix
 * field (up to 155 + 100 bytes); longer ones are a typed error rather than a GNU extension.
 */
import { FlatlabError } from '../config/diagnostics.js';
import type { FileTree } from './file-tree.js';

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new FlatlabError('image.tar.long-path', `path "${path}" is too long for a ustar header`, { hint: 'leave the file out of the image or shorten its path' });
}

function header(path: string, type: '0' | '2' | '3' | '5', mode: number, size: number, link: string, dev: [number, number] = [0, 0]): Buffer {
  const h = Buffer.alloc(512);
  const { name, prefix } = splitName(path);
  if (Buffer.byteLength(link) > 100) throw new FlatlabError('image.tar.long-link', `symlink target "${link}" of ${path} is longer than 100 bytes`, { hint: 'use a shorter relative target' });
  h.write(name, 0);
  h.write(octal(mode & 0o7777, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(link, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  h.write(octal(dev[0], 8), 329);
  h.write(octal(dev[1], 8), 337);
  h.write(prefix, 345);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** The tree as a tar archive, every entry owned by root (0:0), mtime 0. */
export function encodeTar(tree: FileTree): Buffer {
  const parts: Buffer[] = [];
  for (const [path, e] of tree.list()) {
    if (e.type === 'dir') parts.push(header(`${path}/`, '5', e.mode, 0, ''));
    else if (e.type === 'symlink') parts.push(header(path, '2', 0o777, 0, e.target));
    else if (e.type === 'chardev') parts.push(header(path, '3', e.mode, 0, '', [e.major, e.minor]));
    else {
      parts.push(header(path, '0', e.mode, e.content.length, ''), Buffer.from(e.content));
      const pad = (512 - (e.content.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
