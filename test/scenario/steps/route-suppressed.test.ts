/** `route: { …, suppressed: true|false, from? }`: paths route flap damping holds back, as runtimes report them. */
import { describe, expect, it } from 'vitest';
import type { RouteObservation } from '../../../src/runtime/runtime.js';
import { checkRouteArgs, describeRoute, observeRoute, routeArgs } from '../../../src/scenario/steps/route-check.js';
import type { StepCheckContext, StepRunContext } from '../../../src/scenario/step.js';
import type { Lab } from '../../../src/topology/lab.js';
import { FakeRuntime } from '../../support/fake-runtime.js';

const P = '198.18.0.0/16';
const route = (over: Partial<RouteObservation>): RouteObservation => ({ prefix: P, best: true, asPath: [65000, 65010], nextHop: '10.0.0.15', communities: [], largeCommunities: [], from: 't1', ...over });

function ctxWith(routes: RouteObservation[]): StepRunContext {
  const runtime = new FakeRuntime();
  runtime.routes = () => routes;
  return { runtime, lab: {} as Lab, signal: new AbortController().signal, baseDir: '.', log: () => {} };
}

describe('suppressed route expectations', () => {
  const held = route({ best: false, suppressed: true });

  it('suppressed: true holds when a path (from the given node) is held back', async () => {
    expect((await observeRoute(routeArgs.parse({ node: 'c1', prefix: P, suppressed: true }), ctxWith([held]))).ok).toBe(true);
    expect((await observeRoute(routeArgs.parse({ node: 'c1', prefix: P, suppressed: true, from: 't1' }), ctxWith([held]))).ok).toBe(true);
    const other = await observeRoute(routeArgs.parse({ node: 'c1', prefix: P, suppressed: true, from: 't2' }), ctxWith([held]));
    expect(other).toMatchObject({ ok: false, observed: 'no path at all' });
  });

  it('suppressed: true fails on a usable route and says what was seen; suppressed: false is the reverse', async () => {
    const r = await observeRoute(routeArgs.parse({ node: 'c1', prefix: P, suppressed: true }), ctxWith([route({})]));
    expect(r).toMatchObject({ ok: false, expected: `a path for ${P} suppressed by damping` });
    expect(r.observed).toMatch(/^not suppressed: as-path \[65000 65010\]/);
    expect((await observeRoute(routeArgs.parse({ node: 'c1', prefix: P, suppressed: false }), ctxWith([route({})]))).ok).toBe(true);
    expect((await observeRoute(routeArgs.parse({ node: 'c1', prefix: P, suppressed: false }), ctxWith([held]))).ok).toBe(false);
  });

  it('a held-back path is not a best route: absent: true holds beside it', async () => {
    expect((await observeRoute(routeArgs.parse({ node: 'c1', prefix: P, absent: true }), ctxWith([held]))).ok).toBe(true);
  });

  it('suppressed combines with from only, and reads as what it checks', () => {
    const problems: string[] = [];
    const ctx = { problem: (_path: unknown, message: string) => problems.push(message), lab: { nodes: [{ name: 'c1' }, { name: 't1' }] } } as unknown as StepCheckContext;
    checkRouteArgs(routeArgs.parse({ node: 'c1', prefix: P, suppressed: true, 'as-path': [1] }), ctx);
    expect(problems).toContain('suppressed: can only be combined with from:');
    expect(describeRoute(routeArgs.parse({ node: 'c1', prefix: P, suppressed: true, from: 't1' }))).toBe(`route ${P} on c1 from t1 suppressed by damping`);
  });
});
