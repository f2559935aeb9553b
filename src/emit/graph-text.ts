/** Graphviz DOT and Mermaid renderings of a lab graph (text formats; the tools lay them out). */
import type { Lab } from '../topology/lab.js';
import { kindColour, labGraph, type GraphVertex } from './graph-model.js';
import { generatedHeader } from './header.js';

/** DOT double-quoted string: backslash and quote escaped; `\n` is DOT's centred line break. */
function dq(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function dotVertex(v: GraphVertex, indent: string): string {
  const label = `${dq(v.label).slice(0, -1)}\\n${dq(v.detail).slice(1)}`;
  const shape = v.kind === 'lan' ? ', shape=ellipse, style=filled' : '';
  return `${indent}${dq(v.id)} [label=${label}, fillcolor=${dq(kindColour(v.kind))}${shape}];`;
}

export function graphDot(lab: Lab): string {
  const g = labGraph(lab);
  const lines = [
    generatedHeader('//', lab).trimEnd(),
    `graph ${dq(g.name)} {`,
    `  graph [label=${dq(`lab ${g.name}`)}, labelloc=t, fontname="sans-serif", rankdir=LR];`,
    '  node [shape=box, style="rounded,filled", fontname="sans-serif"];',
    '  edge [fontname="sans-serif", fontsize=9];',
  ];
  for (const c of g.clusters) {
    lines.push(`  subgraph ${dq(`cluster_${c.id}`)} {`, `    label=${dq(c.label)};`, '    style=dashed;');
    for (const id of c.members) lines.push(dotVertex(g.vertices.find((v) => v.id === id)!, '    '));
    lines.push('  }');
  }
  for (const v of g.vertices) if (!v.cluster) lines.push(dotVertex(v, '  '));
  for (const e of g.edges) {
    const attrs = [
      e.fromLabel ? `taillabel=${dq(e.fromLabel)}` : '',
      e.toLabel ? `headlabel=${dq(e.toLabel)}` : '',
      e.label ? `label=${dq(e.label)}` : '',
    ].filter(Boolean);
    lines.push(`  ${dq(e.from)} -- ${dq(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** Mermaid label text: quotes become entities, lines break with <br/>. */
function ml(text: string): string {
  return text.replace(/"/g, '#quot;');
}

export function graphMermaid(lab: Lab): string {
  const g = labGraph(lab);
  // Mermaid ids must be plain words; node names may contain '-' and '.', so number them.
  const ids = new Map(g.vertices.map((v, i) => [v.id, `v${i}`]));
  const id = (name: string) => ids.get(name)!;
  const vertex = (v: GraphVertex) => (v.kind === 'lan' ? `${id(v.id)}(("${ml(v.label)}<br/>${ml(v.detail)}"))` : `${id(v.id)}["${ml(v.label)}<br/><small>${ml(v.detail)}</small>"]`);
  const lines = [generatedHeader('%%', lab).trimEnd(), 'graph LR'];
  for (const c of g.clusters) {
    lines.push(`  subgraph ${c.id}["${ml(c.label)}"]`);
    for (const m of c.members) lines.push(`    ${vertex(g.vertices.find((v) => v.id === m)!)}`);
    lines.push('  end');
  }
  for (const v of g.vertices) if (!v.cluster) lines.push(`  ${vertex(v)}`);
  for (const e of g.edges) {
    const label = [[e.fromLabel, e.toLabel].filter(Boolean).join(' – '), e.label].filter(Boolean).map((s) => ml(s!)).join('<br/>');
    lines.push(`  ${id(e.from)} ---${label ? `|"${label}"|` : ''} ${id(e.to)}`);
  }
  const kinds = [...new Set(g.vertices.map((v) => v.kind))];
  for (const k of kinds) {
    const cls = `k_${k.replace(/[^a-zA-Z0-9]/g, '_')}`;
    lines.push(`  classDef ${cls} fill:${kindColour(k)},stroke:#333,color:#000`);
    lines.push(`  class ${g.vertices.filter((v) => v.kind === k).map((v) => id(v.id)).join(',')} ${cls}`);
  }
  lines.push('');
  return lines.join('\n');
}
