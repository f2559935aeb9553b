/** Resolving node and link names a scenario mentions against the lab, with did-you-mean. */
import { didYouMean } from '../config/suggest.js';
import type { Lab } from '../topology/lab.js';
import type { StepCheckContext } from './step.js';
import type { DataPath } from '../config/yaml-source.js';

export function checkNode(ctx: StepCheckContext, path: DataPath, node: string): void {
  if (!ctx.lab.nodes.some((n) => n.name === node)) {
    ctx.problem(path, `unknown node "${node}"${didYouMean(node, ctx.lab.nodes.map((n) => n.name))}`, `nodes in ${ctx.lab.name}: ${ctx.lab.nodes.map((n) => n.name).join(', ')}`);
  }
}

export type LinkResolution = { index: number } | { error: string; hint: string };

/**
 * `r1:r2` names the link between two nodes; `r1:eth1` the link on that interface. A pair of
 * nodes joined by several links must be named by interface.
 */
export function resolveLink(lab: Lab, ref: string): LinkResolution {
  const m = /^([^:\s]+):([^:\s]+)$/.exec(ref.trim());
  if (!m) return { error: `"${ref}" is not a link reference`, hint: 'write NODE:NODE (the link between them) or NODE:INTERFACE' };
  const [, a, b] = m as unknown as [string, string, string];
  const node = lab.nodes.find((n) => n.name === a);
  if (!node) return { error: `unknown node "${a}" in link "${ref}"${didYouMean(a, lab.nodes.map((n) => n.name))}`, hint: `nodes: ${lab.nodes.map((n) => n.name).join(', ')}` };
  if (lab.nodes.some((n) => n.name === b)) {
    const links = lab.links.filter((l) => l.endpoints.some((e) => e.node === a) && l.endpoints.some((e) => e.node === b));
    if (links.length === 1) return { index: links[0]!.index };
    if (links.length === 0) return { error: `no link between "${a}" and "${b}"`, hint: `links of ${a}: ${linksOf(lab, a)}` };
    return { error: `"${a}" and "${b}" are joined by ${links.length} links`, hint: `name one by interface: ${links.map((l) => `${a}:${l.endpoints.find((e) => e.node === a)!.interface}`).join(', ')}` };
  }
  const iface = node.interfaces.find((i) => i.name === b);
  if (iface) return { index: iface.link };
  return { error: `"${b}" is neither a node nor an interface of "${a}"${didYouMean(b, [...lab.nodes.map((n) => n.name).filter((n) => n !== a), ...node.interfaces.map((i) => i.name)])}`, hint: `links of ${a}: ${linksOf(lab, a)}` };
}

function linksOf(lab: Lab, node: string): string {
  const n = lab.nodes.find((x) => x.name === node);
  if (!n || n.interfaces.length === 0) return '(none)';
  return n.interfaces.map((i) => `${node}:${i.name} → ${i.peers.map((p) => p.node).join(',')}`).join('; ');
}

export function checkLink(ctx: StepCheckContext, path: DataPath, ref: string): void {
  const r = resolveLink(ctx.lab, ref);
  if ('error' in r) ctx.problem(path, r.error, r.hint);
}

export function linkIndex(lab: Lab, ref: string): number {
  const r = resolveLink(lab, ref);
  if ('error' in r) throw new Error(`unresolved link ${ref}: ${r.error}`);
  return r.index;
}
