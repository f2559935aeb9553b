/**
 * `flatlab image build`: the FlatRacoon OS image from this machine's Debian packages.
 *
 * Output directory:
 *   vmlinuz               the kernel of linux-image-* (bzImage)
 *   vmlinux               the same kernel uncompressed, when it has a PVH entry: QEMU boots it
 *                         directly (-kernel) without the in-guest decompression
 *   initramfs.cpio.gz     busybox, the needed modules and the slot-choosing /init (-initrd)
 *   root.squashfs         the read-only root (what `flatlab image update --root` takes)
 *   disk.img              raw GPT disk: boot (boot-state record), root-A (this root and its dm-verity
 *                         hash area), root-B, data (ext4, /var)
 *   oci/                  OCI image layout of the same root
 *   build.json            what was built: version, kernel, packages, sizes, sha256s, partitions
 *
 * This module is the I/O edge (host files, dpkg, ldd, mksquashfs, mke2fs); what goes where is
 * decided by the pure modules beside it.
 */
import { createHash } from 'node:crypto';
import { lstat, stat, mkdir, mkdtemp, open, readdir, readFile, readlink, rename, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { FlatlabError } from '../config/diagnostics.js';
import { BOOT_STATE_AREA_BYTES, initialBootState, isValidVersion, writeBootState } from './boot-state.js';
import { encodeCpio } from './cpio.js';
import type { FileTree } from './file-tree.js';
import { layoutGpt, type PlacedPartition } from './gpt.js';
import { bzImagePayload, hasPvhEntry } from './kernel-image.js';
import { moduleLoadOrder, parseModulesDep } from './kernel-modules.js';
import { ociLayout } from './oci-layout.js';
import { birdService, commandService, healthHttpService, initramfsTree, isValidServiceName, rootTree, type HostEntry, type ServiceDefinition } from './root-tree.js';
import { parseLdd } from './shared-libraries.js';
import { encodeTar } from './tar.js';
import { rootVerity } from './verity.js';

export class ImageBuildError extends FlatlabError {}

/** Modules the guest needs that Debian's kernel builds as modules (checked against its config). */
export const guestModules = ['virtio_pci', 'virtio_blk', 'virtio_net', 'squashfs', 'overlay', 'crc32c_generic', 'ext4', 'vfat', 'nls_cp437', 'nls_ascii', 'nls_utf8', 'dm_mod', 'dm_verity'];
/** Host programs copied into the initramfs with their shared libraries (dmsetup sets up dm-verity). */
export const initramfsPrograms = ['/usr/sbin/dmsetup'];
/** Files of a package that a VM does not need. */
const skippedPackagePaths = /^\/(usr\/share\/(doc|man|info|lintian|bug)\/|lib\/systemd\/|usr\/lib\/systemd\/|etc\/init\.d\/)/;

export interface BuildOptions {
  out: string;
  version: string;
  packages: readonly string[];
  /** Extra services as NAME=COMMAND. */
  services: readonly string[];
  kernelVersion?: string;
  /** Size of each root slot. */
  slotMiB: number;
  dataMiB: number;
  log?: (line: string) => void;
}

export interface BuildResult {
  version: string;
  kernel: string;
  packages: string[];
  services: string[];
  root: { sha256: string; size: number; verity: string; verityBytes: number };
  files: Record<string, { sha256: string; size: number }>;
  partitions: PlacedPartition[];
  oci: { manifest: string; layer: string };
  seconds: number;
}

async function run(file: string, args: readonly string[], what: string): Promise<string> {
  const r = await execa(file, args, { reject: false, stripFinalNewline: false });
  if (r.exitCode !== 0) {
    throw new ImageBuildError('image.build.command', `${what}: ${file} ${args.join(' ')} exited ${r.exitCode}: ${String(r.stderr).trim().split('\n').slice(-3).join(' | ')}`, {
      hint: `check that ${file} is installed (Debian packages squashfs-tools, e2fsprogs, dpkg)`,
    });
  }
  return String(r.stdout);
}

/** The newest kernel in /boot that has modules installed, or the one asked for. */
export async function findKernel(wanted?: string): Promise<{ version: string; vmlinuz: string; modulesDir: string }> {
  const names = (await readdir('/boot').catch(() => [] as string[])).filter((n) => n.startsWith('vmlinuz-')).map((n) => n.slice('vmlinuz-'.length));
  const usable: string[] = [];
  for (const v of names) if (await lstat(`/lib/modules/${v}/modules.dep`).then(() => true, () => false)) usable.push(v);
  usable.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const version = wanted ?? usable[usable.length - 1];
  if (!version || !usable.includes(version)) {
    throw new ImageBuildError('image.build.no-kernel', wanted ? `kernel ${wanted} has no /boot/vmlinuz-${wanted} with modules in /lib/modules/${wanted}` : 'no kernel in /boot with modules in /lib/modules', {
      hint: `install linux-image-amd64${usable.length ? `; kernels found: ${usable.join(', ')}` : ''}`,
    });
  }
  return { version, vmlinuz: `/boot/vmlinuz-${version}`, modulesDir: `/lib/modules/${version}` };
}

async function hostEntry(path: string): Promise<HostEntry> {
  const st = await lstat(path);
  const rel = path.replace(/^\/+/, '');
  // A directory dpkg lists may be a usrmerge symlink on the host (/lib → usr/lib); in the image it is a directory.
  if (st.isSymbolicLink() && (await stat(path).then((s) => s.isDirectory(), () => false))) return { path: rel, type: 'dir', mode: 0o755 };
  if (st.isSymbolicLink()) return { path: rel, type: 'symlink', target: await readlink(path) };
  if (st.isDirectory()) return { path: rel, type: 'dir', mode: st.mode & 0o7777 };
  return { path: rel, type: 'file', mode: st.mode & 0o7777, content: await readFile(path) };
}

function isElf(b: Uint8Array): boolean {
  return b.length > 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

/** A package's files (dpkg -L, docs left out) and the shared libraries its executables need. */
export async function packageEntries(pkg: string): Promise<HostEntry[]> {
  const r = await execa('dpkg', ['-L', pkg], { reject: false });
  if (r.exitCode !== 0) {
    throw new ImageBuildError('image.build.package', `package ${pkg} is not installed on this machine (dpkg -L ${pkg} failed)`, { hint: `apt-get install ${pkg}; images are built only from installed Debian packages` });
  }
  const entries: HostEntry[] = [];
  const libs = new Set<string>();
  for (const path of String(r.stdout).split('\n').filter((p) => p.startsWith('/') && p !== '/.' && !skippedPackagePaths.test(p))) {
    const e = await hostEntry(path).catch(() => undefined);
    if (!e) continue;
    entries.push(e);
    if (e.type === 'file' && isElf(e.content)) {
      const ldd = await execa('ldd', [path], { reject: false });
      for (const lib of parseLdd(String(ldd.stdout), path)) libs.add(lib);
    }
  }
  entries.push(...(await libraryEntries(libs)));
  return entries;
}

async function libraryEntries(libs: Iterable<string>): Promise<HostEntry[]> {
  const entries: HostEntry[] = [];
  for (const lib of libs) {
    const st = await lstat(lib);
    // Keep the path ldd printed (the loader path is fixed in PT_INTERP); take the content behind symlinks.
    entries.push({ path: lib.replace(/^\/+/, ''), type: 'file', mode: st.mode & 0o7777 | 0o444, content: await readFile(lib) });
  }
  return entries;
}

/** A host program and its shared-library closure (for the initramfs, which has no packages). */
export async function programEntries(path: string): Promise<HostEntry[]> {
  const content = await readFile(path).catch(() => {
    throw new ImageBuildError('image.build.program', `${path} not found; the initramfs needs it`, { hint: 'apt-get install dmsetup (dm-verity is set up with dmsetup at boot)' });
  });
  const ldd = await execa('ldd', [path], { reject: false });
  return [{ path: path.replace(/^\/+/, ''), type: 'file', mode: 0o755, content }, ...(await libraryEntries(parseLdd(String(ldd.stdout), path)))];
}

async function busyboxInputs(): Promise<{ busybox: Buffer; applets: string[] }> {
  const path = '/bin/busybox';
  const busybox = await readFile(path).catch(() => {
    throw new ImageBuildError('image.build.busybox', `${path} not found`, { hint: 'apt-get install busybox-static' });
  });
  const list = await run(path, ['--list'], 'listing busybox applets');
  const dyn = await execa('ldd', [path], { reject: false });
  if (String(dyn.stdout).includes('=>')) throw new ImageBuildError('image.build.busybox', `${path} is dynamically linked`, { hint: 'install busybox-static instead of busybox' });
  return { busybox, applets: list.split('\n').map((a) => a.trim()).filter((a) => /^[a-z0-9_.[\]-]+$/.test(a)) };
}

async function stageTree(tree: FileTree, dir: string): Promise<void> {
  for (const [path, e] of tree.list()) {
    const p = join(dir, path);
    if (e.type === 'dir') {
      await mkdir(p, { recursive: true });
      await chmod(p, e.mode);
    } else if (e.type === 'file') await writeFile(p, e.content, { mode: e.mode });
    else if (e.type === 'symlink') await symlink(e.target, p);
  }
}

/** The uncompressed PVH-bootable kernel inside a bzImage, or why there is none (the bzImage is booted then). */
async function pvhKernel(vmlinuz: Buffer): Promise<Buffer | string> {
  let payload;
  try {
    payload = bzImagePayload(vmlinuz);
  } catch (err) {
    return (err as Error).message;
  }
  let elf: Buffer;
  if (payload.format === 'none') elf = Buffer.from(payload.bytes);
  else if (payload.format === 'gzip') elf = gunzipSync(payload.bytes);
  else if (payload.format === 'xz' || payload.format === 'zstd') {
    // The kernel build appends the uncompressed size after the stream: read one stream only.
    const [tool, args] = payload.format === 'xz' ? ['xz', ['-dc', '--single-stream']] : ['zstd', ['-dcq']];
    const r = await execa(tool, args, { input: Buffer.from(payload.bytes), encoding: 'buffer', reject: false });
    if (r.exitCode !== 0 && !(payload.format === 'zstd' && r.stdout.length > 0)) return `${tool} could not decompress the kernel (exit ${r.exitCode}); install ${tool === 'xz' ? 'xz-utils' : 'zstd'}`;
    elf = Buffer.from(r.stdout);
  } else return `the kernel payload is ${payload.format}, which flatlab does not decompress`;
  return hasPvhEntry(elf) ? elf : 'the uncompressed kernel has no PVH entry note';
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function parseServiceOption(spec: string): ServiceDefinition {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq) : '';
  if (!isValidServiceName(name) || eq === spec.length - 1) {
    throw new ImageBuildError('image.build.service', `--service "${spec}" is not NAME=COMMAND`, { hint: 'e.g. --service "ticker=while sleep 5; do date; done"; names are lowercase letters, digits and -' });
  }
  return commandService(name, spec.slice(eq + 1));
}

async function writeAtomically(path: string, content: Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}

export async function buildImage(opts: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  if (!isValidVersion(opts.version)) throw new ImageBuildError('image.build.version', `version "${opts.version}" is not 1-32 of A-Z a-z 0-9 . _ + -`, { hint: 'e.g. --version 1.2.0' });
  const services = [healthHttpService, ...(opts.packages.includes('bird2') ? [birdService] : []), ...opts.services.map(parseServiceOption)];
  const dup = services.find((s, i) => services.findIndex((t) => t.name === s.name) !== i);
  if (dup) throw new ImageBuildError('image.build.service', `service ${dup.name} is declared twice`, { hint: 'give each --service its own name (health-http and bird are built in)' });

  const kernel = await findKernel(opts.kernelVersion);
  log(`kernel ${kernel.version}`);
  const bb = await busyboxInputs();
  const deps = parseModulesDep(await readFile(join(kernel.modulesDir, 'modules.dep'), 'utf8'));
  const order = moduleLoadOrder(deps, guestModules, kernel.version);
  const modules = await Promise.all(order.map(async (path) => ({ path, content: await readFile(join(kernel.modulesDir, path)) })));
  const hostEntries: HostEntry[] = [];
  for (const pkg of opts.packages) {
    log(`package ${pkg}`);
    hostEntries.push(...(await packageEntries(pkg)));
  }
  const root = rootTree({ version: opts.version, busybox: bb.busybox, applets: bb.applets, hostEntries, services, packages: ['busybox-static', ...opts.packages] });
  const programs: HostEntry[] = [];
  for (const p of initramfsPrograms) programs.push(...(await programEntries(p)));
  const initramfs = gzipSync(encodeCpio(initramfsTree({ busybox: bb.busybox, applets: bb.applets, modules, programs })), { level: 6 });

  await mkdir(opts.out, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'flatlab-image-'));
  try {
    const stage = join(work, 'root');
    await stageTree(root, stage);
    const squashTmp = join(work, 'root.squashfs');
    // Fixed times and root ownership so the same inputs give the same bytes (and the same hash).
    await run('mksquashfs', [stage, squashTmp, '-noappend', '-comp', 'zstd', '-all-root', '-mkfs-time', '0', '-all-time', '0', '-no-xattrs', '-quiet', '-no-progress'], 'building the root squashfs');
    const squashfs = await readFile(squashTmp);
    const slotBytes = opts.slotMiB * 1024 * 1024;
    const verity = rootVerity(squashfs);
    const slotUsed = squashfs.length + verity.bytes.length;
    if (slotUsed > slotBytes) throw new ImageBuildError('image.build.slot-size', `the root and its dm-verity hash area are ${slotUsed} bytes; a slot holds ${slotBytes}`, { hint: `raise --slot-size to at least ${Math.ceil(slotUsed / 1048576) + 1} MiB` });
    const rootHash = sha256(squashfs);
    log(`root ${squashfs.length} bytes sha256 ${rootHash}, dm-verity root hash ${verity.rootHash}`);

    const disk = layoutGpt([
      { name: 'boot', sizeBytes: 1024 * 1024 },
      { name: 'root-A', sizeBytes: slotBytes },
      { name: 'root-B', sizeBytes: slotBytes },
      { name: 'data', sizeBytes: opts.dataMiB * 1024 * 1024 },
    ], `flatracoon-os/${opts.version}`);
    const part = (name: string): PlacedPartition => disk.partitions.find((p) => p.name === name)!;
    const diskPath = join(opts.out, 'disk.img');
    const diskTmp = `${diskPath}.tmp-${process.pid}`;
    const fh = await open(diskTmp, 'w');
    try {
      await fh.truncate(disk.totalBytes);
      await fh.write(disk.primary, 0, disk.primary.length, 0);
      await fh.write(disk.backup, 0, disk.backup.length, disk.backupOffset);
      const record = writeBootState(new Uint8Array(BOOT_STATE_AREA_BYTES), { ...initialBootState(opts.version, rootHash, squashfs.length, verity.rootHash), seq: 0 }).area;
      await fh.write(record, 0, record.length, part('boot').offset);
      await fh.write(squashfs, 0, squashfs.length, part('root-A').offset);
      await fh.write(verity.bytes, 0, verity.bytes.length, part('root-A').offset + squashfs.length);
    } finally {
      await fh.close();
    }
    const data = part('data');
    await run('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', 'flatracoon-data', '-E', `offset=${data.offset},root_owner=0:0`, diskTmp, `${data.size / 1024}k`], 'formatting the data partition');
    await rename(diskTmp, diskPath);

    const vmlinuz = await readFile(kernel.vmlinuz);
    await writeAtomically(join(opts.out, 'vmlinuz'), vmlinuz);
    const vmlinux = await pvhKernel(vmlinuz);
    if (typeof vmlinux === 'string') {
      log(`no PVH kernel (${vmlinux}); VMs boot the bzImage`);
      await rm(join(opts.out, 'vmlinux'), { force: true });
    } else await writeAtomically(join(opts.out, 'vmlinux'), vmlinux);
    await writeAtomically(join(opts.out, 'initramfs.cpio.gz'), initramfs);
    await writeAtomically(join(opts.out, 'root.squashfs'), squashfs);

    const layer = encodeTar(root);
    const oci = ociLayout(layer, { version: opts.version, refName: opts.version, cmd: ['/bin/sh'], env: ['PATH=/bin:/sbin:/usr/bin:/usr/sbin'] });
    const ociDir = join(opts.out, 'oci');
    await rm(ociDir, { recursive: true, force: true });
    for (const f of oci.files) {
      await mkdir(dirname(join(ociDir, f.path)), { recursive: true });
      await writeFile(join(ociDir, f.path), f.content);
    }
    const files: BuildResult['files'] = {
      'vmlinuz': { sha256: sha256(vmlinuz), size: vmlinuz.length },
      ...(typeof vmlinux === 'string' ? {} : { 'vmlinux': { sha256: sha256(vmlinux), size: vmlinux.length } }),
      'initramfs.cpio.gz': { sha256: sha256(initramfs), size: initramfs.length },
      'root.squashfs': { sha256: rootHash, size: squashfs.length },
    };
    const result: BuildResult = {
      version: opts.version,
      kernel: kernel.version,
      packages: ['busybox-static', ...opts.packages],
      services: services.map((s) => s.name),
      root: { sha256: rootHash, size: squashfs.length, verity: verity.rootHash, verityBytes: verity.bytes.length },
      files,
      partitions: disk.partitions,
      oci: { manifest: oci.manifestDigest, layer: oci.layerDigest },
      seconds: (Date.now() - started) / 1000,
    };
    await writeAtomically(join(opts.out, 'build.json'), Buffer.from(`${JSON.stringify(result, null, 2)}\n`));
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
