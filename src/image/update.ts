/**
 * `flatlab image update --disk DISK --root NEW.squashfs`: the host-side A/B update of a stopped
 * VM's disk. Same rules and the same write order as the in-guest updater (guest-system.ts):
 * the boot-state record first (the new slot active with one trial boot), then the root and its
 * dm-verity hash area right after it (verity.ts); a copy cut short fails verity (or its hash)
 * on the trial boot and the machine falls back.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { FlatlabError } from '../config/diagnostics.js';
import { BOOT_STATE_AREA_BYTES, isValidVersion, readBootState, writeBootState, type BootState, type Slot } from './boot-state.js';
import { SECTOR } from './gpt.js';
import { planUpdate } from './slot-choice.js';
import { rootVerity } from './verity.js';

export class ImageUpdateError extends FlatlabError {}

export interface DiskPartition {
  name: string;
  offset: number;
  size: number;
}

/** The partitions of a GPT disk image, read from its primary header and entries. */
export function readGptPartitions(head: Uint8Array, disk: string): DiskPartition[] {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length < 2 * SECTOR || b.toString('latin1', SECTOR, SECTOR + 8) !== 'EFI PART') {
    throw new ImageUpdateError('image.update.not-gpt', `${disk} has no GPT header`, { hint: 'give the disk.img written by flatlab image build' });
  }
  const entriesLba = Number(b.readBigUInt64LE(SECTOR + 72));
  const count = b.readUInt32LE(SECTOR + 80);
  const size = b.readUInt32LE(SECTOR + 84);
  const out: DiskPartition[] = [];
  for (let i = 0; i < count; i++) {
    const o = entriesLba * SECTOR + i * size;
    if (o + size > b.length) break;
    if (b.subarray(o, o + 16).every((x) => x === 0)) continue;
    const first = Number(b.readBigUInt64LE(o + 32));
    const last = Number(b.readBigUInt64LE(o + 40));
    const name = b.toString('utf16le', o + 56, o + 128).replace(/\0.*$/s, '');
    out.push({ name, offset: first * SECTOR, size: (last - first + 1) * SECTOR });
  }
  return out;
}

export interface UpdateResult {
  slot: Slot;
  version: string;
  sha256: string;
  size: number;
  state: BootState;
}

async function squashfsVersion(root: string): Promise<string | undefined> {
  const r = await execa('unsquashfs', ['-cat', root, 'etc/flatracoon/version'], { reject: false });
  return r.exitCode === 0 ? String(r.stdout).trim() : undefined;
}

export async function updateDisk(opts: { disk: string; root: string; version?: string; tries?: number }): Promise<UpdateResult> {
  const root = await readFile(opts.root).catch((err: Error) => {
    throw new ImageUpdateError('image.update.root', `cannot read ${opts.root}: ${err.message}`, { hint: 'give a root.squashfs written by flatlab image build' });
  });
  if (root.toString('latin1', 0, 4) !== 'hsqs') throw new ImageUpdateError('image.update.root', `${opts.root} is not a squashfs image`, { hint: 'give a root.squashfs written by flatlab image build' });
  const version = opts.version ?? (await squashfsVersion(opts.root));
  if (!version || !isValidVersion(version)) {
    throw new ImageUpdateError('image.update.version', version ? `version "${version}" is not 1-32 of A-Z a-z 0-9 . _ + -` : `${opts.root} has no etc/flatracoon/version`, { hint: 'pass --version V' });
  }
  const fh = await open(opts.disk, 'r+').catch((err: Error) => {
    throw new ImageUpdateError('image.update.disk', `cannot open ${opts.disk}: ${err.message}`, { hint: 'give the disk.img of a stopped VM (QEMU holds it while running)' });
  });
  try {
    const head = Buffer.alloc(34 * SECTOR);
    await fh.read(head, 0, head.length, 0);
    const parts = readGptPartitions(head, opts.disk);
    const find = (name: string): DiskPartition => {
      const p = parts.find((x) => x.name === name);
      if (!p) throw new ImageUpdateError('image.update.partition', `${opts.disk} has no partition named ${name} (has ${parts.map((x) => x.name).join(', ')})`, { hint: 'is this a FlatRacoon OS disk?' });
      return p;
    };
    const boot = find('boot');
    const area = Buffer.alloc(BOOT_STATE_AREA_BYTES);
    await fh.read(area, 0, area.length, boot.offset);
    const current = readBootState(area);
    const sha256 = createHash('sha256').update(root).digest('hex');
    const verity = rootVerity(root);
    const plan = planUpdate(current, { version, hash: sha256, size: root.length, verity: verity.rootHash }, opts.tries ? { tries: opts.tries } : {});
    const target = find(`root-${plan.slot}`);
    const needed = root.length + verity.bytes.length;
    if (needed > target.size) throw new ImageUpdateError('image.update.too-big', `${opts.root} and its dm-verity hash area are ${needed} bytes; slot ${plan.slot} holds ${target.size}`, { hint: 'rebuild the disk with a larger --slot-size' });
    const written = writeBootState(area, plan.state);
    await fh.write(written.area, 0, written.area.length, boot.offset);
    await fh.sync();
    await fh.write(root, 0, root.length, target.offset);
    await fh.write(verity.bytes, 0, verity.bytes.length, target.offset + root.length);
    await fh.sync();
    return { slot: plan.slot, version, sha256, size: root.length, state: written.state };
  } finally {
    await fh.close();
  }
}

/** The boot-state record of a disk image (for `flatlab image status` and tests). */
export async function readDiskBootState(disk: string): Promise<BootState> {
  const fh = await open(disk, 'r').catch((err: Error) => {
    throw new ImageUpdateError('image.update.disk', `cannot open ${disk}: ${err.message}`, { hint: 'give the disk.img written by flatlab image build' });
  });
  try {
    const head = Buffer.alloc(34 * SECTOR);
    await fh.read(head, 0, head.length, 0);
    const boot = readGptPartitions(head, disk).find((p) => p.name === 'boot');
    if (!boot) throw new ImageUpdateError('image.update.partition', `${disk} has no partition named boot`, { hint: 'is this a FlatRacoon OS disk?' });
    const area = Buffer.alloc(BOOT_STATE_AREA_BYTES);
    await fh.read(area, 0, area.length, boot.offset);
    return readBootState(area);
  } finally {
    await fh.close();
  }
}
