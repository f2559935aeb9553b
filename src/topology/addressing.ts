/**
 * Phase "addressing": loopbacks and link subnets from the pools.
 *
 * Stability is the point: addresses depend only on a node's or link's position and on what
 * comes before it, so appending a node or a link to the file never moves an existing address.
 * - Loopbacks are positional: node i (file order) gets pool host i+1, whether or not earlier
 *   nodes take one.
 * - Link subnets are allocated sequentially in link order, each aligned to its own size.
 *   Subnets given explicitly in the file are honoured and the allocator steps around them.
 */
import type { DataPath } from '../config/yaml-source.js';
import { alignUp, FAMILY_BITS, formatIp, formatPrefix, parsePrefix, prefixesOverlap, prefixLast, prefixSize, type IpFamily, type IpPrefix } from '../net/ip.js';
import type { CompileContext } from './context.js';
import type { AddressingPlan } from './lab.js';
import { subnetHostCapacity } from './links.js';
import { checkNetwork } from './nodes.js';
import type { ResolvedLink, ResolvedNode } from './resolved.js';
import type { Topology } from './schema.js';

export const DEFAULT_POOLS = {
  loopback: { ipv4: '10.255.0.0/16', ipv6: 'fd00:ff::/64' },
  links: { ipv4: '10.0.0.0/16', ipv6: 'fd00:1::/48' },
} as const;

const FAMILIES = ['ipv4', 'ipv6'] as const;

export type FamilyMap<T> = Partial<Record<IpFamily, T>>;

export interface AddressAssignment {
  plan: AddressingPlan;
  /** Loopback address per node name, in CIDR form (`10.255.0.1/32`). */
  loopbacks: Map<string, FamilyMap<string>>;
  /** Per link (by index): its subnet and one address per endpoint (CIDR with the subnet length). */
  links: Array<{ subnet: FamilyMap<IpPrefix>; endpoints: Array<FamilyMap<string>> }>;
}

interface Pools {
  loopback: FamilyMap<IpPrefix>;
  links: FamilyMap<IpPrefix>;
}

/** Loopbacks go to nodes that route: routers, route reflectors and BGP speakers, plus any node given one explicitly. */
export function wantsLoopback(node: ResolvedNode): boolean {
  return node.role === 'router' || node.role === 'route-reflector' || node.speaksBgp;
}

export function assignAddresses(topo: Topology, nodes: readonly ResolvedNode[], links: readonly ResolvedLink[], ctx: CompileContext): AddressAssignment {
  const p2pLength = { ipv4: 31, ipv6: topo.addressing?.p2p?.ipv6 ?? 127 };
  const pools = readPools(topo, ctx);
  const plan: AddressingPlan = {
    loopback: Object.fromEntries(FAMILIES.filter((f) => pools.loopback[f]).map((f) => [f, formatPrefix(pools.loopback[f]!)])),
    links: Object.fromEntries(FAMILIES.filter((f) => pools.links[f]).map((f) => [f, formatPrefix(pools.links[f]!)])),
    p2pLength,
  };
  const loopbacks = assignLoopbacks(nodes, pools, ctx);
  const { links: linkAddrs, overlapping } = assignLinkSubnets(links, pools, p2pLength, ctx);
  checkConflicts(nodes, links.filter((l) => !overlapping.has(l.index)), loopbacks, linkAddrs, ctx);
  return { plan, loopbacks, links: linkAddrs };
}

function poolPath(kind: 'loopback' | 'links', family: IpFamily): DataPath {
  return ['addressing', kind, family];
}

function readPools(topo: Topology, ctx: CompileContext): Pools {
  const pools: Pools = { loopback: {}, links: {} };
  for (const kind of ['loopback', 'links'] as const) {
    const given = topo.addressing?.[kind];
    const texts: FamilyMap<string> = given ?? DEFAULT_POOLS[kind];
    for (const family of FAMILIES) {
      const text = texts[family];
      if (text === undefined) continue;
      if (checkNetwork(text, poolPath(kind, family), ctx, family) === undefined) continue;
      const r = parsePrefix(text);
      if (r.ok) pools[kind][family] = r.prefix;
    }
  }
  for (const family of FAMILIES) {
    const lo = pools.loopback[family];
    const li = pools.links[family];
    if (lo && li && prefixesOverlap(lo, li)) {
      ctx.error('pool-overlap', `loopback pool ${formatPrefix(lo)} overlaps link pool ${formatPrefix(li)}`, poolPath('links', family), {
        hint: 'loopbacks and link subnets must come from separate ranges; pick non-overlapping pools',
      });
      delete pools.links[family];
    }
  }
  return pools;
}

function assignLoopbacks(nodes: readonly ResolvedNode[], pools: Pools, ctx: CompileContext): Map<string, FamilyMap<string>> {
  const out = new Map<string, FamilyMap<string>>();
  for (const family of FAMILIES) {
    const pool = pools.loopback[family];
    const bits = FAMILY_BITS[family];
    let exhaustedAt: ResolvedNode | undefined;
    for (const node of nodes) {
      const mine = out.get(node.name) ?? {};
      out.set(node.name, mine);
      const override = node.loopbackOverride[family];
      if (override) {
        mine[family] = `${formatIp(family, override.value)}/${bits}`;
        continue;
      }
      if (!pool || !wantsLoopback(node)) continue;
      const offset = BigInt(node.index + 1);
      if (offset >= prefixSize(pool)) {
        exhaustedAt ??= node;
        continue;
      }
      mine[family] = `${formatIp(family, pool.network + offset)}/${bits}`;
    }
    if (pool && exhaustedAt) {
      ctx.error('pool-too-small', `loopback pool ${formatPrefix(pool)} has ${prefixSize(pool) - 1n} host addresses but the topology has ${nodes.length} nodes (first without a loopback: "${exhaustedAt.name}")`, poolPath('loopback', family), {
        hint: `use a larger pool (node i gets host i+1), e.g. a /${Math.max(0, bits - Math.ceil(Math.log2(nodes.length + 2)))}`,
      });
    }
  }
  return out;
}

/** Prefix length for a link of `hosts` endpoints. LANs get room to double (IPv4), or a /64 (IPv6, RFC 4291 §2.5.1). */
export function linkPrefixLength(family: IpFamily, type: 'p2p' | 'lan', hosts: number, p2pLength: { ipv4: number; ipv6: number }): number {
  if (type === 'p2p') return p2pLength[family];
  if (family === 'ipv6') return 64;
  const needed = 2 * hosts + 2;
  return Math.min(29, 32 - Math.ceil(Math.log2(needed)));
}

function assignLinkSubnets(links: readonly ResolvedLink[], pools: Pools, p2pLength: { ipv4: number; ipv6: number }, ctx: CompileContext): { links: AddressAssignment['links']; overlapping: Set<number> } {
  const out: AddressAssignment['links'] = links.map((l) => ({ subnet: {}, endpoints: l.endpoints.map(() => ({})) }));
  const overlapping = new Set<number>();
  for (const family of FAMILIES) {
    const pool = pools.links[family];
    for (const i of checkOverrides(links, family, pools, ctx)) overlapping.add(i);
    // Explicit subnets of the links seen so far (sorted by address), and what the pool gave
    // (in allocation order, which is address order). Only earlier links count either way:
    // that is what keeps every address still when a link is appended.
    const explicitSoFar: Placed[] = [];
    const fromPool: Placed[] = [];
    let cursor = pool?.network ?? 0n;
    let exhausted: ResolvedLink | undefined;
    for (const link of links) {
      if (!link.usable) continue;
      const override = link.subnetOverride[family];
      let subnet: IpPrefix | undefined;
      if (override === false) continue;
      if (override) {
        const taken = overlapAt(fromPool, override);
        if (taken && !overlapping.has(link.index)) {
          ctx.error('subnet-overlap', `link ${link.index + 1}'s subnet ${formatPrefix(override)} overlaps ${formatPrefix(taken.subnet)}, which the pool gave link ${taken.link + 1}`, [...link.path, family], {
            hint: 'addresses of earlier links never move: pick a subnet outside the link pool, or one the pool has not reached',
          });
          overlapping.add(link.index);
          continue;
        }
        insertSorted(explicitSoFar, { subnet: override, link: link.index });
        subnet = override;
      } else if (pool && !exhausted) {
        const length = linkPrefixLength(family, link.type, link.endpoints.length, p2pLength);
        const size = 1n << BigInt(FAMILY_BITS[family] - length);
        let start = alignUp(cursor, size);
        // Step around the explicit subnets of earlier links.
        for (;;) {
          const o = overlapAt(explicitSoFar, { family, network: start, length });
          if (!o) break;
          start = alignUp(prefixLast(o.subnet) + 1n, size);
        }
        if (length < pool.length || start + size - 1n > prefixLast(pool)) {
          exhausted = link;
          continue;
        }
        subnet = { family, network: start, length };
        fromPool.push({ subnet, link: link.index });
        cursor = start + size;
      }
      if (!subnet) continue;
      const entry = out[link.index]!;
      entry.subnet[family] = subnet;
      const firstHost = subnetHostCapacity(subnet) === prefixSize(subnet) ? 0n : 1n;
      link.endpoints.forEach((_, j) => {
        entry.endpoints[j]![family] = `${formatIp(family, subnet.network + firstHost + BigInt(j))}/${subnet.length}`;
      });
    }
    if (pool && exhausted) {
      const remaining = links.filter((l) => l.usable && l.index >= exhausted!.index && l.subnetOverride[family] === undefined).length;
      ctx.error('pool-too-small', `link pool ${formatPrefix(pool)} is too small: it ran out at link ${exhausted.index + 1} after ${fromPool.length} subnets, with ${remaining} links still to address`, poolPath('links', family), {
        hint: family === 'ipv4' ? 'use a larger pool; each point-to-point link takes a /31 and each LAN a /29 or larger' : 'use a larger pool; each point-to-point link takes a /127 (or /64) and each LAN a /64',
      });
    }
  }
  return { links: out, overlapping };
}

interface Placed {
  subnet: IpPrefix;
  link: number;
}

/**
 * The entry of `sorted` (non-overlapping, ordered by address) that overlaps `p`, if any:
 * a binary search for the first entry ending at or after p's start.
 */
function overlapAt(sorted: readonly Placed[], p: IpPrefix): Placed | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefixLast(sorted[mid]!.subnet) < p.network) lo = mid + 1;
    else hi = mid;
  }
  const o = sorted[lo];
  return o && o.subnet.network <= prefixLast(p) ? o : undefined;
}

function insertSorted(sorted: Placed[], item: Placed): void {
  let i = sorted.length;
  while (i > 0 && sorted[i - 1]!.subnet.network > item.subnet.network) i--;
  sorted.splice(i, 0, item);
}

function hostOf(cidr: string): string {
  return cidr.slice(0, cidr.indexOf('/'));
}

/** Explicit link subnets must not reach into the loopback pool or overlap each other. */
function checkOverrides(links: readonly ResolvedLink[], family: IpFamily, pools: Pools, ctx: CompileContext): number[] {
  const flagged: number[] = [];
  const lo = pools.loopback[family];
  const given = links.filter((l) => l.subnetOverride[family]).map((l) => ({ link: l, subnet: l.subnetOverride[family] as IpPrefix }));
  for (const g of given) {
    if (lo && prefixesOverlap(lo, g.subnet)) {
      ctx.error('pool-overlap', `link subnet ${formatPrefix(g.subnet)} overlaps the loopback pool ${formatPrefix(lo)}`, [...g.link.path, family], { hint: 'pick a subnet outside the loopback pool' });
    }
  }
  given.sort((a, b) => (a.subnet.network < b.subnet.network ? -1 : a.subnet.network > b.subnet.network ? 1 : 0));
  for (let i = 1; i < given.length; i++) {
    const prev = given[i - 1]!;
    const cur = given[i]!;
    if (prefixesOverlap(prev.subnet, cur.subnet)) {
      const [first, second] = prev.link.index < cur.link.index ? [prev, cur] : [cur, prev];
      ctx.error('subnet-overlap', `link ${second.link.index + 1}'s subnet ${formatPrefix(second.subnet)} overlaps link ${first.link.index + 1}'s ${formatPrefix(first.subnet)}`, [...second.link.path, family], { hint: 'give each link its own subnet' });
      flagged.push(second.link.index);
    }
  }
  return flagged;
}

/**
 * An address given by hand may land on one assigned by the pools: find any address used twice.
 * Pool allocations never collide with each other (and step around explicit subnets), so the
 * check is needed only when the file gives addresses, which keeps large generated labs fast.
 */
function checkConflicts(nodes: readonly ResolvedNode[], links: readonly ResolvedLink[], loopbacks: Map<string, FamilyMap<string>>, linkAddrs: AddressAssignment['links'], ctx: CompileContext): void {
  const explicit = nodes.some((n) => n.loopbackOverride.ipv4 || n.loopbackOverride.ipv6) || links.some((l) => l.subnetOverride.ipv4 || l.subnetOverride.ipv6);
  if (!explicit) return;
  // Owner codes: -(node index + 1) for a loopback, link index * 65536 + endpoint for a link address.
  const owner = new Map<string, number>();
  const describe = (code: number) => (code < 0 ? `the loopback of node "${nodes[-code - 1]!.name}"` : `link ${Math.floor(code / 65536) + 1} (${links.find((l) => l.index === Math.floor(code / 65536))?.endpoints[code % 65536]?.node ?? '?'})`);
  for (const node of nodes) {
    for (const family of FAMILIES) {
      const a = loopbacks.get(node.name)?.[family];
      if (!a) continue;
      const host = hostOf(a);
      const prev = owner.get(host);
      if (prev !== undefined) ctx.error('address-conflict', `loopback ${host} of node "${node.name}" is already ${describe(prev)}`, node.loopbackOverride[family] ? [...node.path, 'loopback', family] : node.path, { hint: 'explicit loopbacks must differ from every other address in the lab' });
      else owner.set(host, -(node.index + 1));
    }
  }
  for (const link of links) {
    const entry = linkAddrs[link.index];
    if (!entry) continue;
    for (const family of FAMILIES) {
      if (!entry.subnet[family]) continue;
      entry.endpoints.forEach((eps, j) => {
        const a = eps[family];
        if (!a) return;
        const host = hostOf(a);
        const prev = owner.get(host);
        if (prev !== undefined) ctx.error('address-conflict', `address ${host} on link ${link.index + 1} is already used by ${describe(prev)}`, link.subnetOverride[family] ? [...link.path, family] : link.endpoints[j]!.path, { hint: 'pick a subnet that no other link or loopback uses' });
        else owner.set(host, link.index * 65536 + j);
      });
    }
  }
}
