/**
 * `flatlab image build [--out DIR] [--with PKG…] [--version V] [--service NAME=CMD…]`,
 * `flatlab image update --disk DISK --root NEW.squashfs [--version V]` and
 * `flatlab image status --disk DISK`: the FlatRacoon OS image (see docs/flatracoon-os.md).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../config/diagnostics.js';
import { buildImage } from '../image/build.js';
import { readDiskBootState, updateDisk } from '../image/update.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export const defaultImageDir = '.cache/flatracoon-os';

interface BuildCliOptions {
  out: string;
  with: string[];
  version: string;
  service: string[];
  kernel?: string;
  slotSize: string;
  dataSize: string;
  json: boolean;
}

function mebibytes(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 8 || n > 65536) throw new InputError('image.cli.size', `${option} ${value} is not a whole number of MiB from 8 to 65536`, { hint: `e.g. ${option} 128` });
  return n;
}

export async function runImageBuild(opts: BuildCliOptions, io: CliIO): Promise<number> {
  try {
    const out = resolve(io.cwd, opts.out);
    const result = await buildImage({
      out,
      version: opts.version,
      packages: opts.with,
      services: opts.service,
      ...(opts.kernel ? { kernelVersion: opts.kernel } : {}),
      slotMiB: mebibytes(opts.slotSize, '--slot-size'),
      dataMiB: mebibytes(opts.dataSize, '--data-size'),
      log: opts.json ? undefined : (line) => io.stderr(`image: ${line}\n`),
    });
    if (opts.json) io.stdout(`${JSON.stringify({ out, ...result }, null, 2)}\n`);
    else {
      io.stdout(`${out}: FlatRacoon OS ${result.version} (kernel ${result.kernel}; ${result.packages.join(', ')}; services ${result.services.join(', ')})\n`);
      io.stdout(`  root.squashfs ${result.root.size} bytes sha256 ${result.root.sha256}\n  dm-verity root hash ${result.root.verity}\n  disk.img, ${result.files['vmlinux'] ? 'vmlinux (PVH), ' : ''}vmlinuz, initramfs.cpio.gz, oci/ in ${result.seconds.toFixed(1)} s\n`);
    }
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

/** A --disk that is a directory (the build's --out rather than its disk.img) fails here, not as an internal EISDIR. */
async function refuseDirectory(disk: string, abs: string): Promise<void> {
  if ((await stat(abs).catch(() => undefined))?.isDirectory()) {
    throw new InputError('image.disk-directory', `--disk ${disk} is a directory`, { hint: `give the disk image file, e.g. ${disk.replace(/\/$/, '')}/disk.img` });
  }
}

export async function runImageUpdate(opts: { disk: string; root: string; version?: string; json: boolean }, io: CliIO): Promise<number> {
  try {
    await refuseDirectory(opts.disk, resolve(io.cwd, opts.disk));
    const r = await updateDisk({ disk: resolve(io.cwd, opts.disk), root: resolve(io.cwd, opts.root), ...(opts.version ? { version: opts.version } : {}) });
    if (opts.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
    else io.stdout(`${opts.disk}: slot ${r.slot} now holds ${r.version} (${r.size} bytes), to be tried once at the next boot\n`);
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

export async function runImageStatus(opts: { disk: string; json: boolean }, io: CliIO): Promise<number> {
  try {
    await refuseDirectory(opts.disk, resolve(io.cwd, opts.disk));
    const s = await readDiskBootState(resolve(io.cwd, opts.disk));
    if (opts.json) io.stdout(`${JSON.stringify(s, null, 2)}\n`);
    else {
      io.stdout(`active slot ${s.active}, trial boots left ${s.tries} (record ${s.seq})\n`);
      for (const k of ['A', 'B'] as const) io.stdout(`  ${k}: ${s.slots[k].version}${s.slots[k].good ? ' good' : ''}${s.slots[k].hash ? ` ${s.slots[k].size} bytes` : ' empty'}${s.slots[k].verity ? ` dm-verity ${s.slots[k].verity}` : ''}\n`);
    }
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

const collect = (v: string, all: string[]): string[] => [...all, v];

export const imageVerb: Verb = {
  name: 'image',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    const image = program.command('image').description('FlatRacoon OS image: build, A/B update, boot-state status');
    image
      .command('build')
      .description('build the image from this machine\'s Debian packages (kernel, busybox-static, squashfs-tools)')
      .option('-o, --out <dir>', 'output directory', defaultImageDir)
      .option('--with <pkg>', 'copy an installed package and its shared libraries into the root (repeatable), e.g. bird2', collect, [])
      .option('--version <v>', 'image version', '1.0.0')
      .option('--service <name=command>', 'declare an extra service (repeatable)', collect, [])
      .option('--kernel <version>', 'kernel version from /boot (default: newest with modules)')
      .option('--slot-size <MiB>', 'size of each root slot', '64')
      .option('--data-size <MiB>', 'size of the data partition (/var)', '32')
      .option('--json', 'print what was built as JSON', false)
      .action(async (opts: BuildCliOptions) => done(await runImageBuild(opts, io)));
    image
      .command('update')
      .description('write a new root into the inactive slot of a stopped VM\'s disk and mark it to be tried once')
      .requiredOption('--disk <disk.img>', 'the VM disk')
      .requiredOption('--root <root.squashfs>', 'the new root')
      .option('--version <v>', 'version (default: the root\'s /etc/flatracoon/version)')
      .option('--json', 'print the result as JSON', false)
      .action(async (opts: { disk: string; root: string; version?: string; json: boolean }) => done(await runImageUpdate(opts, io)));
    image
      .command('status')
      .description('print the boot-state record of a disk')
      .requiredOption('--disk <disk.img>', 'the VM disk')
      .option('--json', 'print the record as JSON', false)
      .action(async (opts: { disk: string; json: boolean }) => done(await runImageStatus(opts, io)));
  },
};
