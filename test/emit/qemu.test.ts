import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qemuScript, qemuScripts, vmMac } from '../../src/emit/qemu.js';
import { sampleLab } from '../fixtures/emit/sample-lab.js';

describe('QEMU emitter', () => {
  const lab = sampleLab();
  const vm = lab.nodes.find((n) => n.name === 'vm1')!;
  const script = qemuScript(lab, vm);

  it('writes one executable script per VM node', () => {
    expect(qemuScripts(lab).map((f) => [f.path, f.mode])).toEqual([['qemu/vm1.sh', 0o755]]);
  });

  it('is a strict POSIX shell script that parses', () => {
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('\nset -eu\n');
    execFileSync('sh', ['-n'], { input: script });
  });

  it('uses the node memory and cpus, direct kernel boot, a raw virtio disk in snapshot mode and a serial console socket', () => {
    expect(script).toContain('MEMORY=768');
    expect(script).toContain('CPUS=2');
    expect(script).toContain('if=virtio,format=raw,snapshot=on');
    expect(script).toContain('-kernel "$KERNEL" -initrd "$IMAGE/initramfs.cpio.gz" -append "$APPEND"');
    expect(script).toContain('KERNEL="$IMAGE/vmlinux"\n[ -r "$KERNEL" ] || KERNEL="$IMAGE/vmlinuz"');
    expect(script).toContain('-serial "unix:$RUN/console.sock,server=on,wait=off"');
    expect(script).toContain('-nographic');
  });

  it('gives stable, locally administered MACs', () => {
    expect(vmMac(lab, 'vm1', 'eth1')).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(vmMac(lab, 'vm1', 'eth1')).toBe(vmMac(sampleLab(), 'vm1', 'eth1'));
    expect(vmMac(lab, 'vm1', 'eth1')).not.toBe(vmMac(lab, 'vm1', 'eth2'));
  });

  describe('run against a stand-in qemu-system-x86_64 (socket networking: no root needed)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'flatlab-qemu-'));
      await writeFile(join(dir, 'qemu-system-x86_64'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
      await chmod(join(dir, 'qemu-system-x86_64'), 0o755);
      for (const f of ['disk.img', 'vmlinuz', 'initramfs.cpio.gz']) await writeFile(join(dir, f), '');
      await writeFile(join(dir, 'vm1.sh'), script);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const run = (env: Record<string, string>) =>
      execFileSync('sh', [join(dir, 'vm1.sh')], { env: { PATH: `${dir}:/usr/bin:/bin`, FLATLAB_RUN: join(dir, 'run'), FLATLAB_NET: 'socket', ...env }, encoding: 'utf8' }).trim().split('\n');

    it('boots the uncompressed PVH kernel when the image has one', async () => {
      const pvhDir = await mkdtemp(join(tmpdir(), 'flatlab-qemu-pvh-'));
      try {
        for (const f of ['disk.img', 'vmlinuz', 'vmlinux', 'initramfs.cpio.gz']) await writeFile(join(pvhDir, f), '');
        const argv = run({ FLATLAB_IMAGE_DIR: pvhDir });
        expect(argv[argv.indexOf('-kernel') + 1]).toBe(join(pvhDir, 'vmlinux'));
      } finally {
        await rm(pvhDir, { recursive: true, force: true });
      }
    });

    it('passes a coherent argument list to QEMU', () => {
      const argv = run({ FLATLAB_IMAGE_DIR: dir });
      expect(argv.slice(0, 2)).toEqual(['-name', 'vm1']);
      expect(argv[argv.indexOf('-accel') + 1]).toMatch(/^(kvm|tcg)$/);
      expect(argv[argv.indexOf('-m') + 1]).toBe('768');
      expect(argv).toContain(`file=${join(dir, 'disk.img')},if=virtio,format=raw,snapshot=on`);
      expect(argv[argv.indexOf('-kernel') + 1]).toBe(join(dir, 'vmlinuz'));
      // The guest renames the NIC with this MAC to eth1 and gives it the lab's addresses.
      const append = argv[argv.indexOf('-append') + 1]!;
      const eth1 = vm.interfaces.find((i) => i.name === 'eth1')!;
      expect(append.split(' ')).toContain(`fr.if=${[vmMac(lab, 'vm1', 'eth1'), 'eth1', eth1.ipv4, eth1.ipv6].filter(Boolean).join(',')}`);
      expect(append).toMatch(/^console=ttyS0 .*fr\.hostname=vm1/);
      // vm1 is the first end of link 3: it listens on BASE+6 and sends to BASE+7.
      expect(argv).toContain('socket,id=net1,udp=127.0.0.1:40007,localaddr=127.0.0.1:40006');
      expect(argv).toContain(`virtio-net-pci,netdev=net1,mac=${vmMac(lab, 'vm1', 'eth1')},romfile=`);
    });

    it('refuses to start without its image, saying how to get one', () => {
      expect(() => execFileSync('sh', [join(dir, 'vm1.sh')], { env: { PATH: `${dir}:/usr/bin:/bin`, FLATLAB_IMAGE_DIR: join(dir, 'nope'), FLATLAB_RUN: join(dir, 'run') }, stdio: 'pipe' })).toThrow(/flatlab image build/);
    });
  });
});
