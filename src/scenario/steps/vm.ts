/**
 * Steps for FlatRacoon OS VMs (runtimes that run them: netns). They talk to the guest through
 * the runtime's `exec`, which for a VM is its serial console:
 *
 *   - vm-health: { node, healthy: true, version: 2.0.0, slot: B, service: bird, restarts: 1 }
 *       checks the supervisor's /health report (retried with `within:`)
 *   - vm-update: { node, root: path/to/root.squashfs, version: 2.0.0 }
 *       hands a new root to the guest on its updates disk and runs the in-guest updater
 *   - vm-reboot: node
 *       reboots the guest (its A/B logic runs at the next boot); follow with vm-health
 */
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { rootVerity } from '../../image/verity.js';
import { getKind } from '../../kinds/index.js';
import type { Runtime } from '../../runtime/runtime.js';
import { checkNode } from '../lab-refs.js';
import { defineStep, type StepCheckContext } from '../step.js';

function checkVm(ctx: StepCheckContext, path: (string | number)[], node: string): void {
  checkNode(ctx, path, node);
  const n = ctx.lab.nodes.find((x) => x.name === node);
  if (n && !getKind(n.kind).vm) ctx.problem(path, `node "${node}" is a ${n.kind}, not a VM`, 'vm-* steps apply to flatracoon-os nodes');
}

const healthArgs = z.strictObject({
  node: z.string().min(1),
  healthy: z.boolean().default(true),
  version: z.string().optional(),
  slot: z.enum(['A', 'B']).optional(),
  /** A service that must be listed and healthy. */
  service: z.string().optional(),
  /** With `service`: at least this many restarts so far. */
  restarts: z.number().int().min(0).optional(),
});

interface Health {
  version?: string;
  slot?: string;
  healthy?: boolean;
  services?: { name: string; healthy: boolean; restarts?: number }[];
}

export const vmHealth = defineStep({
  type: 'check',
  name: 'vm-health',
  summary: 'check a FlatRacoon OS VM\'s health report (version, slot, services)',
  args: healthArgs,
  needs: () => ['exec'],
  check: (a, ctx) => checkVm(ctx, ['node'], a.node),
  describe: (a) => `vm-health ${a.node}${a.version ? ` version ${a.version}` : ''}${a.slot ? ` slot ${a.slot}` : ''}${a.service ? ` service ${a.service}` : ''}${a.restarts !== undefined ? ` restarted ≥ ${a.restarts}×` : ''}`,
  observe: async (a, ctx) => {
    const expected = [`healthy ${a.healthy}`, a.version && `version ${a.version}`, a.slot && `slot ${a.slot}`, a.service && `service ${a.service} healthy`, a.restarts !== undefined && `≥ ${a.restarts} restarts`].filter(Boolean).join(', ');
    // A guest that is rebooting loses the command: give up on this attempt after 20 s and let `within:` retry.
    let r;
    try {
      r = await ctx.runtime.exec(a.node, ['cat', '/run/flatracoon/health.json'], { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(20_000)]) });
    } catch (err) {
      return { ok: false, expected, observed: `no answer from the guest: ${(err as Error).message}` };
    }
    let h: Health;
    try {
      h = JSON.parse(r.stdout) as Health;
    } catch {
      return { ok: false, expected, observed: `no health report (exit ${r.exitCode}: ${r.stdout.slice(0, 200) || 'empty'})` };
    }
    const svc = a.service ? h.services?.find((s) => s.name === a.service) : undefined;
    const ok = h.healthy === a.healthy && (!a.version || h.version === a.version) && (!a.slot || h.slot === a.slot)
      && (!a.service || (svc !== undefined && svc.healthy && (a.restarts === undefined || (svc.restarts ?? 0) >= a.restarts)));
    return { ok, expected, observed: `healthy ${h.healthy}, version ${h.version}, slot ${h.slot}, services ${(h.services ?? []).map((s) => `${s.name}${s.healthy ? '' : ' (unhealthy)'} ×${s.restarts ?? 0}`).join(', ')}` };
  },
});

/** Runtimes that can hand a VM a file on its updates disk (netns: a raw file in the node's run dir) and reboot it. */
interface VmUpdatesDisk {
  vmUpdatesDisk(node: string): string;
}

interface VmRebooter {
  vmReboot(node: string, opts: { signal: AbortSignal }): Promise<void>;
}

function updatesDisk(runtime: Runtime): VmUpdatesDisk | undefined {
  return 'vmUpdatesDisk' in runtime && typeof (runtime as Partial<VmUpdatesDisk>).vmUpdatesDisk === 'function' ? (runtime as unknown as VmUpdatesDisk) : undefined;
}

const updateArgs = z.strictObject({ node: z.string().min(1), root: z.string().min(1), version: z.string().regex(/^[A-Za-z0-9._+-]{1,32}$/).optional() });

export const vmUpdate = defineStep({
  type: 'action',
  name: 'vm-update',
  summary: 'write a new root (squashfs) into a VM\'s inactive slot with the in-guest updater; it is tried at the next boot',
  args: updateArgs,
  needs: () => ['exec'],
  check: (a, ctx) => checkVm(ctx, ['node'], a.node),
  describe: (a) => `vm-update ${a.node} from ${a.root}`,
  run: async (a, ctx) => {
    const disk = updatesDisk(ctx.runtime);
    if (!disk) throw new Error(`the ${ctx.runtime.name} runtime cannot hand a VM an update; run this scenario with --runtime netns`);
    const path = disk.vmUpdatesDisk(a.node);
    // Relative to the scenario file's directory (the runner passes the file itself as baseDir).
    const base = /\.ya?ml$/.test(ctx.baseDir) ? dirname(ctx.baseDir) : ctx.baseDir;
    const root = isAbsolute(a.root) ? a.root : join(base, a.root);
    // The disk keeps its size (the guest saw it at boot); the updater reads the squashfs length from its superblock.
    // The root's dm-verity hash area follows it, so the updater records a root hash for the slot.
    const before = (await stat(path)).size;
    const squashfs = await readFile(root);
    const content = Buffer.concat([squashfs, rootVerity(squashfs).bytes]);
    if (content.length > before) throw new Error(`${root} with its dm-verity hash area is larger than ${a.node}'s updates disk (${before} bytes)`);
    await writeFile(path, content);
    await truncate(path, before);
    // Drop the guest's cached blocks of the updates disk, find it by its squashfs magic, update.
    const script = 'sync; echo 3 > /proc/sys/vm/drop_caches; for d in /dev/vd[b-z]; do blockdev --flushbufs $d 2>/dev/null; '
      + `[ "$(head -c 4 $d)" = hsqs ] && exec flatracoon-update $d ${a.version ?? ''}; done; echo "no updates disk holds a squashfs" >&2; exit 1`;
    const r = await ctx.runtime.exec(a.node, ['sh', '-c', script], { signal: ctx.signal });
    if (r.exitCode !== 0) throw new Error(`in-guest update on ${a.node} failed (exit ${r.exitCode}): ${r.stdout.trim().split('\n').slice(-3).join(' | ')}`);
    return r.stdout.trim().split('\n').pop();
  },
});

const nodeArg = z.union([z.string().min(1), z.strictObject({ node: z.string().min(1) })]);
const nodeOf = (a: z.infer<typeof nodeArg>): string => (typeof a === 'string' ? a : a.node);

export const vmReboot = defineStep({
  type: 'action',
  name: 'vm-reboot',
  summary: 'reboot a VM (its boot-state decides the slot); follow with vm-health and a within:',
  args: nodeArg,
  needs: () => ['exec'],
  check: (a, ctx) => checkVm(ctx, typeof a === 'string' ? [] : ['node'], nodeOf(a)),
  describe: (a) => `vm-reboot ${nodeOf(a)}`,
  run: async (a, ctx) => {
    const rt = ctx.runtime as Partial<VmRebooter>;
    if (typeof rt.vmReboot !== 'function') throw new Error(`the ${ctx.runtime.name} runtime cannot reboot a VM; run this scenario with --runtime netns`);
    // Returns once the next boot has begun, so the checks that follow see the new boot, not the old one.
    await rt.vmReboot.call(ctx.runtime, nodeOf(a), { signal: ctx.signal });
  },
});
