/**
 * `npm run bench -- os-boot [--runs N] [--with PKG] [--kernel vmlinux|vmlinuz|both]`: build a
 * FlatRacoon OS image in a temporary directory and boot it under QEMU (TCG unless /dev/kvm works)
 * N times per kernel file (the PVH vmlinux when the build wrote one, the bzImage, or alternating
 * boots of both so that they meet the same load), timing each phase from
 * the host: QEMU start → first kernel/initramfs line on the console → root verified → first
 * healthy FLATRACOON-HEALTH line. Prints the figures and the host load (TCG competes with
 * everything else on the machine) and writes bench/results/os-boot.json.
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '../src/image/build.js';
import { startVm } from '../src/image/qemu-vm.js';

function arg(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => { if (a === name && process.argv[i + 1]) out.push(process.argv[i + 1]!); });
  return out;
}

const runs = Number(arg('--runs')[0] ?? 3);
const packages = arg('--with');
const kernelArg = arg('--kernel')[0] ?? 'default';
if (!['default', 'vmlinux', 'vmlinuz', 'both'].includes(kernelArg)) {
  console.error(`--kernel ${kernelArg}: give vmlinux, vmlinuz or both`);
  process.exit(2);
}
const kvm = (() => { try { accessSync('/dev/kvm', constants.R_OK | constants.W_OK); return true; } catch { return false; } })();
const dir = mkdtempSync(join(tmpdir(), 'flatlab-bench-os-'));
try {
  const t0 = Date.now();
  const build = await buildImage({ out: join(dir, 'image'), version: 'bench', packages, services: [], slotMiB: 64, dataMiB: 16 });
  const buildSeconds = (Date.now() - t0) / 1000;
  console.log(`image: ${build.root.size} bytes root (${build.packages.join(', ')}), built in ${buildSeconds.toFixed(1)} s`);
  const hasPvh = existsSync(join(dir, 'image', 'vmlinux'));
  if ((kernelArg === 'vmlinux' || kernelArg === 'both') && !hasPvh) throw new Error('the build wrote no PVH vmlinux for this kernel; use --kernel vmlinuz');
  const kernels: ('vmlinux' | 'vmlinuz')[] = kernelArg === 'both' ? ['vmlinux', 'vmlinuz'] : kernelArg === 'default' ? [hasPvh ? 'vmlinux' : 'vmlinuz'] : [kernelArg as 'vmlinux' | 'vmlinuz'];
  const results: { kernel: string; firstLine: number; rootVerified: number; healthy: number; load: number }[] = [];
  for (let n = 0; n < runs * kernels.length; n++) {
    const i = Math.floor(n / kernels.length);
    const kernelFile = kernels[n % kernels.length]!;
    const runDir = mkdtempSync(join(dir, 'run-'));
    const start = Date.now();
    let firstLine = 0;
    let rootVerified = 0;
    const vm = await startVm({ imageDir: join(dir, 'image'), runDir, name: `bench${n}`, snapshot: true, kvm, kernelFile, guest: { hostname: 'bench' } }, (line) => {
      if (!firstLine && line.includes('flatracoon-init:')) firstLine = (Date.now() - start) / 1000;
      if (!rootVerified && /flatracoon-init: root .* verified/.test(line)) rootVerified = (Date.now() - start) / 1000;
    });
    try {
      await vm.console.waitForHealth((h) => h.healthy, 300_000);
      const r = { kernel: kernelFile, firstLine, rootVerified, healthy: (Date.now() - start) / 1000, load: loadavg()[0]! };
      results.push(r);
      console.log(`boot ${i + 1}/${runs} (${kernelFile}): init ${r.firstLine.toFixed(1)} s, root verified ${r.rootVerified.toFixed(1)} s, healthy ${r.healthy.toFixed(1)} s (load ${r.load.toFixed(1)} on ${cpus().length} cores, ${kvm ? 'KVM' : 'TCG'})`);
    } finally {
      await vm.stop();
    }
  }
  const medianOf = (kernel: string): number => {
    const h = results.filter((r) => r.kernel === kernel).map((r) => r.healthy).sort((a, b) => a - b);
    return h[Math.floor(h.length / 2)] ?? 0;
  };
  const medians = Object.fromEntries(kernels.map((k) => [k, medianOf(k)]));
  for (const k of kernels) console.log(`boot to healthy (${k}): median ${medians[k]!.toFixed(1)} s over ${runs} boot(s); limit 60 s ${medians[k]! < 60 ? 'met' : 'NOT met'}`);
  const median = medians[kernels[0]!]!;
  mkdirSync(join(import.meta.dirname ?? 'bench', 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname ?? 'bench', 'results', 'os-boot.json'), `${JSON.stringify({ accel: kvm ? 'kvm' : 'tcg', cores: cpus().length, buildSeconds, rootBytes: build.root.size, rootCheck: 'dm-verity', packages: build.packages, runs: results, medianHealthySeconds: median, medianHealthySecondsByKernel: medians }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
