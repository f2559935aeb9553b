import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vmHealth, vmReboot, vmUpdate } from '../../../src/scenario/steps/vm.js';
import type { StepRunContext } from '../../../src/scenario/step.js';
import { sampleLab } from '../../fixtures/emit/sample-lab.js';
import { FakeRuntime } from '../../support/fake-runtime.js';
import { rootVerity } from '../../../src/image/verity.js';

const lab = sampleLab();

function ctx(runtime: FakeRuntime): StepRunContext {
  return { runtime, lab, signal: new AbortController().signal, baseDir: '/', log: () => undefined };
}

const report = (over: object = {}) => JSON.stringify({ version: '2.0.0', slot: 'B', healthy: true, services: [{ name: 'bird', healthy: true, restarts: 2 }], ...over });

describe('vm steps', () => {
  it('vm-health compares the guest\'s report with what is expected', async () => {
    const rt = new FakeRuntime('netns', ['exec']);
    rt.execResult = { exitCode: 0, stdout: report(), stderr: '' };
    const ok = await vmHealth.observe({ node: 'vm1', healthy: true, version: '2.0.0', slot: 'B', service: 'bird', restarts: 1 }, ctx(rt));
    expect(ok.ok).toBe(true);
    expect(rt.calls).toEqual(['exec vm1 cat /run/flatracoon/health.json']);
    const wrong = await vmHealth.observe({ node: 'vm1', healthy: true, version: '1.0.0' }, ctx(rt));
    expect(wrong).toMatchObject({ ok: false, observed: expect.stringContaining('version 2.0.0') });
    expect((await vmHealth.observe({ node: 'vm1', healthy: true, service: 'bird', restarts: 3 }, ctx(rt))).ok).toBe(false);
    rt.execResult = { exitCode: 1, stdout: 'cat: can\'t open', stderr: '' };
    expect(await vmHealth.observe({ node: 'vm1', healthy: true }, ctx(rt))).toMatchObject({ ok: false, observed: expect.stringContaining('no health report') });
  });

  it('vm-health and friends refuse nodes that are not VMs', () => {
    const problems: string[] = [];
    vmHealth.check!({ node: 'r1', healthy: true }, { lab, problem: (_p, m) => void problems.push(m) });
    vmReboot.check!('nosuch', { lab, problem: (_p, m) => void problems.push(m) });
    expect(problems[0]).toMatch(/node "r1" is a .*, not a VM/);
    expect(problems[1]).toMatch(/unknown node "nosuch"/);
  });

  it('vm-update needs a runtime that can hand the VM a disk', async () => {
    await expect(vmUpdate.run({ node: 'vm1', root: '/x.squashfs' }, ctx(new FakeRuntime('sim', ['exec'])))).rejects.toThrow(/--runtime netns/);
  });

  it('vm-update writes the root and its dm-verity hash area into the updates disk, keeps its size, and runs the in-guest updater', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatlab-vmstep-'));
    try {
      const disk = join(dir, 'updates.img');
      await writeFile(disk, Buffer.alloc(16384));
      // One 4 KiB block, as mksquashfs pads a root.
      const root = Buffer.concat([Buffer.from('hsqs and the rest'), Buffer.alloc(4096 - 17)]);
      await writeFile(join(dir, 'root.squashfs'), root);
      const rt = Object.assign(new FakeRuntime('netns', ['exec']), { vmUpdatesDisk: () => disk });
      rt.execResult = { exitCode: 0, stdout: 'FLATRACOON-UPDATE slot=B version=2.0.0 size=4096; reboot to try it', stderr: '' };
      // The runner passes the scenario file as baseDir; roots are relative to its directory.
      const out = await vmUpdate.run({ node: 'vm1', root: 'root.squashfs', version: '2.0.0' }, { ...ctx(rt), baseDir: join(dir, 'scenario.yml') });
      expect(out).toMatch(/FLATRACOON-UPDATE slot=B/);
      const written = await readFile(disk);
      expect(written.subarray(0, 17).toString()).toBe('hsqs and the rest');
      expect(written.subarray(4096, 8192)).toEqual(rootVerity(root).bytes);
      expect(written.subarray(4096, 4102).toString()).toBe('verity');
      expect((await stat(disk)).size).toBe(16384);
      expect(rt.calls[0]).toMatch(/^exec vm1 sh -c .*flatracoon-update \$d 2\.0\.0/);
      rt.execResult = { exitCode: 1, stdout: 'flatracoon-update: slot B is on trial', stderr: '' };
      await expect(vmUpdate.run({ node: 'vm1', root: 'root.squashfs' }, { ...ctx(rt), baseDir: dir })).rejects.toThrow(/in-guest update on vm1 failed \(exit 1\): flatracoon-update: slot B is on trial/);
      await writeFile(join(dir, 'short.squashfs'), Buffer.from('hsqs not padded'));
      await expect(vmUpdate.run({ node: 'vm1', root: 'short.squashfs' }, { ...ctx(rt), baseDir: dir })).rejects.toThrow(/not a positive multiple of 4096/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('vm-reboot asks the runtime to reboot the VM and wait for its next boot', async () => {
    await expect(vmReboot.run('vm1', ctx(new FakeRuntime('sim', ['exec'])))).rejects.toThrow(/cannot reboot a VM/);
    const rebooted: string[] = [];
    const rt = Object.assign(new FakeRuntime('netns', ['exec']), { vmReboot: async (node: string) => void rebooted.push(node) });
    await vmReboot.run({ node: 'vm1' }, ctx(rt));
    expect(rebooted).toEqual(['vm1']);
  });
});
