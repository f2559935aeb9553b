import { describe, expect, it } from 'vitest';
import { guestCommandLine, qemuArgs } from '../../src/image/qemu-vm.js';

describe('guest kernel command line', () => {
  it('carries hostname, NICs by MAC, loopback, routes, forwarding, services and the health deadline', () => {
    expect(guestCommandLine({
      hostname: 'fr1', nics: [{ mac: '52:54:00:aa:bb:cc', name: 'eth1', addresses: ['10.0.0.1/31', 'fd00::1/127'] }], loopback: ['10.255.0.1/32'],
      routes: [{ prefix: '0.0.0.0/0', via: '10.0.0.0' }], forwarding: true, services: ['bird'], healthDeadlineSeconds: 30,
    })).toBe('console=ttyS0 panic=5 quiet fr.hostname=fr1 fr.if=52:54:00:aa:bb:cc,eth1,10.0.0.1/31,fd00::1/127 fr.lo=10.255.0.1/32 fr.route=0.0.0.0/0,10.0.0.0 fr.forward=1 fr.services=bird fr.health_deadline=30');
  });
  it('refuses words the kernel would split or the guest shell would expand', () => {
    expect(() => guestCommandLine({ hostname: 'a b' })).toThrow(/cannot go on the guest kernel command line/);
    expect(() => guestCommandLine({ services: ['$(reboot)'] })).toThrow(/cannot go/);
  });
});

describe('QEMU arguments', () => {
  it('boot the kernel directly under TCG with sockets in the run dir and NICs without option ROMs', () => {
    const a = qemuArgs({ imageDir: '/img', runDir: '/run/x', name: 'x', guest: {}, snapshot: true, netdevs: [{ netdev: 'tap,ifname=t0,script=no,downscript=no', mac: '52:54:00:00:00:01' }] });
    expect(a.slice(a.indexOf('-accel'), a.indexOf('-accel') + 2)).toEqual(['-accel', 'tcg']);
    expect(a[a.indexOf('-kernel') + 1]).toBe('/img/vmlinuz');
    expect(a).toContain('file=/img/disk.img,if=virtio,format=raw,snapshot=on');
    expect(a).toContain('unix:/run/x/console.sock,server=on,wait=off');
    expect(a).toContain('virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01,romfile=');
    const pvh = qemuArgs({ imageDir: '/img', runDir: '/run/x', name: 'x', guest: {}, kernelFile: 'vmlinux' });
    expect(pvh[pvh.indexOf('-kernel') + 1]).toBe('/img/vmlinux');
  });
});
