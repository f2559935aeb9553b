/**
 * SVG rendering of a lab graph, laid out by graph-layout.ts (no Graphviz needed): ASN clusters
 * as dashed boxes, nodes as rounded boxes coloured by kind with name and kind, LAN segments as
 * ellipses, links as lines labelled with their subnet in the middle and the interface names
 * near each end, and a legend of the kinds used.
 */
import type { Lab } from '../topology/lab.js';
import { kindColour, labGraph, type GraphEdge } from './graph-model.js';
import { layoutGraph, type Box, type Point } from './graph-layout.js';

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const n = (v: number) => String(Math.round(v * 10) / 10);
const LABEL_CHAR = 5.6;
export const MAX_LABELLED_EDGES = 150;

export function graphSvg(lab: Lab): string {
  const graph = labGraph(lab);
  const layout = layoutGraph(graph);
  const legendKinds = [...new Set(graph.vertices.map((v) => v.kind))];
  const legendHeight = 20 + 18 * legendKinds.length;
  const width = Math.max(layout.width, 320);
  const height = layout.height + legendHeight;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<title>${xmlEscape(`lab ${lab.name}`)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    '<g class="clusters">',
  ];
  for (const c of graph.clusters) {
    const b = layout.clusters.get(c.id)!;
    out.push(`<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="10" fill="#f6f6f6" stroke="#888888" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${n(b.x + 10)}" y="${n(b.y + 16)}" font-weight="bold" fill="#444444">${xmlEscape(c.label)}</text>`);
  }
  out.push('</g>', '<g class="links" stroke="#555555" stroke-width="1.4">');
  const labels: string[] = [];
  const parallel = parallelOffsets(graph.edges);
  const boxes = [...layout.vertices.values()];
  // Past this many links the labels cover each other and the drawing; leave them to dot/mermaid.
  const labelled = graph.edges.length <= MAX_LABELLED_EDGES;
  graph.edges.forEach((e, i) => {
    const a = layout.vertices.get(e.from)!;
    const b = layout.vertices.get(e.to)!;
    const [p, q] = shift(a, b, parallel[i]!);
    const others = labelled ? boxes.filter((box) => box !== a && box !== b) : [];
    const c = labelled ? detour(p, q, others) : undefined;
    if (c) out.push(`<path d="M ${n(p.x)} ${n(p.y)} Q ${n(c.x)} ${n(c.y)} ${n(q.x)} ${n(q.y)}" fill="none"/>`);
    else out.push(`<line x1="${n(p.x)}" y1="${n(p.y)}" x2="${n(q.x)}" y2="${n(q.y)}"/>`);
    if (!labelled) return;
    if (e.label) {
      const at = c ? bezier(p, c, q, 0.5) : clearSpot(p, q, e.label, boxes);
      labels.push(pill(at, e.label, '#ffffff', '#333333'));
    }
    if (e.fromLabel) labels.push(pill(along(p, c ?? q, a), e.fromLabel, '#fffbe6', '#7a5c00'));
    if (e.toLabel) labels.push(pill(along(q, c ?? p, b), e.toLabel, '#fffbe6', '#7a5c00'));
  });
  out.push('</g>', '<g class="nodes">');
  for (const v of graph.vertices) {
    const b = layout.vertices.get(v.id)!;
    const fill = kindColour(v.kind);
    if (v.kind === 'lan') out.push(`<ellipse cx="${n(b.x)}" cy="${n(b.y)}" rx="${n(b.width / 2)}" ry="${n(b.height / 2)}" fill="${fill}" stroke="#333333" stroke-dasharray="3 2"/>`);
    else out.push(`<rect x="${n(b.x - b.width / 2)}" y="${n(b.y - b.height / 2)}" width="${n(b.width)}" height="${n(b.height)}" rx="7" fill="${fill}" stroke="#333333"/>`);
    out.push(`<text x="${n(b.x)}" y="${n(b.y - 3)}" text-anchor="middle" font-weight="bold">${xmlEscape(v.label)}</text>`);
    out.push(`<text x="${n(b.x)}" y="${n(b.y + 12)}" text-anchor="middle" font-size="10" fill="#333333">${xmlEscape(v.detail)}</text>`);
  }
  out.push('</g>', '<g class="labels" font-size="9.5">', ...labels, '</g>');
  out.push('<g class="legend">');
  const ly = layout.height;
  out.push(`<text x="30" y="${n(ly + 4)}" font-weight="bold" fill="#444444">kinds</text>`);
  legendKinds.forEach((k, i) => {
    const y = ly + 14 + i * 18;
    out.push(`<rect x="30" y="${n(y)}" width="22" height="13" rx="3" fill="${kindColour(k)}" stroke="#333333"/>`);
    out.push(`<text x="60" y="${n(y + 11)}">${xmlEscape(k === 'lan' ? 'LAN segment' : k)}</text>`);
  });
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

/** Perpendicular offsets so several links between the same two nodes do not overlap. */
function parallelOffsets(edges: readonly GraphEdge[]): number[] {
  const key = (e: GraphEdge) => [e.from, e.to].sort().join('\u0000');
  const totals = new Map<string, number>();
  for (const e of edges) totals.set(key(e), (totals.get(key(e)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return edges.map((e) => {
    const k = key(e);
    const i = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    return (i - ((totals.get(k) ?? 1) - 1) / 2) * 16;
  });
}

function shift(a: Point, b: Point, offset: number): [Point, Point] {
  if (offset === 0) return [a, b];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ox = (-dy / len) * offset;
  const oy = (dx / len) * offset;
  return [
    { x: a.x + ox, y: a.y + oy },
    { x: b.x + ox, y: b.y + oy },
  ];
}

/** A point on the segment from p towards q just outside the box around p. */
function along(p: Point, q: Point, box: Box): Point {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const len = Math.hypot(dx, dy) || 1;
  // Distance from the centre to the box edge along this direction, plus a little room.
  const tx = dx === 0 ? Infinity : box.width / 2 / Math.abs(dx / len);
  const ty = dy === 0 ? Infinity : box.height / 2 / Math.abs(dy / len);
  const d = Math.min(Math.min(tx, ty) + 14, len * 0.4);
  return { x: p.x + (dx / len) * d, y: p.y + (dy / len) * d };
}

function bezier(p: Point, c: Point, q: Point, t: number): Point {
  const u = 1 - t;
  return { x: u * u * p.x + 2 * u * t * c.x + t * t * q.x, y: u * u * p.y + 2 * u * t * c.y + t * t * q.y };
}

function hitsBox(pt: Point, boxes: readonly Box[], margin: number): boolean {
  return boxes.some((b) => Math.abs(b.x - pt.x) < b.width / 2 + margin && Math.abs(b.y - pt.y) < b.height / 2 + margin);
}

/**
 * When the straight link p–q runs through another node, a control point for a quadratic curve
 * that bends around it (the smallest bend that clears every node); undefined when the straight
 * line is clear or no tried bend is.
 */
function detour(p: Point, q: Point, boxes: readonly Box[]): Point | undefined {
  const samples = 24;
  const clear = (c: Point | undefined) => {
    for (let k = 2; k < samples - 1; k++) {
      const t = k / samples;
      if (hitsBox(c ? bezier(p, c, q, t) : { x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t }, boxes, 6)) return false;
    }
    return true;
  };
  if (clear(undefined)) return undefined;
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const len = Math.hypot(dx, dy) || 1;
  const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
  for (const bend of [70, -70, 140, -140, 210, -210, 300, -300]) {
    const c = { x: mid.x + (-dy / len) * bend, y: mid.y + (dx / len) * bend };
    if (clear(c)) return c;
  }
  return undefined;
}

/** The point nearest the middle of p–q where a label of this text covers no vertex box. */
function clearSpot(p: Point, q: Point, text: string, boxes: readonly Box[]): Point {
  const w = text.length * LABEL_CHAR + 8;
  for (const t of [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74]) {
    const at = { x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t };
    if (!boxes.some((b) => Math.abs(b.x - at.x) < (b.width + w) / 2 && Math.abs(b.y - at.y) < (b.height + 13) / 2)) return at;
  }
  return { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
}

function pill(at: Point, text: string, fill: string, colour: string): string {
  const w = text.length * LABEL_CHAR + 8;
  return (
    `<rect x="${n(at.x - w / 2)}" y="${n(at.y - 7)}" width="${n(w)}" height="13" rx="3" fill="${fill}" fill-opacity="0.92"/>` +
    `<text x="${n(at.x)}" y="${n(at.y + 3.5)}" text-anchor="middle" fill="${colour}">${xmlEscape(text)}</text>`
  );
}
