/**
 * Session expectations: `session: { node, peer, state }` (state defaults to established).
 * `down` is any state but established: a daemon whose peer died cycles through idle, connect
 * and active while it retries (BIRD, FRR and GoBGP each at their own pace), so a scenario that
 * only cares that the session is gone says `down`.
 */
import { z } from 'zod';
import { checkNode } from '../lab-refs.js';
import type { CheckResult, StepCheckContext, StepRunContext } from '../step.js';

export const sessionArgs = z.strictObject({
  node: z.string().min(1),
  /** A node name, or the peer's address. */
  peer: z.string().min(1),
  state: z.enum(['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established', 'down']).default('established'),
});
export type SessionArgs = z.infer<typeof sessionArgs>;

export function checkSessionArgs(a: SessionArgs, ctx: StepCheckContext): void {
  checkNode(ctx, ['node'], a.node);
  const isAddress = /^[0-9.]+$|:/.test(a.peer);
  if (!isAddress) checkNode(ctx, ['peer'], a.peer);
  const hasSession = ctx.lab.sessions.some((s) => (s.a.node === a.node && (s.b.node === a.peer || s.b.address === a.peer)) || (s.b.node === a.node && (s.a.node === a.peer || s.a.address === a.peer)));
  if (!hasSession && ctx.lab.nodes.some((n) => n.name === a.node) && (isAddress || ctx.lab.nodes.some((n) => n.name === a.peer))) {
    ctx.problem(['peer'], `the lab has no BGP session between "${a.node}" and "${a.peer}"`, 'check bgp.sessions in the topology');
  }
}

export function describeSession(a: SessionArgs): string {
  return `session ${a.node} → ${a.peer} ${a.state}`;
}

export async function observeSession(a: SessionArgs, ctx: StepRunContext): Promise<CheckResult> {
  const sessions = await ctx.runtime.bgpSessions(a.node, { signal: ctx.signal });
  const s = sessions.find((x) => x.peer === a.peer || x.peerAddress === a.peer);
  const expected = `session ${a.node} → ${a.peer} in state ${a.state}`;
  if (!s) return { ok: false, expected, observed: `no session to ${a.peer} (sessions: ${sessions.map((x) => `${x.peer}=${x.state}`).join(', ') || 'none'})` };
  const ok = a.state === 'down' ? s.state !== 'established' : s.state === a.state;
  return { ok, expected, observed: `state ${s.state}${s.uptimeSeconds !== undefined ? ` for ${s.uptimeSeconds}s` : ''}` };
}
