/** `expect: { route | session | dns | reach: … }`: one observation, retried under `within`. */
import { z } from 'zod';
import type { RuntimeCapability } from '../../runtime/runtime.js';
import { defineStep } from '../step.js';
import { checkDnsArgs, describeDns, dnsArgs, observeDns } from './dns-check.js';
import { checkReachArgs, describeReach, observeReach, reachArgs } from './reach-check.js';
import { checkRouteArgs, describeRoute, observeRoute, routeArgs } from './route-check.js';
import { checkSessionArgs, describeSession, observeSession, sessionArgs } from './session-check.js';

const expectArgs = z.union([
  z.strictObject({ route: routeArgs }),
  z.strictObject({ session: sessionArgs }),
  z.strictObject({ dns: dnsArgs }),
  z.strictObject({ reach: reachArgs }),
]);

export const expect = defineStep({
  type: 'check',
  name: 'expect',
  summary: 'check a route, BGP session, DNS answer or reachability (retried under `within`)',
  args: expectArgs,
  needs: (a): RuntimeCapability[] => ('route' in a || 'session' in a ? ['bgp'] : 'dns' in a ? ['dns'] : [a.reach.protocol === 'icmp' ? 'ping' : 'tcp']),
  check: (a, ctx) => {
    const sub = (key: string) => ({ ...ctx, problem: (p: ReadonlyArray<string | number>, m: string, h?: string) => ctx.problem([key, ...p], m, h) });
    if ('route' in a) checkRouteArgs(a.route, sub('route'));
    else if ('session' in a) checkSessionArgs(a.session, sub('session'));
    else if ('dns' in a) checkDnsArgs(a.dns, sub('dns'));
    else checkReachArgs(a.reach, sub('reach'));
  },
  describe: (a) => ('route' in a ? describeRoute(a.route) : 'session' in a ? describeSession(a.session) : 'dns' in a ? describeDns(a.dns) : describeReach(a.reach)),
  observe: (a, ctx) => ('route' in a ? observeRoute(a.route, ctx) : 'session' in a ? observeSession(a.session, ctx) : 'dns' in a ? observeDns(a.dns, ctx) : observeReach(a.reach, ctx)),
});

/** `dns: {…}`: a query with its expectation, the same as `expect: { dns: {…} }`. */
export const dns = defineStep({
  type: 'check',
  name: 'dns',
  summary: 'query DNS from a node and check the answer',
  args: dnsArgs,
  needs: () => ['dns'],
  check: checkDnsArgs,
  describe: describeDns,
  observe: observeDns,
});

/** `ping: { from, to }`: ICMP echo must succeed (or fail with `reachable: false`). */
export const ping = defineStep({
  type: 'check',
  name: 'ping',
  summary: 'ICMP reachability between nodes (real packets: netns or containerlab)',
  args: reachArgs.omit({ protocol: true, port: true }),
  needs: () => ['ping'],
  check: (a, ctx) => checkReachArgs({ ...a, protocol: 'icmp' }, ctx),
  describe: (a) => describeReach({ ...a, protocol: 'icmp' }),
  observe: (a, ctx) => observeReach({ ...a, protocol: 'icmp' }, ctx),
});
