/**
 * Lab → containerlab topology (`clab.yml`).
 *
 * Every flatlab node becomes a containerlab `linux` node running its kind's image (or a
 * `bridge` node for kind bridge); generated configs are bound read-only into the directory the
 * daemon expects; addresses, loopbacks and static routes are applied by `exec` after deploy
 * (containerlab runs exec commands once the links exist). Multi-access LANs become a host
 * bridge (containerlab `bridge` kind) with one veth per member, named from the lab so labs do
 * not collide; containerlab does not create host bridges, so the containerlab runtime creates
 * the ones listed in `lanBridges()` before deploying. VM kinds run their QEMU script inside a
 * linux container, which bridges each container interface to the VM's tap NIC.
 *
 * The output validates against containerlab's schema (schemas/vendor/containerlab) and is
 * deterministic: keys in a fixed order, nodes and links in lab order.
 */
import { getKind } from '../kinds/index.js';
import type { ContainerlabMapping } from '../kinds/kind.js';
import { effectiveConfig, expandArgv, type PlaceholderValues } from '../kinds/placeholders.js';
import type { Lab, LabLink, LabNode } from '../topology/lab.js';
import type { ConfigFile } from './config-file.js';
import { generatedHeader } from './header.js';
import { lanBridgeName, lanPortName } from './host-names.js';
import { shellJoin } from './shell-quote.js';
import { toYaml } from './yaml-text.js';
import { zerotierClabNodes, zerotierClabPatch } from './zerotier.js';

/** Where a VM node's QEMU script is bound inside its container (see flatracoon-os kind's cmd). */
export const containerQemuDir = '/flatlab/qemu';

export interface ClabNode {
  kind: string;
  image?: string;
  cmd?: string;
  binds?: string[];
  env?: Record<string, string>;
  exec?: string[];
  sysctls?: Record<string, string>;
  devices?: string[];
  'cap-add'?: string[];
  /** `container:<node>`: share another node's network namespace (kubo beside a ZeroTier member). */
  'network-mode'?: string;
  labels?: Record<string, string>;
}

export interface ClabTopology {
  name: string;
  mgmt?: Record<string, unknown>;
  topology: {
    nodes: Record<string, ClabNode>;
    /** Absent for a lab without links: containerlab's schema wants at least one when present. */
    links?: Array<{ endpoints: [string, string]; mtu?: number }>;
  };
}

/** The host bridges a lab's LANs need: one per multi-access link, with the host-side veth port of each endpoint. */
export function lanBridges(lab: Lab): Array<{ link: number; bridge: string; ports: string[] }> {
  return lab.links.filter((l) => l.type === 'lan').map((l) => {
    const bridge = lanBridgeName(lab.name, l.index);
    return { link: l.index, bridge, ports: l.endpoints.map((_, n) => lanPortName(bridge, n + 1)) };
  });
}

/** `configFiles` maps node name → the files its config writers produced (paths under configs/<node>/). */
export function containerlabTopology(lab: Lab, configFiles: ReadonlyMap<string, readonly ConfigFile[]>): ClabTopology {
  const nodes: Record<string, ClabNode> = {};
  for (const node of lab.nodes) nodes[node.name] = clabNode(lab, node, configFiles.get(node.name) ?? []);
  for (const { link, bridge } of lanBridges(lab)) {
    nodes[bridge] = { kind: 'bridge', labels: { 'flatlab.role': 'lan', 'flatlab.link': String(link) } };
  }
  Object.assign(nodes, zerotierClabNodes(lab));
  const links = lab.links.flatMap((link) => clabLinks(lab, link));
  const mgmt = containerlabExtras(lab).mgmt;
  return { name: lab.name, ...(mgmt ? { mgmt } : {}), topology: { nodes, ...(links.length ? { links } : {}) } };
}

export function containerlabYaml(lab: Lab, configFiles: ReadonlyMap<string, readonly ConfigFile[]>): string {
  return generatedHeader('#', lab) + toYaml(containerlabTopology(lab, configFiles));
}

/** Optional `lab: { containerlab: { mgmt: {…} } }` in the topology, passed through to clab.yml. */
function containerlabExtras(lab: Lab): { mgmt?: Record<string, unknown> } {
  const c = lab.extras.containerlab;
  if (typeof c !== 'object' || c === null) return {};
  const mgmt = (c as Record<string, unknown>).mgmt;
  return typeof mgmt === 'object' && mgmt !== null && !Array.isArray(mgmt) ? { mgmt: mgmt as Record<string, unknown> } : {};
}

function clabNode(lab: Lab, node: LabNode, files: readonly ConfigFile[]): ClabNode {
  const kind = getKind(node.kind);
  const labels = { 'flatlab.kind': kind.name, 'flatlab.role': node.role };
  if (kind.containerlab.kind === 'bridge') return { kind: 'bridge', labels };
  const c = kind.containerlab;
  const out: ClabNode = { kind: c.kind, image: node.image ?? c.image! };
  const configDir = c.configDir;
  const values: PlaceholderValues = { config: configDir ?? '/etc/flatlab', run: '/run/flatlab', lab: '/flatlab', node: node.name, nodeConfig: effectiveConfig(kind, node.config) };
  const main = c.cmd ? expandArgv(c.cmd, values) : undefined;
  const boot = bootLines(c, files, values);
  // `a & b` runs a in the background; `a &; b` would be a syntax error.
  if (boot.length) out.cmd = shellJoin(['sh', '-c', ['set -e', ...boot, `exec ${shellJoin(main ?? IDLE)}`].map((l, i, all) => (i === all.length - 1 ? l : l.endsWith('&') ? `${l} ` : `${l}; `)).join('')]);
  else if (main) out.cmd = shellJoin(main);
  const binds: string[] = [];
  if (configDir) for (const f of files) binds.push(`configs/${node.name}/${f.path}:${configDir}/${f.path}:ro`);
  const zt = kind.name === 'zerotier' && configDir ? zerotierClabPatch(lab, node, configDir) : { exec: [], binds: [] };
  binds.push(...zt.binds);
  if (kind.vm) binds.push(`qemu/${node.name}.sh:${containerQemuDir}/${node.name}.sh:ro`);
  if (binds.length) out.binds = binds;
  const env = { ...c.env, ...node.env, ...(kind.vm && configDir ? { FLATLAB_CONFIG: configDir } : {}) };
  if (Object.keys(env).length) out.env = sortedRecord(env);
  // A VM owns its addresses: the container only bridges frames to it.
  const exec = kind.vm ? [] : [...addressCommands(node), ...zt.exec];
  if (exec.length) out.exec = exec;
  if (!kind.vm && forwards(node)) out.sysctls = { 'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '1' };
  if (c.devices?.length) out.devices = [...c.devices];
  if (c.capAdd?.length) out['cap-add'] = [...c.capAdd];
  out.labels = labels;
  return out;
}

/** What a node with boot commands but no command of its own runs afterwards: flatlab's host image's default. */
const IDLE = ['sleep', 'infinity'];

/**
 * The kind's boot commands that apply to this node, as shell lines (services end in `&`): a
 * command naming a `{config}/…` path the writers did not produce (a file, or a directory
 * holding generated files) is left out, as the netns runtime leaves it out.
 */
function bootLines(c: ContainerlabMapping, files: readonly ConfigFile[], values: PlaceholderValues): string[] {
  if (!c.boot) return [];
  const generated = files.map((f) => `${values.config}/${f.path}`);
  const applies = (argv: readonly string[]) => argv.every((a) => !a.startsWith(`${values.config}/`) || generated.some((g) => g === a || g.startsWith(`${a}/`)));
  const expand = (argvs: readonly string[][]) => argvs.map((argv) => expandArgv(argv, values)).filter(applies);
  return [...expand(c.boot.setup).map(shellJoin), ...expand(c.boot.services).map((argv) => `${shellJoin(argv)} &`)];
}

/** Routers forward; a linux node forwards when it says so or is a router. */
export function forwards(node: LabNode): boolean {
  if (typeof node.config.forwarding === 'boolean') return node.config.forwarding;
  return node.role === 'router' || node.role === 'route-reflector';
}

/** `ip` commands giving a node its lab addresses and static routes (also used by the netns runtime). */
export function addressCommands(node: LabNode): string[] {
  const cmds: string[] = [];
  if (node.loopback.ipv4) cmds.push(`ip addr add ${hostCidr(node.loopback.ipv4, 32)} dev lo`);
  if (node.loopback.ipv6) cmds.push(`ip -6 addr add ${hostCidr(node.loopback.ipv6, 128)} dev lo`);
  for (const i of node.interfaces) {
    if (i.ipv4) cmds.push(`ip addr add ${i.ipv4} dev ${i.name}`);
    if (i.ipv6) cmds.push(`ip -6 addr add ${i.ipv6} dev ${i.name}`);
  }
  for (const r of node.routes) {
    const v6 = r.prefix.includes(':');
    cmds.push(`ip ${v6 ? '-6 ' : ''}route replace ${r.prefix} via ${r.via}${r.interface ? ` dev ${r.interface}` : ''}`);
  }
  return cmds;
}

function hostCidr(address: string, bits: number): string {
  return address.includes('/') ? address : `${address}/${bits}`;
}

function clabLinks(lab: Lab, link: LabLink): NonNullable<ClabTopology['topology']['links']> {
  const mtu = link.mtu === undefined ? {} : { mtu: link.mtu };
  if (link.type === 'p2p') {
    const [a, b] = link.endpoints;
    if (!a || !b) return [];
    return [{ endpoints: [`${a.node}:${a.interface}`, `${b.node}:${b.interface}`], ...mtu }];
  }
  const bridge = lanBridgeName(lab.name, link.index);
  return link.endpoints.map((ep, n) => ({ endpoints: [`${ep.node}:${ep.interface}`, `${bridge}:${lanPortName(bridge, n + 1)}`] as [string, string], ...mtu }));
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
