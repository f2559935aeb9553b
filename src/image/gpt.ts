/**
 * GUID partition tables written in user space (UEFI spec 2.10 §5.3): a protective MBR in LBA 0,
 * the primary header in LBA 1 with 128 entries of 128 bytes from LBA 2, and the backup entries
 * and header at the end of the disk. Partitions start on 1 MiB boundaries, as fdisk and parted do.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { FlatlabError } from '../config/diagnostics.js';

export const SECTOR = 512;
const ENTRIES = 128;
const ENTRY_SIZE = 128;
const ENTRY_SECTORS = (ENTRIES * ENTRY_SIZE) / SECTOR;
const ALIGN = 2048;
/** "Linux filesystem data". */
export const LINUX_DATA_GUID = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';

export interface PartitionSpec {
  name: string;
  sizeBytes: number;
}

export interface PlacedPartition {
  name: string;
  /** 1-based partition number (vda1 …). */
  number: number;
  firstLba: number;
  lastLba: number;
  offset: number;
  size: number;
}

export interface GptDisk {
  totalBytes: number;
  partitions: PlacedPartition[];
  /** LBA 0 to the end of the primary entries, written at offset 0. */
  primary: Buffer;
  /** Backup entries and header, written at `backupOffset`. */
  backup: Buffer;
  backupOffset: number;
}

/** A GUID string in the on-disk mixed-endian layout (first three fields little-endian). */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new FlatlabError('image.gpt.guid', `"${guid}" is not a GUID`, { hint: 'write it as 8-4-4-4-12 hex digits' });
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

/** A stable version-4-shaped GUID from a label, so the same build gives the same disk. */
export function stableGuid(label: string): string {
  const h = createHash('sha256').update(label).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function entries(parts: PlacedPartition[], label: string): Buffer {
  const buf = Buffer.alloc(ENTRIES * ENTRY_SIZE);
  parts.forEach((p, i) => {
    const o = i * ENTRY_SIZE;
    guidBytes(LINUX_DATA_GUID).copy(buf, o);
    guidBytes(stableGuid(`${label}/${p.name}`)).copy(buf, o + 16);
    buf.writeBigUInt64LE(BigInt(p.firstLba), o + 32);
    buf.writeBigUInt64LE(BigInt(p.lastLba), o + 40);
    buf.write(p.name, o + 56, 72, 'utf16le');
  });
  return buf;
}

function header(current: number, backup: number, firstUsable: number, lastUsable: number, entriesLba: number, entriesCrc: number, label: string): Buffer {
  const h = Buffer.alloc(SECTOR);
  h.write('EFI PART', 0, 'latin1');
  h.writeUInt32LE(0x00010000, 8);
  h.writeUInt32LE(92, 12);
  h.writeBigUInt64LE(BigInt(current), 24);
  h.writeBigUInt64LE(BigInt(backup), 32);
  h.writeBigUInt64LE(BigInt(firstUsable), 40);
  h.writeBigUInt64LE(BigInt(lastUsable), 48);
  guidBytes(stableGuid(`${label}/disk`)).copy(h, 56);
  h.writeBigUInt64LE(BigInt(entriesLba), 72);
  h.writeUInt32LE(ENTRIES, 80);
  h.writeUInt32LE(ENTRY_SIZE, 84);
  h.writeUInt32LE(entriesCrc, 88);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  return h;
}

function protectiveMbr(totalSectors: number): Buffer {
  const m = Buffer.alloc(SECTOR);
  const e = 446;
  m[e + 1] = 0x00; m[e + 2] = 0x02; m[e + 3] = 0x00;
  m[e + 4] = 0xee;
  m[e + 5] = 0xff; m[e + 6] = 0xff; m[e + 7] = 0xff;
  m.writeUInt32LE(1, e + 8);
  m.writeUInt32LE(Math.min(totalSectors - 1, 0xffffffff), e + 12);
  m[510] = 0x55;
  m[511] = 0xaa;
  return m;
}

/** Lay out the partitions in order and build both tables. */
export function layoutGpt(specs: readonly PartitionSpec[], label: string): GptDisk {
  if (specs.length > ENTRIES) throw new FlatlabError('image.gpt.too-many', `${specs.length} partitions; a GPT here holds ${ENTRIES}`, { hint: 'use fewer partitions' });
  const partitions: PlacedPartition[] = [];
  let lba = ALIGN;
  specs.forEach((s, i) => {
    if (!Number.isSafeInteger(s.sizeBytes) || s.sizeBytes <= 0) throw new FlatlabError('image.gpt.size', `partition ${s.name} has size ${s.sizeBytes}`, { hint: 'give every partition a positive size' });
    if (Buffer.byteLength(s.name, 'utf16le') > 72) throw new FlatlabError('image.gpt.name', `partition name "${s.name}" is longer than 36 characters`, { hint: 'shorten it' });
    const sectors = Math.ceil(s.sizeBytes / SECTOR / ALIGN) * ALIGN;
    partitions.push({ name: s.name, number: i + 1, firstLba: lba, lastLba: lba + sectors - 1, offset: lba * SECTOR, size: sectors * SECTOR });
    lba += sectors;
  });
  // The backup entries and header follow the last partition (aligned end, as disk tools leave it).
  const totalSectors = lba + ALIGN;
  const lastLba = totalSectors - 1;
  const backupEntriesLba = lastLba - ENTRY_SECTORS;
  const table = entries(partitions, label);
  const entriesCrc = crc32(table);
  const firstUsable = 2 + ENTRY_SECTORS;
  const lastUsable = backupEntriesLba - 1;
  const primary = Buffer.concat([protectiveMbr(totalSectors), header(1, lastLba, firstUsable, lastUsable, 2, entriesCrc, label), table]);
  const backup = Buffer.concat([table, header(lastLba, 1, firstUsable, lastUsable, backupEntriesLba, entriesCrc, label)]);
  return { totalBytes: totalSectors * SECTOR, partitions, primary, backup, backupOffset: backupEntriesLba * SECTOR };
}
