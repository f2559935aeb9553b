/**
 * What the netns runtime will do to the host for a lab, as data: namespace names, `ip -batch`
 * lines for the root namespace and for each node, and the processes to start. Pure, so the
 * plan is unit-tested without root and `up` only executes it.
 *
 * Interfaces: a veth pair per point-to-point link, created directly inside both namespaces
 * with the lab's interface names (no temporary names in the root namespace, so two labs never
 * clash there). A multi-access link gets a namespace of its own holding a Linux bridge.
 */
import { getKind } from '../../kinds/index.js';
import { effectiveConfig, expandArgv } from '../../kinds/placeholders.js';
import type { Lab, LabLink, LabNode } from '../../topology/lab.js';
import { RuntimeError } from '../errors.js';

export interface PlannedProcess {
  node: string;
  /** Short name for logs: the program's base name (`bird`, `zebra`). */
  name: string;
  argv: string[];
  user?: string;
  env?: Record<string, string>;
  /** See NetnsProcess.readySocket. */
  readySocket?: string;
}

export interface NetnsPlan {
  /** Namespace per node, plus one per multi-access link. */
  namespaces: string[];
  nodeNamespace: Map<string, string>;
  /** `ip -batch` lines run in the root namespace (namespaces and veth pairs). */
  rootBatch: string[];
  /** `ip -n NS -batch` lines per namespace (addresses, links up, bridges, routes). */
  namespaceBatch: Map<string, string[]>;
  /** sysctl settings per namespace (`key=value`). */
  sysctls: Map<string, string[]>;
  /** Per node: commands to run first, daemons, commands after the daemons are up. */
  setup: Map<string, string[][]>;
  processes: Map<string, PlannedProcess[]>;
  postStart: Map<string, string[][]>;
  /** Directories the processes expect: the node's config dir and its private run dir. */
  dirs: { configOf(node: string): string; runOf(node: string): string };
}

export interface PlanOptions {
  /** Where the generated lab (configs/) is written for this run. */
  labDir: string;
  /** Per-run writable directory; each node gets `<runDir>/nodes/<node>`. */
  runDir: string;
}

/** `fl-<lab>-<node>`: the prefix lets `flatlab down` find leftovers of a crashed run. */
export function namespaceName(lab: string, node: string): string {
  return `fl-${lab}-${node}`;
}

export function labNamespacePrefix(lab: string): string {
  return `fl-${lab}-`;
}

const lanNamespace = (lab: string, link: LabLink) => `${labNamespacePrefix(lab)}lan${link.index}`;

export function planNetns(lab: Lab, opts: PlanOptions): NetnsPlan {
  const unsupported = lab.nodes.flatMap((n) => {
    const k = getKind(n.kind);
    return k.netns && 'unsupported' in k.netns ? [`${n.name} (${n.kind}): ${k.netns.unsupported}`] : [];
  });
  if (unsupported.length) {
    throw new RuntimeError('netns.unsupported-kind', `these nodes cannot run in the netns runtime: ${unsupported.join('; ')}`, { hint: 'use the sim or containerlab runtime for this lab' });
  }
  const nodeNamespace = new Map(lab.nodes.map((n) => [n.name, namespaceName(lab.name, n.name)]));
  const namespaces = [...nodeNamespace.values()];
  const rootBatch = namespaces.map((ns) => `netns add ${ns}`);
  const namespaceBatch = new Map<string, string[]>(namespaces.map((ns) => [ns, ['link set lo up']]));
  const sysctls = new Map<string, string[]>();
  const configOf = (node: string) => `${opts.labDir}/configs/${node}`;
  const runOf = (node: string) => `${opts.runDir}/nodes/${node}`;

  for (const link of lab.links) {
    const mtu = link.mtu ? ` mtu ${link.mtu}` : '';
    if (link.type === 'p2p') {
      const [a, b] = link.endpoints as [LabLink['endpoints'][0], LabLink['endpoints'][0]];
      rootBatch.push(`link add ${a.interface} netns ${nodeNamespace.get(a.node)}${mtu} type veth peer name ${b.interface} netns ${nodeNamespace.get(b.node)}${mtu}`);
    } else {
      const lan = lanNamespace(lab.name, link);
      namespaces.push(lan);
      rootBatch.push(`netns add ${lan}`);
      const lines = ['link set lo up', 'link add br0 type bridge', 'link set br0 up'];
      link.endpoints.forEach((e, i) => {
        rootBatch.push(`link add ${e.interface} netns ${nodeNamespace.get(e.node)}${mtu} type veth peer name p${i} netns ${lan}${mtu}`);
        lines.push(`link set p${i} master br0`, `link set p${i} up`);
      });
      namespaceBatch.set(lan, lines);
    }
  }

  const setup = new Map<string, string[][]>();
  const processes = new Map<string, PlannedProcess[]>();
  const postStart = new Map<string, string[][]>();
  for (const node of lab.nodes) {
    const ns = nodeNamespace.get(node.name)!;
    const lines = namespaceBatch.get(ns)!;
    // A VM owns its addresses and routes (its NICs are bridged to these interfaces): the namespace takes none.
    const vm = getKind(node.kind).vm;
    if (!vm) lines.push(...addressLines(node));
    if (getKind(node.kind).name === 'bridge') {
      lines.push('link add br0 type bridge', 'link set br0 up', ...node.interfaces.map((i) => `link set ${i.name} master br0`));
    }
    if (!vm) for (const r of node.routes) lines.push(`route replace ${r.prefix} via ${r.via}${r.interface ? ` dev ${r.interface}` : ''}`);
    // Keep IPv6 addresses across link-down, as IPv4 does: pulling a cable does not unconfigure a router.
    sysctls.set(ns, ['net.ipv6.conf.all.keep_addr_on_down=1', ...(node.role !== 'host' ? ['net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'] : [])]);
    const launch = getKind(node.kind).netns;
    if (!launch || 'unsupported' in launch) continue;
    const values = { config: configOf(node.name), run: runOf(node.name), lab: opts.labDir, node: node.name, netns: ns, nodeConfig: effectiveConfig(getKind(node.kind), node.config) };
    setup.set(node.name, launch.setup.map((argv) => expandArgv(argv, values)));
    postStart.set(node.name, launch.postStart.map((argv) => expandArgv(argv, values)));
    processes.set(node.name, launch.processes.map((p) => {
      const argv = expandArgv(p.argv, values);
      const env = p.env ? Object.fromEntries(Object.entries(p.env).map(([k, v]) => [k, expandArgv([v], values)[0]!])) : undefined;
      const readySocket = p.readySocket === undefined ? undefined : expandArgv([p.readySocket], values)[0]!;
      return { node: node.name, name: p.name ?? argv[0]!.split('/').pop()!, argv, ...(p.user ? { user: p.user } : {}), ...(env ? { env } : {}), ...(readySocket ? { readySocket } : {}) };
    }));
  }
  return { namespaces, nodeNamespace, rootBatch, namespaceBatch, sysctls, setup, processes, postStart, dirs: { configOf, runOf } };
}

function addressLines(node: LabNode): string[] {
  const lines: string[] = [];
  // nodad: IPv6 addresses are usable at once (duplicate address detection would hold them tentative for seconds).
  const add = (addr: string, dev: string) => lines.push(`address add ${addr} dev ${dev}${addr.includes(':') ? ' nodad' : ''}`);
  if (node.loopback.ipv4) add(node.loopback.ipv4, 'lo');
  if (node.loopback.ipv6) add(node.loopback.ipv6, 'lo');
  for (const i of node.interfaces) {
    if (i.ipv4) add(i.ipv4, i.name);
    if (i.ipv6) add(i.ipv6, i.name);
    lines.push(`link set ${i.name} up`);
  }
  return lines;
}
