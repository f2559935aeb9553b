/**
 * Phase "links" and "interfaces": parse link endpoints (`node` or `node:ifname`), check them
 * against the nodes, then name every interface: eth1..N in the node's link order unless the
 * file names it. Naming is positional, so appending a link never renames an existing one.
 */
import type { DataPath } from '../config/yaml-source.js';
import { didYouMean } from '../config/suggest.js';
import { parsePrefix, type IpFamily, type IpPrefix } from '../net/ip.js';
import type { CompileContext } from './context.js';
import { parseNetem } from './netem.js';
import { checkNetwork } from './nodes.js';
import type { ResolvedEndpoint, ResolvedLink, ResolvedNode } from './resolved.js';
import type { Topology } from './schema.js';

/** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no '/', ':' or whitespace. */
export const INTERFACE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
const RESERVED_INTERFACES = new Set(['lo', 'eth0']);

export function resolveLinks(topo: Topology, nodes: ReadonlyMap<string, ResolvedNode>, ctx: CompileContext): ResolvedLink[] {
  const out: ResolvedLink[] = [];
  const seen = new Map<string, number>();
  const nodeNames = [...nodes.keys()];
  (topo.links ?? []).forEach((raw, index) => {
    const path: DataPath = ['links', index];
    const spec = Array.isArray(raw) ? { endpoints: raw } : raw;
    const endpointsPath: DataPath = Array.isArray(raw) ? path : [...path, 'endpoints'];
    let usable = true;
    const endpoints: ResolvedEndpoint[] = [];
    const onLink = new Map<string, number>();
    spec.endpoints.forEach((text, j) => {
      const epPath = [...endpointsPath, j];
      const colon = text.indexOf(':');
      const node = colon < 0 ? text : text.slice(0, colon);
      const ifname = colon < 0 ? undefined : text.slice(colon + 1);
      if (!nodes.has(node)) {
        usable = false;
        ctx.error('unknown-node', `unknown node "${node}" in link ${index + 1}${didYouMean(node, nodeNames)}`, epPath, {
          hint: nodeNames.length > 0 && nodeNames.length <= 12 ? `nodes are: ${nodeNames.join(', ')}` : 'declare the node under "nodes:" first',
        });
      }
      if (ifname !== undefined && RESERVED_INTERFACES.has(ifname)) {
        usable = false;
        ctx.error('interface-name', `interface name "${ifname}" is reserved`, epPath, {
          hint: ifname === 'lo' ? 'lo is the loopback device' : 'eth0 is the management interface containerlab gives every node; lab links start at eth1',
        });
      } else if (ifname !== undefined && !INTERFACE_NAME.test(ifname)) {
        usable = false;
        ctx.error('interface-name', `"${text}" is not "node" or "node:interface"`, epPath, {
          hint: 'an interface name starts with a letter and has at most 15 letters, digits, "_", "." or "-" (e.g. r2:eth2)',
        });
      }
      const twice = onLink.get(node);
      if (twice !== undefined && nodes.has(node)) {
        usable = false;
        ctx.error('self-link', `link ${index + 1} connects node "${node}" to itself`, epPath, { hint: 'a link joins different nodes; remove this endpoint or name another node' });
      }
      onLink.set(node, j);
      endpoints.push({ node, ...(ifname !== undefined ? { explicitInterface: ifname } : {}), interface: '', path: epPath });
    });

    const key = [...spec.endpoints].sort().join(' ');
    const first = seen.get(key);
    if (first !== undefined && usable) {
      ctx.error('duplicate-link', `link ${index + 1} repeats link ${first + 1} (${spec.endpoints.join(' - ')})`, path, {
        hint: 'remove it; for parallel links between the same nodes, name the interfaces ("r1:eth5")',
      });
      usable = false;
    } else {
      seen.set(key, index);
    }

    const link: ResolvedLink = {
      index,
      path,
      endpoints,
      type: endpoints.length > 2 ? 'lan' : 'p2p',
      subnetOverride: {},
      usable,
    };
    if (!Array.isArray(raw)) {
      if (raw.netem) {
        const { netem, problems } = parseNetem(raw.netem);
        for (const p of problems) ctx.error('netem', p.message, [...path, 'netem', p.key], { hint: p.hint });
        link.netem = netem;
      }
      if (raw.mtu !== undefined) link.mtu = raw.mtu;
      for (const family of ['ipv4', 'ipv6'] as const) {
        const o = raw[family];
        if (o === undefined) continue;
        if (o === false) {
          link.subnetOverride[family] = false;
          continue;
        }
        const subnet = checkSubnet(o, family, endpoints.length, [...path, family], ctx);
        if (subnet) link.subnetOverride[family] = subnet;
      }
    }
    out.push(link);
  });
  return out;
}

function checkSubnet(text: string, family: IpFamily, hosts: number, path: DataPath, ctx: CompileContext): IpPrefix | undefined {
  if (checkNetwork(text, path, ctx, family) === undefined) return undefined;
  const r = parsePrefix(text);
  if (!r.ok) return undefined;
  const capacity = subnetHostCapacity(r.prefix);
  if (capacity < BigInt(hosts)) {
    ctx.error('subnet-too-small', `subnet ${text} has room for ${capacity} addresses but the link has ${hosts} endpoints`, path, { hint: 'use a shorter prefix length' });
    return undefined;
  }
  return r.prefix;
}

/**
 * Usable host addresses: every address on /31 (RFC 3021) and /127 (RFC 6164) point-to-point
 * links; otherwise all but the network address, and for IPv4 the broadcast address.
 */
export function subnetHostCapacity(p: IpPrefix): bigint {
  const bits = (p.family === 'ipv4' ? 32 : 128) - p.length;
  const size = 1n << BigInt(bits);
  if (bits <= 1) return size;
  return p.family === 'ipv4' ? size - 2n : size - 1n;
}

/** Name every interface and check that no node has one name twice. */
export function nameInterfaces(links: readonly ResolvedLink[], nodes: ReadonlyMap<string, ResolvedNode>, ctx: CompileContext): void {
  for (const link of links) {
    if (!link.usable) continue;
    link.endpoints.forEach((ep, endpoint) => {
      const node = nodes.get(ep.node)!;
      node.linkSlots.push({ link: link.index, endpoint });
      ep.interface = ep.explicitInterface ?? `eth${node.linkSlots.length}`;
    });
  }
  for (const node of nodes.values()) {
    if (node.role === 'switch' && node.linkSlots.length > 1) {
      ctx.warn('switch-links', `node "${node.name}" is a switch on ${node.linkSlots.length} point-to-point links: each link gets its own subnet, so the nodes behind it are not on one segment`, node.path, {
        key: true,
        hint: 'for one shared segment write a multi-access link instead, e.g. [h1, h2, h3] (the emitters create the bridge)',
      });
    }
    const used = new Map<string, ResolvedEndpoint>();
    for (const slot of node.linkSlots) {
      const ep = links[slot.link]!.endpoints[slot.endpoint]!;
      const other = used.get(ep.interface);
      if (other) {
        const auto = other.explicitInterface === undefined || ep.explicitInterface === undefined;
        ctx.error('duplicate-interface', `interface ${ep.interface} of node "${node.name}" is used by two links`, ep.path, {
          hint: auto
            ? `${ep.interface} is also the automatic name of ${node.name}'s link number ${ep.interface.slice(3)} (names go eth1..N in link order); name the other interface too, or pick an unused name`
            : 'give each link its own interface name',
        });
        continue;
      }
      used.set(ep.interface, ep);
    }
  }
}
