/**
 * dm-verity hash trees in the on-disk format of veritysetup (cryptsetup) and the kernel's
 * Documentation/admin-guide/device-mapper/verity.rst, hash type 1 with sha256:
 *
 *   - every data block is hashed as sha256(salt ‖ block); a hash block holds
 *     blockSize / 32 digests, zero-padded; the level above hashes those hash blocks the same way,
 *     up to a level of one block, whose sha256(salt ‖ block) is the root hash. Data of a single
 *     block has no hash levels: its own hash is the root hash.
 *   - the hash area starts with a 512-byte superblock (padded to one hash block): "verity\0\0",
 *     version 1, hash type, UUID, algorithm name, block sizes, data block count, salt size and
 *     salt, all little-endian; the levels follow, the top (one block) first, the level over the
 *     data blocks last (the kernel's hash_level_block order).
 *
 * The same data, salt, UUID and block size give the same bytes and root hash as
 * `veritysetup format` (checked in test/image/verity.test.ts). Pure: data in, bytes out.
 */
import { createHash } from 'node:crypto';
import { FlatlabError } from '../config/diagnostics.js';

export const VERITY_BLOCK_SIZE = 4096;
const DIGEST_BYTES = 32;
const SUPERBLOCK_BYTES = 512;
const SIGNATURE = 'verity\0\0';
const MAX_SALT_BYTES = 256;

export class VerityError extends FlatlabError {}

export interface VerityOptions {
  salt: Uint8Array;
  /** Written into the superblock (veritysetup --uuid); 8-4-4-4-12 hex. */
  uuid: string;
}

export interface VerityHashArea {
  /** Superblock block, then the hash levels, top first. */
  bytes: Buffer;
  rootHash: string;
  dataBlocks: number;
  /** Hash blocks (levels only, superblock not counted), as veritysetup dump prints them. */
  hashBlocks: number;
  salt: string;
}

export interface VeritySuperblock {
  hashType: number;
  uuid: string;
  algorithm: string;
  dataBlockSize: number;
  hashBlockSize: number;
  dataBlocks: number;
  salt: string;
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new VerityError('image.verity.uuid', `"${uuid}" is not a UUID`, { hint: 'write it as 8-4-4-4-12 hex digits' });
  return Buffer.from(hex, 'hex');
}

function digest(salt: Uint8Array, block: Uint8Array): Buffer {
  return createHash('sha256').update(salt).update(block).digest();
}

/** Blocks of each hash level from the bottom (over the data) to the top (one block). */
export function levelSizes(dataBlocks: number): number[] {
  const perBlock = VERITY_BLOCK_SIZE / DIGEST_BYTES;
  const sizes: number[] = [];
  let n = dataBlocks;
  while (n > 1) {
    n = Math.ceil(n / perBlock);
    sizes.push(n);
  }
  return sizes;
}

export function encodeVeritySuperblock(sb: VeritySuperblock): Buffer {
  const salt = Buffer.from(sb.salt, 'hex');
  if (salt.length > MAX_SALT_BYTES) throw new VerityError('image.verity.salt', `salt of ${salt.length} bytes; dm-verity takes at most ${MAX_SALT_BYTES}`, { hint: 'use a 32-byte salt' });
  const b = Buffer.alloc(SUPERBLOCK_BYTES);
  b.write(SIGNATURE, 0, 'latin1');
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(sb.hashType, 12);
  uuidBytes(sb.uuid).copy(b, 16);
  b.write(sb.algorithm, 32, 32, 'latin1');
  b.writeUInt32LE(sb.dataBlockSize, 64);
  b.writeUInt32LE(sb.hashBlockSize, 68);
  b.writeBigUInt64LE(BigInt(sb.dataBlocks), 72);
  b.writeUInt16LE(salt.length, 80);
  salt.copy(b, 88);
  return b;
}

/** The superblock at the start of a hash area, or undefined when there is none. */
export function decodeVeritySuperblock(bytes: Uint8Array): VeritySuperblock | undefined {
  if (bytes.length < SUPERBLOCK_BYTES) return undefined;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, SUPERBLOCK_BYTES);
  if (b.toString('latin1', 0, 8) !== SIGNATURE || b.readUInt32LE(8) !== 1) return undefined;
  const saltSize = b.readUInt16LE(80);
  if (saltSize > MAX_SALT_BYTES) return undefined;
  const u = b.subarray(16, 32).toString('hex');
  return {
    hashType: b.readUInt32LE(12),
    uuid: `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`,
    algorithm: b.toString('latin1', 32, 64).replace(/\0+$/, ''),
    dataBlockSize: b.readUInt32LE(64),
    hashBlockSize: b.readUInt32LE(68),
    dataBlocks: Number(b.readBigUInt64LE(72)),
    salt: b.subarray(88, 88 + saltSize).toString('hex'),
  };
}

/** The hash area (superblock and tree) for `data`, whose length must be a whole number of 4 KiB blocks. */
export function verityHashArea(data: Uint8Array, opts: VerityOptions): VerityHashArea {
  if (data.length === 0 || data.length % VERITY_BLOCK_SIZE !== 0) {
    throw new VerityError('image.verity.size', `data of ${data.length} bytes is not a positive multiple of ${VERITY_BLOCK_SIZE}`, { hint: 'pad the root to 4 KiB (mksquashfs does by default)' });
  }
  const dataBlocks = data.length / VERITY_BLOCK_SIZE;
  const sizes = levelSizes(dataBlocks);
  const levels: Buffer[] = [];
  // Digests of the level below, starting with the data blocks.
  let below: Buffer[] = [];
  for (let i = 0; i < dataBlocks; i++) below.push(digest(opts.salt, data.subarray(i * VERITY_BLOCK_SIZE, (i + 1) * VERITY_BLOCK_SIZE)));
  const perBlock = VERITY_BLOCK_SIZE / DIGEST_BYTES;
  for (const blocks of sizes) {
    const level = Buffer.alloc(blocks * VERITY_BLOCK_SIZE);
    below.forEach((d, i) => d.copy(level, Math.floor(i / perBlock) * VERITY_BLOCK_SIZE + (i % perBlock) * DIGEST_BYTES));
    levels.push(level);
    below = [];
    for (let i = 0; i < blocks; i++) below.push(digest(opts.salt, level.subarray(i * VERITY_BLOCK_SIZE, (i + 1) * VERITY_BLOCK_SIZE)));
  }
  const salt = Buffer.from(opts.salt).toString('hex');
  const sb = Buffer.alloc(VERITY_BLOCK_SIZE);
  encodeVeritySuperblock({ hashType: 1, uuid: opts.uuid, algorithm: 'sha256', dataBlockSize: VERITY_BLOCK_SIZE, hashBlockSize: VERITY_BLOCK_SIZE, dataBlocks, salt }).copy(sb);
  return {
    bytes: Buffer.concat([sb, ...levels.reverse()]),
    rootHash: below[0]!.toString('hex'),
    dataBlocks,
    hashBlocks: sizes.reduce((a, b) => a + b, 0),
    salt,
  };
}

/**
 * The device-mapper table line for data and hash on one device, the hash area (superblock
 * first) right after `dataBlocks` data blocks: the tree starts one block after the superblock.
 */
export function verityTable(device: string, dataBlocks: number, rootHash: string, salt: string): string {
  const sectors = dataBlocks * (VERITY_BLOCK_SIZE / 512);
  return `0 ${sectors} verity 1 ${device} ${device} ${VERITY_BLOCK_SIZE} ${VERITY_BLOCK_SIZE} ${dataBlocks} ${dataBlocks + 1} sha256 ${rootHash} ${salt || '-'}`;
}

/**
 * The hash area of a FlatRacoon OS root: the salt is the root's own sha256 and the UUID is made
 * from it, so the same root always gets the same bytes (reproducible builds and updates).
 */
export function rootVerity(root: Uint8Array): VerityHashArea {
  const salt = createHash('sha256').update(root).digest();
  const u = Buffer.from(createHash('sha256').update('flatracoon-verity-uuid').update(salt).digest().subarray(0, 16));
  u[6] = (u[6]! & 0x0f) | 0x40;
  u[8] = (u[8]! & 0x3f) | 0x80;
  const h = u.toString('hex');
  return verityHashArea(root, { salt, uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` });
}
