/**
 * `npm run bench -- os-boot [--runs N] [--with PKG]`: build a FlatRacoon OS image in a temporary
 * directory and boot it under QEMU (TCG unless /dev/kvm works) N times, timing each phase from
 * the host: QEMU start → first kernel/initramfs line on the console → root verified → first
 * healthy FLATRACOON-HEALTH line. Prints the figures and the host load (TCG competes with
 * everything else on the machine) and writes bench/results/os-boot.json.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const kvm = (() => { try { accessSync('/dev/kvm', constants.R_OK | constants.W_OK); return true; } catch { return false; } })();
const dir = mkdtempSync(join(tmpdir(), 'flatlab-bench-os-'));
try {
  const t0 = Date.now();
  const build = await buildImage({ out: join(dir, 'image'), version: 'bench', packages, services: [], slotMiB: 64, dataMiB: 16 });
  const buildSeconds = (Date.now() - t0) / 1000;
  console.log(`image: ${build.root.size} bytes root (${build.packages.join(', ')}), built in ${buildSeconds.toFixed(1)} s`);
  const results: { firstLine: number; rootVerified: number; healthy: number; load: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const runDir = mkdtempSync(join(dir, 'run-'));
    const start = Date.now();
    let firstLine = 0;
    let rootVerified = 0;
    const vm = await startVm({ imageDir: join(dir, 'image'), runDir, name: `bench${i}`, snapshot: true, kvm, guest: { hostname: 'bench' } }, (line) => {
      if (!firstLine && line.includes('flatracoon-init:')) firstLine = (Date.now() - start) / 1000;
      if (!rootVerified && /flatracoon-init: root .* verified/.test(line)) rootVerified = (Date.now() - start) / 1000;
    });
    try {
      await vm.console.waitForHealth((h) => h.healthy, 300_000);
      const r = { firstLine, rootVerified, healthy: (Date.now() - start) / 1000, load: loadavg()[0]! };
      results.push(r);
      console.log(`boot ${i + 1}/${runs}: init ${r.firstLine.toFixed(1)} s, root verified ${r.rootVerified.toFixed(1)} s, healthy ${r.healthy.toFixed(1)} s (load ${r.load.toFixed(1)} on ${cpus().length} cores, ${kvm ? 'KVM' : 'TCG'})`);
    } finally {
      await vm.stop();
    }
  }
  const healthy = results.map((r) => r.healthy).sort((a, b) => a - b);
  const median = healthy[Math.floor(healthy.length / 2)] ?? 0;
  console.log(`boot to healthy: median ${median.toFixed(1)} s over ${runs} boot(s); limit 60 s ${median < 60 ? 'met' : 'NOT met'}`);
  mkdirSync(join(import.meta.dirname ?? 'bench', 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname ?? 'bench', 'results', 'os-boot.json'), `${JSON.stringify({ accel: kvm ? 'kvm' : 'tcg', cores: cpus().length, buildSeconds, rootBytes: build.root.size, packages: build.packages, runs: results, medianHealthySeconds: median }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
