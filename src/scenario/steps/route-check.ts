/** Route expectations: `route: { node, prefix, as-path, next-hop, local-pref, med, communities, from, absent }`. */
import { z } from 'zod';
import { parsePrefixMatch } from '../../bgp/policy/model.js';
import type { RouteObservation } from '../../runtime/runtime.js';
import { checkNode } from '../lab-refs.js';
import type { CheckResult, StepCheckContext, StepRunContext } from '../step.js';

export const routeArgs = z.strictObject({
  node: z.string().min(1),
  prefix: z.string().min(1),
  'as-path': z.array(z.number().int().min(0).max(4294967295)).optional(),
  'next-hop': z.string().optional(),
  'local-pref': z.number().int().nonnegative().optional(),
  med: z.number().int().nonnegative().optional(),
  /** Every listed community is present on the best route. */
  communities: z.array(z.string()).optional(),
  'large-communities': z.array(z.string()).optional(),
  /** The best route was learned from this node (`local` for originated). */
  from: z.string().optional(),
  absent: z.boolean().optional(),
  /** A path for the prefix is held back by route flap damping (from `from` when given); say nothing of the best. */
  suppressed: z.boolean().optional(),
});
export type RouteArgs = z.infer<typeof routeArgs>;

export function checkRouteArgs(a: RouteArgs, ctx: StepCheckContext): void {
  checkNode(ctx, ['node'], a.node);
  const p = parsePrefixMatch(a.prefix);
  if (!p || p.ge !== p.length || p.le !== p.length) ctx.problem(['prefix'], `"${a.prefix}" is not a prefix`, 'write ADDRESS/LENGTH, e.g. 203.0.113.0/24');
  if (a.from !== undefined && a.from !== 'local') checkNode(ctx, ['from'], a.from);
  if (a.absent && Object.keys(a).some((k) => !['node', 'prefix', 'absent'].includes(k))) ctx.problem(['absent'], 'absent: true cannot be combined with attribute expectations', 'split into two expectations');
  if (a.suppressed !== undefined && Object.keys(a).some((k) => !['node', 'prefix', 'suppressed', 'from'].includes(k))) ctx.problem(['suppressed'], 'suppressed: can only be combined with from:', 'check the best route in a separate expectation');
}

export function describeRoute(a: RouteArgs): string {
  if (a.suppressed !== undefined) return `route ${a.prefix} on ${a.node}${a.from ? ` from ${a.from}` : ''} ${a.suppressed ? '' : 'not '}suppressed by damping`;
  return a.absent ? `no route ${a.prefix} on ${a.node}` : `route ${a.prefix} on ${a.node}${expectedAttributes(a)}`;
}

function expectedAttributes(a: RouteArgs): string {
  const parts: string[] = [];
  if (a['as-path']) parts.push(`as-path [${a['as-path'].join(' ')}]`);
  if (a['next-hop']) parts.push(`next-hop ${a['next-hop']}`);
  if (a['local-pref'] !== undefined) parts.push(`local-pref ${a['local-pref']}`);
  if (a.med !== undefined) parts.push(`med ${a.med}`);
  if (a.communities) parts.push(`communities ⊇ {${a.communities.join(' ')}}`);
  if (a['large-communities']) parts.push(`large-communities ⊇ {${a['large-communities'].join(' ')}}`);
  if (a.from) parts.push(`from ${a.from}`);
  return parts.length ? ` with ${parts.join(', ')}` : '';
}

export function formatRoute(r: RouteObservation): string {
  const parts = [`as-path [${r.asPath.join(' ')}]`, `next-hop ${r.nextHop}`];
  if (r.localPref !== undefined) parts.push(`local-pref ${r.localPref}`);
  if (r.med !== undefined) parts.push(`med ${r.med}`);
  if (r.communities.length) parts.push(`communities {${r.communities.join(' ')}}`);
  if (r.largeCommunities.length) parts.push(`large-communities {${r.largeCommunities.join(' ')}}`);
  parts.push(`from ${r.from}`);
  return parts.join(', ');
}

/** Differences between the expectation and the best route; empty when it matches. */
export function routeMismatches(a: RouteArgs, best: RouteObservation): string[] {
  const out: string[] = [];
  const path = a['as-path'];
  if (path && (path.length !== best.asPath.length || path.some((x, i) => x !== best.asPath[i]))) out.push('as-path');
  if (a['next-hop'] !== undefined && a['next-hop'] !== best.nextHop) out.push('next-hop');
  if (a['local-pref'] !== undefined && a['local-pref'] !== best.localPref) out.push('local-pref');
  if (a.med !== undefined && a.med !== best.med) out.push('med');
  if (a.communities?.some((c) => !best.communities.includes(c))) out.push('communities');
  if (a['large-communities']?.some((c) => !best.largeCommunities.includes(c))) out.push('large-communities');
  if (a.from !== undefined && a.from !== best.from) out.push('from');
  return out;
}

/** `suppressed: true|false`: whether a path (from `from`) is held back by route flap damping. */
function observeSuppressed(a: RouteArgs, routes: readonly RouteObservation[]): CheckResult {
  const mine = routes.filter((r) => r.prefix === a.prefix && (a.from === undefined || r.from === a.from));
  const held = mine.filter((r) => r.suppressed === true);
  const expected = `${a.suppressed ? 'a' : 'no'} path for ${a.prefix}${a.from ? ` from ${a.from}` : ''} suppressed by damping`;
  const observed = held.length ? `suppressed: ${held.map(formatRoute).join('; ')}` : mine.length ? `not suppressed: ${mine.map(formatRoute).join('; ')}` : 'no path at all';
  return { ok: (held.length > 0) === a.suppressed, expected, observed };
}

export async function observeRoute(a: RouteArgs, ctx: StepRunContext): Promise<CheckResult> {
  const routes = await ctx.runtime.bgpRoutes(a.node, a.prefix, { signal: ctx.signal });
  if (a.suppressed !== undefined) return observeSuppressed(a, routes);
  const best = routes.find((r) => r.prefix === a.prefix && r.best);
  const expected = a.absent ? `no route for ${a.prefix}` : `best route for ${a.prefix}${expectedAttributes(a)}`;
  if (a.absent) return { ok: best === undefined, expected, observed: best ? `a route: ${formatRoute(best)}` : 'no route' };
  if (!best) {
    const others = routes.filter((r) => r.prefix === a.prefix);
    return { ok: false, expected, observed: others.length ? `no best route (${others.length} ineligible)` : 'no route' };
  }
  const diff = routeMismatches(a, best);
  return { ok: diff.length === 0, expected, observed: diff.length ? `${formatRoute(best)} (differs in ${diff.join(', ')})` : formatRoute(best) };
}
