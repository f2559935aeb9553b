/** Reachability: `reach: { from, to, protocol, port, reachable }` and `ping: { from, to }`. */
import { z } from 'zod';
import { checkNode } from '../lab-refs.js';
import type { CheckResult, StepCheckContext, StepRunContext } from '../step.js';

export const reachArgs = z.strictObject({
  from: z.string().min(1),
  /** Address, node name (its loopback), or DNS name resolved on `from`. */
  to: z.string().min(1),
  protocol: z.enum(['icmp', 'tcp']).default('icmp'),
  port: z.number().int().min(1).max(65535).optional(),
  count: z.number().int().min(1).max(100).optional(),
  reachable: z.boolean().default(true),
});
export type ReachArgs = z.infer<typeof reachArgs>;

export function checkReachArgs(a: ReachArgs, ctx: StepCheckContext): void {
  checkNode(ctx, ['from'], a.from);
  if (a.protocol === 'tcp' && a.port === undefined) ctx.problem(['port'], 'a tcp reachability check needs a port', 'add port: 80');
  if (a.protocol === 'icmp' && a.port !== undefined) ctx.problem(['port'], 'icmp has no ports', 'drop port, or use protocol: tcp');
}

export function describeReach(a: ReachArgs): string {
  return `${a.protocol === 'icmp' ? 'ping' : `tcp/${a.port}`} ${a.from} → ${a.to}${a.reachable ? '' : ' (must fail)'}`;
}

/** A node name stands for its loopback address (IPv4 first). */
export function reachTarget(a: ReachArgs, ctx: StepRunContext): string {
  const node = ctx.lab.nodes.find((n) => n.name === a.to);
  const lo = node?.loopback.ipv4 ?? node?.loopback.ipv6;
  return lo ? lo.split('/')[0]! : a.to;
}

export async function observeReach(a: ReachArgs, ctx: StepRunContext): Promise<CheckResult> {
  const r = await ctx.runtime.reach(a.from, { to: reachTarget(a, ctx), protocol: a.protocol, ...(a.port ? { port: a.port } : {}), ...(a.count ? { count: a.count } : {}) }, { signal: ctx.signal });
  return { ok: r.reachable === a.reachable, expected: a.reachable ? 'reachable' : 'unreachable', observed: `${r.reachable ? 'reachable' : 'unreachable'}: ${r.detail}` };
}
