/**
 * ZeroTier-style overlay steps:
 *
 *   - zt-authorize: m3 / zt-deauthorize: m3         at the member's controller
 *   - zt-network: { node, status, addresses, peers, not-peers }   what the member sees (listnetworks)
 *   - zt-peer: { node, peer, link: direct|relay, path }          how it reaches a peer (netns)
 *
 * Checks compare subsets: `addresses` and `peers` must all be present, `not-peers` absent.
 */
import { z } from 'zod';
import { FlatlabError } from '../../config/diagnostics.js';
import { UnsupportedOnRuntimeError } from '../../runtime/errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { checkNode } from '../lab-refs.js';
import { defineStep } from '../step.js';

/** An agent that does not answer yet (still starting) is an observation to retry, not an error. */
async function orUnanswered<T>(call: () => Promise<T>): Promise<T | { unanswered: string }> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof FlatlabError && err.code.endsWith('.zt-agent')) return { unanswered: err.message };
    throw err;
  }
}

const memberArg = z.union([z.string().min(1), z.strictObject({ member: z.string().min(1) })]);
const memberOf = (a: z.infer<typeof memberArg>): string => (typeof a === 'string' ? a : a.member);

function overlay(runtime: Runtime, what: string): Required<Pick<Runtime, 'overlayNetworks' | 'overlayPeers' | 'overlayAuthorize'>> {
  const r = runtime;
  if (!r.overlayNetworks || !r.overlayAuthorize) throw new UnsupportedOnRuntimeError(what, r.name, 'overlay');
  return { overlayNetworks: r.overlayNetworks.bind(r), overlayAuthorize: r.overlayAuthorize.bind(r), overlayPeers: r.overlayPeers ? r.overlayPeers.bind(r) : () => Promise.reject(new UnsupportedOnRuntimeError(what, r.name, 'overlay-paths')) };
}

function authorizeStep(name: 'zt-authorize' | 'zt-deauthorize', authorized: boolean) {
  return defineStep({
    type: 'action',
    name,
    summary: `${authorized ? 'authorize' : 'deauthorize'} an overlay member at its controller`,
    args: memberArg,
    needs: () => ['overlay'],
    check: (a, ctx) => checkNode(ctx, typeof a === 'string' ? [] : ['member'], memberOf(a)),
    describe: (a) => `${name} ${memberOf(a)}`,
    run: async (a, ctx) => {
      await overlay(ctx.runtime, name).overlayAuthorize(memberOf(a), authorized, { signal: ctx.signal });
    },
  });
}

export const ztAuthorize = authorizeStep('zt-authorize', true);
export const ztDeauthorize = authorizeStep('zt-deauthorize', false);

const networkArgs = z.strictObject({
  node: z.string().min(1),
  network: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  status: z.enum(['OK', 'ACCESS_DENIED', 'NOT_FOUND', 'REQUESTING_CONFIGURATION']).default('OK'),
  addresses: z.array(z.string()).default([]),
  peers: z.array(z.string()).default([]),
  'not-peers': z.array(z.string()).default([]),
});

export const ztNetwork = defineStep({
  type: 'check',
  name: 'zt-network',
  summary: 'an overlay member\'s network: status, assigned addresses, peers (like zerotier-cli listnetworks)',
  args: networkArgs,
  needs: () => ['overlay'],
  check: (a, ctx) => {
    checkNode(ctx, ['node'], a.node);
    a.peers.forEach((p, i) => checkNode(ctx, ['peers', i], p));
    a['not-peers'].forEach((p, i) => checkNode(ctx, ['not-peers', i], p));
  },
  describe: (a) => `zt-network ${a.node}: ${a.status}${a.addresses.length ? ` with ${a.addresses.join(', ')}` : ''}${a.peers.length ? `, peers ${a.peers.join(', ')}` : ''}${a['not-peers'].length ? `, not ${a['not-peers'].join(', ')}` : ''}`,
  observe: async (a, ctx) => {
    const nets = await orUnanswered(() => overlay(ctx.runtime, 'zt-network').overlayNetworks(a.node, { signal: ctx.signal }));
    const expected = `${a.status}${a.addresses.length ? `, addresses ⊇ [${a.addresses.join(', ')}]` : ''}${a.peers.length ? `, peers ⊇ [${a.peers.join(', ')}]` : ''}${a['not-peers'].length ? `, no peer in [${a['not-peers'].join(', ')}]` : ''}`;
    if ('unanswered' in nets) return { ok: false, expected, observed: nets.unanswered };
    const n = a.network ? nets.find((x) => x.network === a.network) : nets[0];
    if (!n) return { ok: false, expected, observed: `no network${a.network ? ` ${a.network}` : ''} on ${a.node}` };
    const ok = n.status === a.status && a.addresses.every((x) => n.addresses.includes(x)) && a.peers.every((p) => n.peers.includes(p)) && !a['not-peers'].some((p) => n.peers.includes(p));
    return { ok, expected, observed: `${n.status}, addresses [${n.addresses.join(', ')}], peers [${n.peers.join(', ')}]` };
  },
});

const peerArgs = z.strictObject({
  node: z.string().min(1),
  peer: z.string().min(1),
  link: z.enum(['direct', 'relay']),
  /** Underlay endpoint `address` or `address:port` of the direct path. */
  path: z.string().optional(),
});

export const ztPeer = defineStep({
  type: 'check',
  name: 'zt-peer',
  summary: 'how an overlay member reaches a peer: a direct underlay path or the relay (like zerotier-cli peers)',
  args: peerArgs,
  needs: () => ['overlay-paths'],
  check: (a, ctx) => {
    checkNode(ctx, ['node'], a.node);
    checkNode(ctx, ['peer'], a.peer);
    if (a.path !== undefined && a.link === 'relay') ctx.problem(['path'], 'a relayed peer has no direct path', 'drop path, or use link: direct');
  },
  describe: (a) => `zt-peer ${a.node} → ${a.peer}: ${a.link}${a.path ? ` via ${a.path}` : ''}`,
  observe: async (a, ctx) => {
    const peers = await orUnanswered(() => overlay(ctx.runtime, 'zt-peer').overlayPeers(a.node, { signal: ctx.signal }));
    const expected = `${a.link}${a.path ? ` via ${a.path}` : ''}`;
    if ('unanswered' in peers) return { ok: false, expected, observed: peers.unanswered };
    const p = peers.find((x) => x.peer === a.peer);
    if (!p) return { ok: false, expected, observed: `${a.peer} is not a peer of ${a.node} (peers: ${peers.map((x) => x.peer).join(', ') || 'none'})` };
    const pathOk = a.path === undefined || (p.path !== undefined && (p.path === a.path || p.path.split(':')[0] === a.path));
    return { ok: p.link === a.link && pathOk, expected, observed: `${p.link}${p.path ? ` via ${p.path}` : ''}` };
  },
});
