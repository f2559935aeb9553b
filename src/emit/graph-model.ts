/**
 * The lab as a drawable graph, shared by the dot, mermaid and svg renderers: nodes grouped
 * into clusters by ASN (nodes without BGP stand alone), point-to-point links as edges, and
 * each multi-access LAN as a small segment vertex joined to its members.
 */
import type { Lab, LabLink } from '../topology/lab.js';

export interface GraphVertex {
  id: string;
  /** Node name, or `lanN` for a LAN segment. */
  label: string;
  kind: string | 'lan';
  /** Second line: the kind for nodes, the subnet(s) for a LAN. */
  detail: string;
  cluster?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Interface name at each end (a LAN vertex has none). */
  fromLabel?: string;
  toLabel?: string;
  /** Subnet(s) of a point-to-point link. */
  label?: string;
  link: number;
}

export interface GraphCluster {
  id: string;
  label: string;
  members: string[];
}

export interface LabGraph {
  name: string;
  vertices: GraphVertex[];
  edges: GraphEdge[];
  clusters: GraphCluster[];
}

export const lanVertexId = (link: LabLink): string => `lan${link.index}`;

export function subnetText(link: LabLink): string {
  return [link.subnet.ipv4, link.subnet.ipv6].filter((s): s is string => s !== undefined).join(' ');
}

export function labGraph(lab: Lab): LabGraph {
  const clusters = new Map<string, GraphCluster>();
  const vertices: GraphVertex[] = [];
  for (const node of lab.nodes) {
    const v: GraphVertex = { id: node.name, label: node.name, kind: node.kind, detail: node.kind };
    if (node.bgp) {
      const id = `as${node.bgp.asn}`;
      let c = clusters.get(id);
      if (!c) clusters.set(id, (c = { id, label: `AS${node.bgp.asn}`, members: [] }));
      c.members.push(node.name);
      v.cluster = id;
    }
    vertices.push(v);
  }
  const edges: GraphEdge[] = [];
  for (const link of lab.links) {
    if (link.type === 'p2p') {
      const [a, b] = link.endpoints;
      if (!a || !b) continue;
      const label = subnetText(link);
      edges.push({ from: a.node, to: b.node, fromLabel: a.interface, toLabel: b.interface, ...(label ? { label } : {}), link: link.index });
      continue;
    }
    const id = lanVertexId(link);
    vertices.push({ id, label: id, kind: 'lan', detail: subnetText(link) });
    for (const ep of link.endpoints) edges.push({ from: ep.node, to: id, fromLabel: ep.interface, link: link.index });
  }
  return { name: lab.name, vertices, edges, clusters: [...clusters.values()] };
}

/** Fill colours by kind, light enough for black text. */
export const kindColours: Record<string, string> = {
  linux: '#9ecae1',
  bridge: '#d9d9d9',
  bird: '#fdae6b',
  frr: '#a1d99b',
  gobgp: '#bcbddc',
  exabgp: '#fdd0a2',
  'flatlab-bgpd': '#fc9272',
  'flatlab-hesiod': '#c7e9c0',
  'flatlab-dns64': '#c6dbef',
  tayga: '#fee391',
  zerotier: '#dadaeb',
  'flatracoon-os': '#f4b6d2',
  lan: '#ffffff',
};

export function kindColour(kind: string): string {
  return kindColours[kind] ?? '#eeeeee';
}
