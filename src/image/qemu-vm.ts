/**
 * Booting a FlatRacoon OS VM: the kernel command line the guest reads (guest-system.ts), the
 * QEMU arguments (direct kernel boot, no firmware boot menu or NIC option ROMs, serial and
 * monitor on unix sockets), and a small driver that starts QEMU and talks to its console, used by
 * tests, the benchmark and the netns runtime.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { FlatlabError } from '../config/diagnostics.js';
import { SerialConsole } from './serial-console.js';

export interface GuestNic {
  mac: string;
  name: string;
  addresses: readonly string[];
}

export interface GuestConfig {
  hostname?: string;
  nics?: readonly GuestNic[];
  loopback?: readonly string[];
  routes?: readonly { prefix: string; via: string }[];
  forwarding?: boolean;
  services?: readonly string[];
  healthDeadlineSeconds?: number;
}

/** Kernel command line for the guest; every word is checked so it survives the kernel's splitting. */
export function guestCommandLine(g: GuestConfig): string {
  const words = ['console=ttyS0', 'panic=5', 'quiet'];
  const safe = /^[A-Za-z0-9.:/,_+-]+$/;
  const add = (w: string): void => {
    if (!safe.test(w.slice(w.indexOf('=') + 1))) throw new FlatlabError('image.cmdline.word', `"${w}" cannot go on the guest kernel command line`, { hint: 'names and addresses only (letters, digits, . : / , _ + -)' });
    words.push(w);
  };
  if (g.hostname) add(`fr.hostname=${g.hostname}`);
  for (const n of g.nics ?? []) add(`fr.if=${[n.mac, n.name, ...n.addresses].join(',')}`);
  for (const a of g.loopback ?? []) add(`fr.lo=${a}`);
  for (const r of g.routes ?? []) add(`fr.route=${r.prefix},${r.via}`);
  if (g.forwarding) add('fr.forward=1');
  if (g.services && g.services.length) add(`fr.services=${g.services.join(',')}`);
  if (g.healthDeadlineSeconds !== undefined) add(`fr.health_deadline=${g.healthDeadlineSeconds}`);
  return words.join(' ');
}

export interface VmOptions {
  imageDir: string;
  /** The disk to boot (default imageDir/disk.img); QEMU writes to it unless `snapshot`. */
  disk?: string;
  snapshot?: boolean;
  runDir: string;
  name: string;
  memoryMiB?: number;
  cpus?: number;
  guest: GuestConfig;
  /** Extra -netdev/-device pairs, e.g. user networking with a host forward for tests. */
  netdevs?: readonly { netdev: string; mac: string }[];
  kvm?: boolean;
  /**
   * Kernel file in imageDir: `vmlinux` (uncompressed, PVH entry; no in-guest decompression) when
   * the build wrote one, else `vmlinuz`. startVm picks it; default vmlinuz.
   */
  kernelFile?: 'vmlinux' | 'vmlinuz';
  /** More raw virtio disks, read-only (e.g. a root.squashfs for the in-guest updater). */
  extraDisks?: readonly string[];
}

export function qemuArgs(o: VmOptions): string[] {
  const accel = o.kvm ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
  const args = [
    '-name', o.name,
    '-machine', 'q35', ...accel,
    '-m', String(o.memoryMiB ?? 256), '-smp', String(o.cpus ?? 1),
    '-nographic', '-nodefaults',
    '-kernel', join(o.imageDir, o.kernelFile ?? 'vmlinuz'), '-initrd', join(o.imageDir, 'initramfs.cpio.gz'),
    '-append', guestCommandLine(o.guest),
    '-serial', `unix:${join(o.runDir, 'console.sock')},server=on,wait=off`,
    '-monitor', `unix:${join(o.runDir, 'monitor.sock')},server=on,wait=off`,
    '-pidfile', join(o.runDir, 'qemu.pid'),
    '-drive', `file=${o.disk ?? join(o.imageDir, 'disk.img')},if=virtio,format=raw${o.snapshot ? ',snapshot=on' : ''}`,
  ];
  for (const d of o.extraDisks ?? []) args.push('-drive', `file=${d},if=virtio,format=raw,readonly=on`);
  (o.netdevs ?? []).forEach((n, i) => args.push('-netdev', `${n.netdev},id=net${i}`, '-device', `virtio-net-pci,netdev=net${i},mac=${n.mac},romfile=`));
  return args;
}

export interface RunningVm {
  process: ChildProcess;
  console: SerialConsole;
  /** Resolves with QEMU's exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startVm(o: VmOptions, onLine?: (line: string) => void): Promise<RunningVm> {
  for (const f of ['vmlinuz', 'initramfs.cpio.gz']) {
    if (!existsSync(join(o.imageDir, f))) throw new FlatlabError('image.vm.missing', `${join(o.imageDir, f)} not found`, { hint: 'build the image first: flatlab image build --out DIR' });
  }
  const kernelFile = o.kernelFile ?? (existsSync(join(o.imageDir, 'vmlinux')) ? 'vmlinux' : 'vmlinuz');
  const log = await open(join(o.runDir, 'qemu.log'), 'a');
  const child = spawn('qemu-system-x86_64', qemuArgs({ ...o, kernelFile }), { stdio: ['ignore', log.fd, log.fd] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { void log.close(); resolve(code); }));
  child.once('error', () => undefined);
  const console = new SerialConsole(join(o.runDir, 'console.sock'), onLine ? { onLine } : {});
  try {
    await Promise.race([console.connect(15_000), exited.then((code) => { throw new FlatlabError('image.vm.exit', `QEMU exited (${code}) before its console opened`, { hint: `see ${join(o.runDir, 'qemu.log')}` }); })]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    process: child,
    console,
    exited,
    async stop() {
      console.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}
