import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moduleLoadOrder, parseModulesDep } from '../../src/image/kernel-modules.js';
import { parseLdd } from '../../src/image/shared-libraries.js';

// Lines as in Debian 12's /lib/modules/6.1.0-*/modules.dep.
const dep = parseModulesDep(`kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko
kernel/fs/squashfs/squashfs.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/lib/crc16.ko:
kernel/fs/mbcache.ko:
kernel/fs/jbd2/jbd2.ko:
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/md/dm-verity.ko: kernel/drivers/md/dm-bufio.ko kernel/drivers/md/dm-mod.ko
kernel/drivers/md/dm-bufio.ko: kernel/drivers/md/dm-mod.ko
kernel/drivers/md/dm-mod.ko:
`);

describe('kernel module closure', () => {
  it('lists each module once, after everything it depends on', () => {
    const order = moduleLoadOrder(dep, ['virtio_net', 'ext4', 'virtio_pci', 'dm_verity'], 'k');
    expect(new Set(order).size).toBe(order.length);
    for (const [i, m] of order.entries()) for (const d of dep.get(m) ?? []) expect(order.indexOf(d)).toBeLessThan(i);
    expect(order).toContain('kernel/drivers/md/dm-verity.ko');
    expect(order).toContain('kernel/fs/jbd2/jbd2.ko');
  });

  test.prop([fc.subarray(['virtio_net', 'ext4', 'virtio_pci', 'dm-verity', 'squashfs', 'failover'])])('every wanted set gives a dependency-closed order', (wanted) => {
    const order = moduleLoadOrder(dep, wanted, 'k');
    for (const [i, m] of order.entries()) {
      for (const d of dep.get(m) ?? []) {
        expect(order.indexOf(d)).toBeGreaterThanOrEqual(0);
        expect(order.indexOf(d)).toBeLessThan(i);
      }
    }
  });

  it('names modules the kernel does not have', () => {
    expect(() => moduleLoadOrder(dep, ['virtio_net', 'nosuch'], '6.1.0-x')).toThrow(/kernel 6.1.0-x has no module nosuch/);
  });
});

describe('ldd output', () => {
  it('takes resolved libraries and the loader, skips the vDSO', () => {
    const text = `\tlinux-vdso.so.1 (0x00007ffd)\n\tlibssh-gcrypt.so.4 => /lib/x86_64-linux-gnu/libssh-gcrypt.so.4 (0x00007f79137a2000)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f7913964000)\n`;
    expect(parseLdd(text, '/usr/sbin/bird')).toEqual(['/lib/x86_64-linux-gnu/libssh-gcrypt.so.4', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
    expect(parseLdd('\tnot a dynamic executable\n', '/bin/busybox')).toEqual([]);
  });
  it('fails on a library that is not installed', () => {
    expect(() => parseLdd('\tlibfoo.so.1 => not found\n', '/usr/bin/x')).toThrow(/needs libfoo.so.1/);
  });
});
