/**
 * A deterministic layout for lab graphs, with no Graphviz: each ASN cluster is laid out on its
 * own (nodes on a circle, so no link passes through a node; a grid for big clusters), nodes
 * outside any AS form one more (unboxed) circle; the groups are ordered by a breadth-first walk over the links between them (so
 * neighbours end up side by side) and packed left to right in rows; a LAN segment sits at the
 * centre of its members. Same graph in, same coordinates out.
 */
import type { GraphVertex, LabGraph } from './graph-model.js';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  /** Centre and size of each vertex. */
  vertices: Map<string, Box>;
  /** Cluster boxes (top-left origin), with room for a title. */
  clusters: Map<string, Box>;
}

const CHAR_WIDTH = 7;
const NODE_HEIGHT = 38;
const NODE_GAP = 150;
const CLUSTER_PAD = 24;
const CLUSTER_TITLE = 22;
const GROUP_GAP = 110;
const MARGIN = 30;
const CIRCLE_LIMIT = 16;

export function vertexSize(v: GraphVertex): { width: number; height: number } {
  const chars = Math.max(v.label.length, v.detail.length * 0.85);
  return { width: Math.max(80, Math.ceil(chars * CHAR_WIDTH) + 24), height: NODE_HEIGHT };
}

interface Group {
  cluster?: string;
  members: string[];
  /** Member centres relative to the group box's top-left corner. */
  offsets: Map<string, Point>;
  width: number;
  height: number;
}

function layoutGroup(members: string[], sizes: Map<string, { width: number; height: number }>, cluster: string | undefined): Group {
  const offsets = new Map<string, Point>();
  const widest = Math.max(...members.map((m) => sizes.get(m)!.width));
  const pad = cluster ? CLUSTER_PAD : 0;
  const title = cluster ? CLUSTER_TITLE : 0;
  if (members.length <= CIRCLE_LIMIT) {
    // Circle whose chord between neighbours clears the widest node.
    const n = members.length;
    const r = n === 1 ? 0 : n === 2 ? (widest + NODE_GAP) / 2 : (widest + NODE_GAP) / (2 * Math.sin(Math.PI / n));
    // Two nodes sit side by side: the circle flattens to a line.
    const ry = n === 2 ? 0 : r;
    const cx = pad + widest / 2 + r;
    const cy = title + pad + NODE_HEIGHT / 2 + ry;
    members.forEach((m, i) => {
      // Start at the left (π) so two-node clusters lie horizontally.
      const a = Math.PI + (2 * Math.PI * i) / n;
      offsets.set(m, { x: cx + r * Math.cos(a), y: cy + ry * Math.sin(a) });
    });
    return { ...(cluster ? { cluster } : {}), members, offsets, width: 2 * pad + widest + 2 * r, height: title + 2 * pad + NODE_HEIGHT + 2 * ry };
  }
  const cols = Math.ceil(Math.sqrt(members.length));
  const rows = Math.ceil(members.length / cols);
  const cellW = widest + NODE_GAP;
  const cellH = NODE_HEIGHT + NODE_GAP;
  members.forEach((m, i) => {
    const col = i % cols;
    const row = Math.floor(i / cols);
    // Odd rows shift half a cell so grid links rarely run through a node.
    offsets.set(m, { x: pad + cellW / 2 + col * cellW + (row % 2 ? cellW / 4 : 0), y: title + pad + cellH / 2 + row * cellH });
  });
  return { ...(cluster ? { cluster } : {}), members, offsets, width: 2 * pad + cols * cellW + cellW / 4, height: title + 2 * pad + rows * cellH };
}

/** Groups in breadth-first order over the links between them, starting from the first. */
function orderGroups(groups: Group[], graph: LabGraph): Group[] {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.members.forEach((m) => groupOf.set(m, i)));
  // A LAN joins all its members' groups to each other.
  const lanMembers = new Map<string, string[]>();
  for (const e of graph.edges) if (!groupOf.has(e.to)) lanMembers.set(e.to, [...(lanMembers.get(e.to) ?? []), e.from]);
  const adj: number[][] = groups.map(() => []);
  const join = (a: number | undefined, b: number | undefined) => {
    if (a === undefined || b === undefined || a === b) return;
    adj[a]!.push(b);
    adj[b]!.push(a);
  };
  for (const e of graph.edges) join(groupOf.get(e.from), groupOf.get(e.to));
  for (const members of lanMembers.values()) for (const m of members.slice(1)) join(groupOf.get(members[0]!), groupOf.get(m));
  const seen = new Set<number>();
  const order: Group[] = [];
  for (let start = 0; start < groups.length; start++) {
    if (seen.has(start)) continue;
    seen.add(start);
    const queue = [start];
    for (let qi = 0; qi < queue.length; qi++) {
      const g = queue[qi]!;
      order.push(groups[g]!);
      for (const n of [...new Set(adj[g])].sort((a, b) => a - b)) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
  }
  return order;
}

export function layoutGraph(graph: LabGraph): Layout {
  const sizes = new Map(graph.vertices.map((v) => [v.id, vertexSize(v)]));
  const groups: Group[] = [];
  const clustered = new Set<string>();
  for (const c of graph.clusters) {
    groups.push(layoutGroup(c.members, sizes, c.id));
    c.members.forEach((m) => clustered.add(m));
  }
  const lans = graph.vertices.filter((v) => v.kind === 'lan');
  // Nodes outside any AS share one unboxed circle: on a circle no link between them runs through a third node.
  const loose = graph.vertices.filter((v) => v.kind !== 'lan' && !clustered.has(v.id)).map((v) => v.id);
  if (loose.length) groups.push(layoutGroup(loose, sizes, undefined));
  const ordered = orderGroups(groups, graph);

  const area = ordered.reduce((s, g) => s + (g.width + GROUP_GAP) * (g.height + GROUP_GAP), 0);
  const rowLimit = Math.max(900, Math.sqrt(area) * 1.4);
  const vertices = new Map<string, Box>();
  const clusters = new Map<string, Box>();
  let x = MARGIN;
  let y = MARGIN;
  let rowHeight = 0;
  let width = 0;
  for (const g of ordered) {
    if (x > MARGIN && x + g.width > rowLimit) {
      x = MARGIN;
      y += rowHeight + GROUP_GAP;
      rowHeight = 0;
    }
    for (const m of g.members) {
      const o = g.offsets.get(m)!;
      const s = sizes.get(m)!;
      vertices.set(m, { x: round(x + o.x), y: round(y + o.y), width: s.width, height: s.height });
    }
    if (g.cluster) clusters.set(g.cluster, { x: round(x), y: round(y), width: round(g.width), height: round(g.height) });
    x += g.width + GROUP_GAP;
    rowHeight = Math.max(rowHeight, g.height);
    width = Math.max(width, x);
  }
  let height = y + rowHeight + MARGIN;

  // LAN segments: at the centroid of their members, nudged down when that lands on a member.
  for (const lan of lans) {
    const members = graph.edges.filter((e) => e.to === lan.id).map((e) => vertices.get(e.from)!).filter(Boolean);
    const s = sizes.get(lan.id)!;
    let cx = members.reduce((a, b) => a + b.x, 0) / Math.max(1, members.length);
    let cy = members.reduce((a, b) => a + b.y, 0) / Math.max(1, members.length);
    for (let tries = 0; tries < 8 && [...vertices.values()].some((b) => Math.abs(b.x - cx) < (b.width + s.width) / 2 && Math.abs(b.y - cy) < (b.height + s.height) / 2 + 4); tries++) cy += NODE_HEIGHT;
    if (!members.length) {
      cx = MARGIN + s.width / 2;
      cy = height;
      height += NODE_HEIGHT + GROUP_GAP;
    }
    vertices.set(lan.id, { x: round(cx), y: round(cy), width: s.width, height: s.height });
    height = Math.max(height, cy + s.height / 2 + MARGIN);
    width = Math.max(width, cx + s.width / 2 + MARGIN);
  }
  return { width: Math.ceil(width), height: Math.ceil(height), vertices, clusters };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
