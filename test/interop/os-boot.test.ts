/**
 * FlatRacoon OS under QEMU (TCG): build the image, boot to healthy, check the read-only root and
 * service restarts, apply a good update from the host (new version after reboot, slot marked
 * good), then a bad update from inside the guest (a service that never stays up) and watch the
 * automatic rollback to the previous version. CI runs it as root.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build.js';
import { startVm, type RunningVm } from '../../src/image/qemu-vm.js';
import { readDiskBootState, updateDisk } from '../../src/image/update.js';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['qemu-system-x86_64', 'mksquashfs', 'unsquashfs', 'mke2fs', 'dpkg', 'ldd', 'busybox']);
// The limit is 60 s to healthy on these 2 cores; waits allow more so that a machine
// loaded by other work reports a slow boot instead of failing the whole update sequence.
const BOOT_LIMIT_S = 60;
const BOOT_WAIT_MS = 180_000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(reason)('FlatRacoon OS boots, heals, updates and rolls back under QEMU', () => {
  let dir = '';
  let disk = '';
  let vm: RunningVm | undefined;
  let port = 0;
  const log: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flatlab-os-'));
    const common = { packages: [], slotMiB: 32, dataMiB: 16 };
    await buildImage({ ...common, out: join(dir, 'v1'), version: '1.0.0', services: [] });
    await buildImage({ ...common, out: join(dir, 'v2'), version: '2.0.0', services: [] });
    await buildImage({ ...common, out: join(dir, 'v3'), version: '3.0.0-bad', services: ['broken=echo this service always fails; exit 3'] });
    disk = join(dir, 'vm.img');
    await copyFile(join(dir, 'v1', 'disk.img'), disk);
    port = await freePort();
  }, 180_000);

  afterAll(async () => {
    await vm?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function boot(extraDisks: string[] = []): Promise<RunningVm> {
    const runDir = await mkdtemp(join(dir, 'run-'));
    return startVm({
      imageDir: join(dir, 'v1'), disk, runDir, name: 'fr-test', memoryMiB: 256,
      extraDisks,
      guest: { hostname: 'fr-test', nics: [{ mac: '52:54:00:12:34:56', name: 'eth0', addresses: ['10.0.2.15/24'] }], healthDeadlineSeconds: 120 },
      netdevs: [{ netdev: `user,hostfwd=tcp:127.0.0.1:${port}-:8080`, mac: '52:54:00:12:34:56' }],
    }, (l) => log.push(l));
  }

  it('boots to healthy within 60 s, marks nothing new, and serves /health over HTTP', async () => {
    const t0 = Date.now();
    vm = await boot();
    const h = await vm.console.waitForHealth((x) => x.healthy, BOOT_WAIT_MS);
    const seconds = (Date.now() - t0) / 1000;
    const load = loadavg()[0]!;
    console.log(`boot to healthy: ${seconds.toFixed(1)} s (host load average ${load.toFixed(1)})`);
    // TCG time is host CPU time: the limit is only meaningful when the cores are not already busy.
    if (load < 4) expect(seconds).toBeLessThan(BOOT_LIMIT_S);
    else console.warn(`boot-time limit of ${BOOT_LIMIT_S} s not checked: load average ${load.toFixed(1)} on this machine`);
    expect(h).toMatchObject({ version: '1.0.0', slot: 'A', boot: 'good', slotGood: true });
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { version: string; services: { name: string }[] };
    expect(body.version).toBe('1.0.0');
    expect(body.services.map((s) => s.name)).toEqual(['health-http']);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  }, 200_000);

  it('has a read-only root, a writable /etc overlay and a persistent /var', async () => {
    const root = await vm!.console.exec('touch /usr/flatlab-write-test');
    expect(root.exitCode).not.toBe(0);
    expect(root.stdout).toMatch(/Read-only file system/);
    expect((await vm!.console.exec('echo x > /etc/flatlab-test && cat /etc/flatlab-test')).stdout).toBe('x');
    expect((await vm!.console.exec('echo kept > /var/lib/flatracoon/mark && sync')).exitCode).toBe(0);
  }, 60_000);

  it('restarts a killed service and reports health again', async () => {
    const pid = (await vm!.console.exec('cat /run/flatracoon/svc/health-http.pid')).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    const restarted = vm!.console.waitForHealth((h) => h.healthy && h.services.some((s) => s.name === 'health-http' && s.restarts === 1 && s.pid !== pid), 90_000, 'health-http restarted and healthy');
    await vm!.console.exec(`kill ${pid}`);
    await restarted;
  }, 120_000);

  it('a good update from the host boots the new version on trial and marks it good', async () => {
    await vm!.stop();
    vm = undefined;
    const u = await updateDisk({ disk, root: join(dir, 'v2', 'root.squashfs') });
    expect(u).toMatchObject({ slot: 'B', version: '2.0.0' });
    expect((await readDiskBootState(disk))).toMatchObject({ active: 'B', tries: 1 });
    vm = await boot();
    const h = await vm.console.waitForHealth((x) => x.healthy && x.slotGood, BOOT_WAIT_MS, 'healthy and slot marked good');
    expect(h).toMatchObject({ version: '2.0.0', slot: 'B', boot: 'trial' });
    expect((await vm.console.exec('cat /var/lib/flatracoon/mark')).stdout).toBe('kept');
  }, 240_000);

  it('a bad update from inside the guest rolls back to the previous version by itself', async () => {
    await vm!.stop();
    // The new root arrives on a second virtio disk; the in-guest updater writes it to slot A.
    vm = await boot([join(dir, 'v3', 'root.squashfs')]);
    await vm.console.waitForHealth((x) => x.healthy, BOOT_WAIT_MS);
    const up = await vm.console.exec('flatracoon-update /dev/vdb', 60_000);
    expect(up.stdout).toMatch(/FLATRACOON-UPDATE slot=A version=3.0.0-bad/);
    expect(up.exitCode).toBe(0);
    const rollback = vm.console.waitForLine((l) => l.includes('FLATRACOON-ROLLBACK slot=A version=3.0.0-bad'), 300_000, 'rollback');
    await vm.console.exec('reboot');
    await rollback;
    const h = await vm.console.waitForHealth((x) => x.healthy, BOOT_WAIT_MS, 'healthy after rollback');
    expect(h).toMatchObject({ version: '2.0.0', slot: 'B', boot: 'fallback' });
    await vm.stop();
    vm = undefined;
    expect(await readDiskBootState(disk)).toMatchObject({ active: 'B', slots: { A: { version: '3.0.0-bad', good: false }, B: { version: '2.0.0', good: true } } });
  }, 600_000);
});
