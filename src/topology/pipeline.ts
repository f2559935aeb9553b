/**
 * The topology pipeline, phases in order:
 *
 *   parse (YAML with positions) → schema (shape) → defaults (nodes) → links → interfaces
 *   → policies → bgp checks → addressing → sessions → routes (loopbacks, the file's, host
 *   default gateways) → Lab
 *
 * Every phase up to addressing runs even when an earlier one found errors (skipping only the
 * broken items), so one run reports every mistake in the file. Sessions and routes need a
 * sound model and run only when nothing is wrong. Pure: `compileTopology` does no I/O.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../config/diagnostics.js';
import { loadYamlFile } from '../config/load-yaml-file.js';
import { schemaDiagnostics } from '../config/schema-diagnostics.js';
import type { YamlSource } from '../config/yaml-source.js';
import type { Policy } from '../bgp/policy/model.js';
import { formatPrefix } from '../net/ip.js';
import { assignAddresses, type AddressAssignment } from './addressing.js';
import { CompileContext } from './context.js';
import type { KindCatalog } from './kind-catalog.js';
import type { Lab, LabInterface, LabLink, LabNode } from './lab.js';
import { nameInterfaces, resolveLinks } from './links.js';
import { BrokenPaths, repairData } from './partial.js';
import { resolveNodes } from './nodes.js';
import { checkPolicies } from './policies.js';
import type { ResolvedLink, ResolvedNode } from './resolved.js';
import { hostDefaultRoutes, loopbackRoutes, userRoutes } from './routes.js';
import { topologySchema, type Topology } from './schema.js';
import { checkBgp, deriveSessions, nodeBgpIntent } from './sessions.js';

export type { KindCatalog, KindInfo } from './kind-catalog.js';

export interface CompileOptions {
  kinds: KindCatalog;
}

export interface CompileResult {
  /** Present only when there are no error diagnostics. */
  lab?: Lab;
  /** Sorted by position; warnings included. */
  diagnostics: Diagnostic[];
}

const BUILTIN_POLICY_BODIES: Record<string, Policy> = {
  all: [{ action: 'accept' }],
  none: [{ action: 'reject' }],
};

export function compileTopology(source: YamlSource, opts: CompileOptions): CompileResult {
  const diagnostics = [...source.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
  if (source.data === undefined || source.data === null) {
    diagnostics.push({ code: 'topology.empty', severity: 'error', message: 'the topology file is empty', position: { file: source.file, line: 1, col: 1 }, hint: 'start with "name: <lab>" and a "nodes:" map' });
    return { diagnostics };
  }
  const broken = new BrokenPaths();
  const topo = parseShape(source, diagnostics, broken);
  if (!topo) return { diagnostics: sortDiagnostics(diagnostics) };

  const ctx = new CompileContext(source, opts.kinds, broken);
  const lab = buildLab(topo, ctx);
  diagnostics.push(...ctx.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  return hasErrors(sorted) || !lab ? { diagnostics: sorted } : { lab, diagnostics: sorted };
}

/**
 * Check the shape; on errors, report them and go on with a repaired copy so the semantic
 * checks still run on everything the schema accepted (partial.ts).
 */
function parseShape(source: YamlSource, diagnostics: Diagnostic[], broken: BrokenPaths): Topology | undefined {
  let result = topologySchema.safeParse(source.data);
  if (result.success) return result.data;
  // One shape error per value: a union reports each branch's complaint, and the first is the one a reader needs.
  const said = new Set<string>();
  for (const d of schemaDiagnostics(result.error.issues, source, 'topology', topologySchema)) {
    if (d.key !== undefined && said.has(d.key)) continue;
    if (d.key !== undefined) said.add(d.key);
    diagnostics.push(d.hint ? d : { ...d, hint: referenceHint(d.key) });
  }
  let data: unknown = source.data;
  for (let attempt = 0; attempt < 4 && !result.success; attempt++) {
    data = repairData(data, result.error.issues, broken);
    if (data === undefined) return undefined;
    result = topologySchema.safeParse(data);
  }
  return result.success ? result.data : undefined;
}

function referenceHint(key: string | undefined): string {
  const section = key?.match(/^[a-z$-]+/)?.[0];
  return section ? `see "${section}" in docs/topology.md` : 'see docs/topology.md';
}

export async function compileTopologyFile(file: string, opts: CompileOptions): Promise<CompileResult> {
  return compileTopology(await loadYamlFile(file), opts);
}

function buildLab(topo: Topology, ctx: CompileContext): Lab | undefined {
  const nodes = resolveNodes(topo, ctx);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const links = resolveLinks(topo, byName, ctx);
  nameInterfaces(links, byName, ctx);
  const referenced = checkPolicies(topo, ctx);
  checkBgp(topo, byName, links, ctx);
  const addrs = assignAddresses(topo, nodes, links, ctx);
  const staticRoutes = userRoutes(byName, links, addrs, ctx);
  if (ctx.errorCount() > 0) return undefined;

  const bgp = nodeBgpIntent(nodes, addrs, ctx);
  const sessions = deriveSessions({ topo, nodes: byName, links, addrs, ctx });
  const routes = loopbackRoutes(nodes, links, addrs, sessions, ctx);
  const gateways = hostDefaultRoutes(byName, links, addrs, staticRoutes);
  if (ctx.errorCount() > 0) return undefined;

  const policies: Record<string, Policy> = { ...(topo.policies ?? {}) };
  for (const name of Object.keys(BUILTIN_POLICY_BODIES)) if (referenced.has(name)) policies[name] = BUILTIN_POLICY_BODIES[name]!;

  return {
    name: topo.name,
    sourceFile: ctx.source.file,
    nodes: nodes.map((n) => labNode(n, links, addrs, bgp.get(n.name), [...(routes.get(n.name) ?? []), ...(staticRoutes.get(n.name) ?? []), ...(gateways.get(n.name) ?? [])])),
    links: links.map((l) => labLink(l, addrs)),
    sessions,
    policies,
    addressing: addrs.plan,
    extras: topo.lab ?? {},
  };
}

function labNode(n: ResolvedNode, links: readonly ResolvedLink[], addrs: AddressAssignment, bgp: LabNode['bgp'], routes: LabNode['routes']): LabNode {
  const interfaces: LabInterface[] = n.linkSlots.map((slot) => {
    const link = links[slot.link]!;
    const a = addrs.links[link.index]?.endpoints[slot.endpoint] ?? {};
    return {
      name: link.endpoints[slot.endpoint]!.interface,
      link: link.index,
      ...(a.ipv4 ? { ipv4: a.ipv4 } : {}),
      ...(a.ipv6 ? { ipv6: a.ipv6 } : {}),
      peers: link.endpoints.filter((_, j) => j !== slot.endpoint).map((e) => ({ node: e.node, interface: e.interface })),
    };
  });
  return {
    name: n.name,
    kind: n.kindName,
    role: n.role,
    ...(n.image ? { image: n.image } : {}),
    loopback: { ...(addrs.loopbacks.get(n.name) ?? {}) },
    interfaces,
    ...(bgp ? { bgp } : {}),
    routes,
    config: n.config,
    env: n.env,
  };
}

function labLink(l: ResolvedLink, addrs: AddressAssignment): LabLink {
  const a = addrs.links[l.index]!;
  const subnet: LabLink['subnet'] = {};
  for (const f of ['ipv4', 'ipv6'] as const) {
    const s = a.subnet[f];
    if (s) subnet[f] = formatPrefix(s);
  }
  return {
    index: l.index,
    endpoints: l.endpoints.map((e, j) => ({
      node: e.node,
      interface: e.interface,
      ...(a.endpoints[j]?.ipv4 ? { ipv4: a.endpoints[j]!.ipv4 } : {}),
      ...(a.endpoints[j]?.ipv6 ? { ipv6: a.endpoints[j]!.ipv6 } : {}),
    })),
    type: l.type,
    subnet,
    ...(l.netem && Object.keys(l.netem).length > 0 ? { netem: l.netem } : {}),
    ...(l.mtu !== undefined ? { mtu: l.mtu } : {}),
  };
}
