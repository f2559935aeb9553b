/**
 * Phase "routes": static routes to every other loopback of the same AS, so iBGP between
 * loopbacks comes up on netns and containerlab runtimes without running an IGP.
 *
 * Paths are shortest in hops over links whose ends are both in the AS. Ties break towards the
 * lower link index, then the lower endpoint index (BFS visits neighbours in that order), so
 * the routes are deterministic.
 */
import type { IpFamily } from '../net/ip.js';
import type { AddressAssignment } from './addressing.js';
import type { CompileContext } from './context.js';
import type { BgpSession, StaticRoute } from './lab.js';
import { didYouMean } from '../config/suggest.js';
import type { ResolvedLink, ResolvedNode } from './resolved.js';
import { groupByAsn } from './sessions.js';

const FAMILIES = ['ipv4', 'ipv6'] as const;

interface Edge {
  to: number;
  /** The neighbour's address on the shared link (host only). */
  via: Partial<Record<IpFamily, string>>;
  /** Our interface on the shared link. */
  interface: string;
}

function hostOf(cidr: string): string {
  return cidr.slice(0, cidr.indexOf('/'));
}

/** Loopback routes per node name, in (family, target node order). */
export function loopbackRoutes(nodes: readonly ResolvedNode[], links: readonly ResolvedLink[], addrs: AddressAssignment, sessions: readonly BgpSession[], ctx: CompileContext): Map<string, StaticRoute[]> {
  const out = new Map<string, StaticRoute[]>();
  const needed = new Set<string>();
  // Loopback session ids are exactly `a~b~family` (only link sessions get a suffix).
  for (const s of sessions) if (s.via === 'loopback') needed.add(s.id);
  for (const members of groupByAsn(nodes).values()) {
    if (members.length < 2) continue;
    const local = new Map(members.map((n, i) => [n.name, i]));
    const adjacency: Edge[][] = members.map((n) => {
      const edges: Edge[] = [];
      for (const slot of n.linkSlots) {
        const link = links[slot.link]!;
        const la = addrs.links[link.index];
        link.endpoints.forEach((ep, j) => {
          if (j === slot.endpoint) return;
          const to = local.get(ep.node);
          if (to === undefined) return;
          const via: Partial<Record<IpFamily, string>> = {};
          for (const f of FAMILIES) {
            const mine = la?.endpoints[slot.endpoint]?.[f];
            const theirs = la?.endpoints[j]?.[f];
            if (mine && theirs) via[f] = hostOf(theirs);
          }
          edges.push({ to, via, interface: link.endpoints[slot.endpoint]!.interface });
        });
      }
      return edges;
    });
    const unreachable: string[] = [];
    // On dual-stack labs both families usually share every edge: one BFS then serves both.
    const sameEdges = adjacency.every((es) => es.every((e) => (e.via.ipv4 === undefined) === (e.via.ipv6 === undefined)));
    members.forEach((src, s) => {
      const list = out.get(src.name) ?? [];
      let previous: Array<Edge | undefined> | undefined;
      for (const family of FAMILIES) {
        if (!addrs.loopbacks.get(src.name)?.[family]) continue;
        const firstHop = sameEdges && previous ? previous : bfsFirstHops(s, adjacency, family);
        previous = firstHop;
        members.forEach((dst, d) => {
          if (d === s) return;
          const lo = addrs.loopbacks.get(dst.name)?.[family];
          if (!lo) return;
          const hop = firstHop[d];
          if (!hop) {
            const key = `${src.name}~${dst.name}~${family}`;
            if (src.name < dst.name && needed.has(key)) unreachable.push(key);
            return;
          }
          list.push({ prefix: lo, via: hop.via[family]!, interface: hop.interface });
        });
      }
      if (list.length > 0) out.set(src.name, list);
    });
    if (unreachable.length > 0) {
      // One warning per AS: a large random lab would otherwise print thousands of lines.
      const shown = unreachable.slice(0, 5).join(', ');
      const more = unreachable.length > 5 ? ` and ${unreachable.length - 5} more` : '';
      ctx.warn('ibgp-unreachable', `${unreachable.length} iBGP session${unreachable.length === 1 ? '' : 's'} in AS ${members[0]!.asn} cannot come up without an IGP: no path of links inside the AS joins the loopbacks (${shown}${more})`, members[0]!.path, {
        key: true,
        hint: `link those nodes through nodes of AS ${members[0]!.asn}, or add routes by hand`,
      });
    }
  }
  return out;
}

/** For every node reachable from `src`, the first edge of a shortest path to it. */
function bfsFirstHops(src: number, adjacency: readonly Edge[][], family: IpFamily): Array<Edge | undefined> {
  const first: Array<Edge | undefined> = new Array(adjacency.length);
  const seen = new Uint8Array(adjacency.length);
  seen[src] = 1;
  const queue: number[] = [src];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head]!;
    for (const e of adjacency[at]!) {
      if (seen[e.to] || e.via[family] === undefined) continue;
      seen[e.to] = 1;
      first[e.to] = at === src ? e : first[at];
      queue.push(e.to);
    }
  }
  return first;
}

/**
 * The file's own static routes, with `via: <node>` resolved to that neighbour's address on the
 * first link (in link order) the two share that has the route's family.
 */
export function userRoutes(nodes: ReadonlyMap<string, ResolvedNode>, links: readonly ResolvedLink[], addrs: AddressAssignment, ctx: CompileContext): Map<string, StaticRoute[]> {
  const out = new Map<string, StaticRoute[]>();
  const names = [...nodes.keys()];
  for (const node of nodes.values()) {
    const list: StaticRoute[] = [];
    const ifnames = node.linkSlots.map((slot) => links[slot.link]!.endpoints[slot.endpoint]!.interface);
    for (const r of node.routes) {
      if (r.interface !== undefined && !ifnames.includes(r.interface)) {
        ctx.error('unknown-interface', `node "${node.name}" has no interface "${r.interface}"${didYouMean(r.interface, ifnames)}`, [...r.path, 'interface'], {
          hint: ifnames.length > 0 ? `its interfaces: ${ifnames.join(', ')}` : 'the node is on no link',
        });
        continue;
      }
      if (r.via !== undefined) {
        list.push({ prefix: r.prefix, via: r.via, ...(r.interface ? { interface: r.interface } : {}) });
        continue;
      }
      const target = r.viaNode!;
      if (!nodes.has(target)) {
        ctx.error('unknown-node', `unknown node "${target}" as next hop${didYouMean(target, names)}`, [...r.path, 'via'], { hint: 'name a node that shares a link with this one, or write an address' });
        continue;
      }
      let found: StaticRoute | undefined;
      let shared = false;
      for (const slot of node.linkSlots) {
        const link = links[slot.link]!;
        const j = link.endpoints.findIndex((e, k) => k !== slot.endpoint && e.node === target);
        if (j < 0) continue;
        shared = true;
        const theirs = addrs.links[link.index]?.endpoints[j]?.[r.family];
        if (!theirs) continue;
        found = { prefix: r.prefix, via: hostOf(theirs), interface: r.interface ?? link.endpoints[slot.endpoint]!.interface };
        break;
      }
      if (found) list.push(found);
      else if (!shared) ctx.error('route-via', `next hop "${target}" shares no link with node "${node.name}"`, [...r.path, 'via'], { hint: 'a next hop must be a direct neighbour; route via the neighbour that leads there' });
      else ctx.error('route-via', `node "${target}" has no ${r.family} address on a link shared with "${node.name}"`, [...r.path, 'via'], { hint: `the route to ${r.prefix} needs an ${r.family === 'ipv4' ? 'IPv4' : 'IPv6'} next hop: check the link's addressing` });
    }
    if (list.length > 0) out.set(node.name, list);
  }
  return out;
}

const DEFAULT_ROUTE: Record<IpFamily, string> = { ipv4: '0.0.0.0/0', ipv6: '::/0' };

/**
 * Hosts and servers get a default route per family to their first router neighbour (in link
 * order) that has an address of the family on the shared link, as netlab does for its hosts,
 * so a lab answers pings out of the box. A default route given in the file wins.
 */
export function hostDefaultRoutes(nodes: ReadonlyMap<string, ResolvedNode>, links: readonly ResolvedLink[], addrs: AddressAssignment, given: ReadonlyMap<string, StaticRoute[]>): Map<string, StaticRoute[]> {
  const out = new Map<string, StaticRoute[]>();
  for (const node of nodes.values()) {
    if (node.role !== 'host' && node.role !== 'server') continue;
    const own = given.get(node.name) ?? [];
    for (const family of FAMILIES) {
      if (own.some((r) => r.prefix === DEFAULT_ROUTE[family])) continue;
      const route = firstGateway(node, family, nodes, links, addrs);
      if (!route) continue;
      const list = out.get(node.name) ?? [];
      list.push(route);
      out.set(node.name, list);
    }
  }
  return out;
}

function firstGateway(node: ResolvedNode, family: IpFamily, nodes: ReadonlyMap<string, ResolvedNode>, links: readonly ResolvedLink[], addrs: AddressAssignment): StaticRoute | undefined {
  for (const slot of node.linkSlots) {
    const link = links[slot.link]!;
    const la = addrs.links[link.index];
    if (!la?.endpoints[slot.endpoint]?.[family]) continue;
    for (let j = 0; j < link.endpoints.length; j++) {
      if (j === slot.endpoint) continue;
      const peer = nodes.get(link.endpoints[j]!.node);
      const theirs = la.endpoints[j]?.[family];
      if (!peer || !theirs || (peer.role !== 'router' && peer.role !== 'route-reflector')) continue;
      return { prefix: DEFAULT_ROUTE[family], via: hostOf(theirs), interface: link.endpoints[slot.endpoint]!.interface };
    }
  }
  return undefined;
}
