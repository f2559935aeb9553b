/**
 * Phase "sessions": the BGP sessions of the lab.
 *
 * `sessions: auto` derives them the way a network engineer would wire a lab by hand:
 * - eBGP on every link between BGP speakers of different ASNs, one session per address
 *   family the link has, between the interface addresses;
 * - iBGP inside an AS between loopbacks: a full mesh, or, when the AS has route reflectors,
 *   every other speaker to every reflector (RFC 4456 clients) and the reflectors meshed.
 * Explicit sessions (`sessions: [...]`) add to or replace derived ones for the same pair.
 */
import type { DataPath } from '../config/yaml-source.js';
import { didYouMean } from '../config/suggest.js';
import { policyChain } from '../bgp/policy/model.js';
import type { IpFamily } from '../net/ip.js';
import type { AddressAssignment } from './addressing.js';
import type { CompileContext } from './context.js';
import type { AddressFamily, BgpSession, BgpSessionEnd, NodeBgp } from './lab.js';
import type { ResolvedLink, ResolvedNode } from './resolved.js';
import type { ExplicitSession, Topology } from './schema.js';

const FAMILIES = ['ipv4', 'ipv6'] as const;

function hostOf(cidr: string): string {
  return cidr.slice(0, cidr.indexOf('/'));
}

/** Checks that need only the resolved nodes, reported with every other validation error. */
export function checkBgp(topo: Topology, nodes: ReadonlyMap<string, ResolvedNode>, links: readonly ResolvedLink[], ctx: CompileContext): void {
  const sessions = topo.bgp?.sessions;
  const names = [...nodes.keys()];
  if (Array.isArray(sessions)) {
    const seen = new Map<string, number>();
    sessions.forEach((s, i) => {
      if (s === 'auto') return;
      const path: DataPath = ['bgp', 'sessions', i, 'between'];
      let ok = true;
      s.between.forEach((name, j) => {
        const node = nodes.get(name);
        if (!node) {
          ok = false;
          ctx.error('unknown-node', `unknown node "${name}" in session ${i + 1}${didYouMean(name, names)}`, [...path, j], { hint: 'sessions join two nodes declared under "nodes:"' });
        } else if (node.kind && !node.speaksBgp) {
          ok = false;
          ctx.error('session-not-bgp', `node "${name}" (kind ${node.kindName}) does not speak BGP`, [...path, j], { hint: 'sessions need BGP-speaking kinds at both ends' });
        }
      });
      if (ok && s.between[0] === s.between[1]) {
        ctx.error('session-self', `session ${i + 1} joins node "${s.between[0]}" to itself`, path, { hint: 'name two different nodes' });
        return;
      }
      for (const name of Object.keys(s.ends ?? {})) {
        if (!s.between.includes(name)) {
          ctx.error('session-end', `"${name}" is not an end of session ${i + 1}${didYouMean(name, s.between)}`, ['bgp', 'sessions', i, 'ends', name], { key: true, hint: `ends are keyed by the node names in between: ${s.between.join(', ')}` });
        }
      }
      if (!ok) return;
      const [x, y] = [nodes.get(s.between[0])!, nodes.get(s.between[1])!];
      // eBGP needs a shared link: flatlab installs no routes between ASes, so a multihop
      // session between loopbacks would never come up.
      if (x.asn !== undefined && y.asn !== undefined && x.asn !== y.asn && !sharesLink(x, y, links)) {
        ctx.error('session-no-link', `eBGP session ${i + 1} between "${x.name}" (AS ${x.asn}) and "${y.name}" (AS ${y.asn}) has no link to run over`, path, { hint: 'add a link between the two nodes; multihop eBGP is not supported' });
      }
      const key = `${[...s.between].sort().join('~')}~${s.family ?? '*'}`;
      const first = seen.get(key);
      if (first !== undefined) ctx.error('duplicate-session', `session ${i + 1} repeats session ${first + 1}`, path, { hint: 'remove one of them' });
      seen.set(key, i);
    });
  }

  const byAsn = groupByAsn(nodes.values());
  const rrs = [...nodes.values()].filter((n) => n.role === 'route-reflector' && n.speaksBgp);
  for (const rr of rrs) {
    if (rr.asn === undefined) continue;
    const peers = (byAsn.get(rr.asn) ?? []).filter((n) => n !== rr);
    if (peers.length === 0) {
      ctx.error('rr-without-peers', `route reflector "${rr.name}" has no iBGP peers: no other node is in AS ${rr.asn}`, [...rr.path, 'role'], { hint: 'put its clients in the same AS, or make it a plain router' });
    }
  }
  const mode = topo.bgp?.ibgp;
  if (mode === 'full-mesh' && rrs.length > 0) {
    ctx.error('ibgp-mode', `ibgp is full-mesh but node "${rrs[0]!.name}" is a route reflector`, ['bgp', 'ibgp'], { hint: 'remove "ibgp:" (it is inferred from roles) or the route-reflector role' });
  }
  if (mode === 'route-reflector') {
    for (const [asn, members] of byAsn) {
      if (members.length > 1 && !members.some((n) => n.role === 'route-reflector')) {
        ctx.error('ibgp-mode', `ibgp is route-reflector but AS ${asn} has no node with role route-reflector`, ['bgp', 'ibgp'], { hint: `give one of ${members.map((n) => n.name).join(', ')} "role: route-reflector"` });
      }
    }
  }
}

function sharesLink(x: ResolvedNode, y: ResolvedNode, links: readonly ResolvedLink[]): boolean {
  return x.linkSlots.some((slot) => links[slot.link]!.endpoints.some((e) => e.node === y.name));
}

export function groupByAsn(nodes: Iterable<ResolvedNode>): Map<number, ResolvedNode[]> {
  const out = new Map<number, ResolvedNode[]>();
  for (const n of nodes) {
    if (!n.speaksBgp || n.asn === undefined) continue;
    const list = out.get(n.asn) ?? [];
    list.push(n);
    out.set(n.asn, list);
  }
  return out;
}

/** Per-node BGP intent: ASN, router id (explicit or the IPv4 loopback), originated prefixes, default chains. */
export function nodeBgpIntent(nodes: readonly ResolvedNode[], addrs: AddressAssignment, ctx: CompileContext): Map<string, NodeBgp> {
  const out = new Map<string, NodeBgp>();
  const idOwners = new Map<string, string>(); // `asn router-id` → node
  for (const n of nodes) {
    if (!n.speaksBgp || n.asn === undefined) continue;
    const lo4 = addrs.loopbacks.get(n.name)?.ipv4;
    const routerId = n.routerId ?? (lo4 ? hostOf(lo4) : undefined);
    if (routerId === undefined) {
      ctx.error('router-id-missing', `node "${n.name}" speaks BGP but has no IPv4 loopback to take its router id from`, n.path, { key: true, hint: 'add "router-id: <dotted quad>" (RFC 6286: any unique 32-bit id), or an IPv4 loopback pool' });
      continue;
    }
    // RFC 6286 §2.1: the BGP Identifier must be unique within the AS.
    const owner = idOwners.get(`${n.asn} ${routerId}`);
    if (owner !== undefined) {
      ctx.error('router-id-duplicate', `router id ${routerId} of node "${n.name}" is also the router id of "${owner}" in AS ${n.asn}`, n.routerId ? [...n.path, 'router-id'] : n.path, { key: n.routerId === undefined, hint: 'a router id must be unique within an AS (RFC 6286); change one of them' });
    } else {
      idOwners.set(`${n.asn} ${routerId}`, n.name);
    }
    out.set(n.name, {
      asn: n.asn,
      routerId,
      originate: n.originate,
      import: n.import,
      export: n.export,
      ...(n.role === 'route-reflector' ? { clusterId: n.clusterId ?? routerId } : {}),
      ...(n.damping ? { damping: n.damping } : {}),
    });
  }
  return out;
}

interface SessionInputs {
  topo: Topology;
  nodes: ReadonlyMap<string, ResolvedNode>;
  links: readonly ResolvedLink[];
  addrs: AddressAssignment;
  ctx: CompileContext;
}

export function deriveSessions(input: SessionInputs): BgpSession[] {
  const { topo, nodes } = input;
  const spec = topo.bgp?.sessions ?? 'auto';
  const auto = spec === 'auto' || (Array.isArray(spec) && spec.includes('auto'));
  const nextHopSelf = topo.bgp?.['next-hop-self'] ?? true;
  const made: BgpSession[] = [];

  if (auto) {
    for (const link of input.links) linkSessions(link, input, nextHopSelf, made);
    for (const members of groupByAsn(nodes.values()).values()) {
      for (const [x, y] of ibgpPairs(members)) loopbackSessions(x, y, input, nextHopSelf, made);
    }
  }
  if (Array.isArray(spec)) {
    // An explicit session replaces whatever was derived for the same pair and family.
    const explicit: BgpSession[] = [];
    spec.forEach((s, i) => {
      if (s !== 'auto') explicit.push(...explicitSessions(s, i, input, nextHopSelf));
    });
    if (explicit.length > 0) {
      const replaced = new Set(explicit.map((m) => m.id));
      const kept = made.filter((m) => !replaced.has(m.id));
      made.length = 0;
      made.push(...kept, ...explicit);
    }
  }

  // Parallel sessions (same pair and family over several links) are told apart by link.
  const seen = new Set<string>();
  for (const s of made) {
    if (seen.has(s.id) && s.via !== 'loopback') s.id = `${s.id}~link${s.via.link + 1}`;
    else seen.add(s.id);
  }
  return made.sort((p, q) => cmp(p.a.node, q.a.node) || cmp(p.b.node, q.b.node) || cmp(p.family, q.family) || cmp(p.id, q.id));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** iBGP pairs of one AS: full mesh, or clients × reflectors plus a reflector mesh. `x` reflects to `y` when x is a reflector and y is not. */
function ibgpPairs(members: readonly ResolvedNode[]): Array<[ResolvedNode, ResolvedNode]> {
  const out: Array<[ResolvedNode, ResolvedNode]> = [];
  const rrs = members.filter((n) => n.role === 'route-reflector');
  if (rrs.length === 0) {
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) out.push([members[i]!, members[j]!]);
    return out;
  }
  for (let i = 0; i < rrs.length; i++) for (let j = i + 1; j < rrs.length; j++) out.push([rrs[i]!, rrs[j]!]);
  for (const client of members) {
    if (client.role === 'route-reflector') continue;
    for (const rr of rrs) out.push([rr, client]);
  }
  return out;
}

interface EndOptions {
  address: string;
  ibgp: boolean;
  nextHopSelf: boolean;
  reflectsToPeer: boolean;
  override: ExplicitSession | undefined;
}

/** Session chain for one direction: the end's own, else the session's, else the node's. */
function sessionChain(node: ResolvedNode, override: ExplicitSession | undefined, dir: 'import' | 'export'): string[] {
  if (!override) return node[dir];
  const ref = override.ends?.[node.name]?.[dir] ?? override[dir];
  return ref !== undefined ? policyChain(ref, 'all') : node[dir];
}

function end(node: ResolvedNode, o: EndOptions): BgpSessionEnd {
  return {
    node: node.name,
    asn: node.asn!,
    address: o.address,
    import: sessionChain(node, o.override, 'import'),
    export: sessionChain(node, o.override, 'export'),
    routeReflectorClient: o.reflectsToPeer,
    nextHopSelf: o.ibgp && o.nextHopSelf,
  };
}

function makeSession(x: ResolvedNode, xAddr: string, y: ResolvedNode, yAddr: string, family: AddressFamily, via: BgpSession['via'], nextHopSelf: boolean, override?: ExplicitSession): BgpSession {
  const ibgp = x.asn === y.asn;
  const xReflects = ibgp && x.role === 'route-reflector' && y.role !== 'route-reflector';
  const yReflects = ibgp && y.role === 'route-reflector' && x.role !== 'route-reflector';
  const ex = end(x, { address: xAddr, ibgp, nextHopSelf, reflectsToPeer: xReflects, override });
  const ey = end(y, { address: yAddr, ibgp, nextHopSelf, reflectsToPeer: yReflects, override });
  const [a, b] = x.name < y.name ? [ex, ey] : [ey, ex];
  return { id: `${a.node}~${b.node}~${family}`, type: ibgp ? 'ibgp' : 'ebgp', family, via, a, b };
}

function linkSessions(link: ResolvedLink, input: SessionInputs, nextHopSelf: boolean, out: BgpSession[], only?: { pair: [string, string]; family?: IpFamily; override: ExplicitSession }): BgpSession[] {
  if (!link.usable) return out;
  const addrs = input.addrs.links[link.index];
  if (!addrs) return out;
  const eps = link.endpoints;
  for (let i = 0; i < eps.length; i++) {
    for (let j = i + 1; j < eps.length; j++) {
      const x = input.nodes.get(eps[i]!.node)!;
      const y = input.nodes.get(eps[j]!.node)!;
      if (!x.speaksBgp || !y.speaksBgp || x.asn === undefined || y.asn === undefined) continue;
      if (only) {
        if (!((x.name === only.pair[0] && y.name === only.pair[1]) || (x.name === only.pair[1] && y.name === only.pair[0]))) continue;
      } else if (x.asn === y.asn) continue;
      for (const family of FAMILIES) {
        if (only?.family && only.family !== family) continue;
        const xa = addrs.endpoints[i]?.[family];
        const ya = addrs.endpoints[j]?.[family];
        if (!xa || !ya) continue;
        out.push(makeSession(x, hostOf(xa), y, hostOf(ya), family, { link: link.index }, nextHopSelf, only?.override));
      }
    }
  }
  return out;
}

function loopbackSessions(x: ResolvedNode, y: ResolvedNode, input: SessionInputs, nextHopSelf: boolean, out: BgpSession[], override?: ExplicitSession): BgpSession[] {
  for (const family of FAMILIES) {
    if (override?.family && override.family !== family) continue;
    const xa = input.addrs.loopbacks.get(x.name)?.[family];
    const ya = input.addrs.loopbacks.get(y.name)?.[family];
    if (!xa || !ya) continue;
    out.push(makeSession(x, hostOf(xa), y, hostOf(ya), family, 'loopback', nextHopSelf, override));
  }
  return out;
}

function explicitSessions(s: ExplicitSession, i: number, input: SessionInputs, nextHopSelf: boolean): BgpSession[] {
  const x = input.nodes.get(s.between[0]);
  const y = input.nodes.get(s.between[1]);
  if (!x || !y || x.asn === undefined || y.asn === undefined) return [];
  const path: DataPath = ['bgp', 'sessions', i];
  let made: BgpSession[];
  if (x.asn === y.asn) {
    made = loopbackSessions(x, y, input, nextHopSelf, [], s);
  } else {
    const shared = x.linkSlots.map((slot) => input.links[slot.link]!).find((l) => l.usable && l.endpoints.some((e) => e.node === y.name));
    if (!shared) return []; // reported by checkBgp
    made = linkSessions(shared, input, nextHopSelf, [], { pair: [x.name, y.name], ...(s.family ? { family: s.family } : {}), override: s });
  }
  if (made.length === 0) {
    const what = x.asn === y.asn ? 'loopbacks' : 'addresses on their shared link';
    input.ctx.error('session-no-address', `session ${i + 1} between "${x.name}" and "${y.name}" cannot be made: the two nodes have no ${s.family ? `${s.family} ${what}` : `${what} of a common family`}`, [...path, 'between'], { hint: x.asn === y.asn ? 'iBGP runs between loopbacks: check addressing.loopback' : 'check the link\'s subnets and addressing.links' });
  }
  return made;
}
