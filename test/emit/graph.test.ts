import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import { renderGraph } from '../../src/emit/graph.js';
import { layoutGraph } from '../../src/emit/graph-layout.js';
import { labGraph } from '../../src/emit/graph-model.js';
import { graphSvg, xmlEscape } from '../../src/emit/graph-svg.js';
import { arbitraryLab, sampleLab } from '../fixtures/emit/sample-lab.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { kindCatalog } from '../../src/kinds/index.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { xmlProblems } from '../support/xml-well-formed.js';

describe('graph model', () => {
  it('clusters BGP nodes by ASN and turns LANs into segment vertices', () => {
    const g = labGraph(sampleLab());
    expect(g.clusters).toEqual([
      { id: 'as65001', label: 'AS65001', members: ['r1'] },
      { id: 'as65002', label: 'AS65002', members: ['r2', 'r3'] },
    ]);
    expect(g.vertices.find((v) => v.id === 'lan2')).toMatchObject({ kind: 'lan', detail: '10.0.1.0/29' });
    expect(g.edges.filter((e) => e.to === 'lan2').map((e) => `${e.from}:${e.fromLabel}`)).toEqual(['r2:eth3', 'r3:eth2', 'h1:eth1']);
    expect(g.edges[0]).toMatchObject({ from: 'r1', to: 'r2', fromLabel: 'eth1', toLabel: 'eth1', label: '10.0.0.0/31 fd00:1::/127' });
  });
});

describe('layout', () => {
  it('keeps cluster members inside their cluster box and cluster boxes apart', () => {
    const g = labGraph(sampleLab());
    const l = layoutGraph(g);
    for (const c of g.clusters) {
      const box = l.clusters.get(c.id)!;
      for (const m of c.members) {
        const v = l.vertices.get(m)!;
        expect(v.x - v.width / 2).toBeGreaterThanOrEqual(box.x);
        expect(v.x + v.width / 2).toBeLessThanOrEqual(box.x + box.width);
        expect(v.y - v.height / 2).toBeGreaterThanOrEqual(box.y);
        expect(v.y + v.height / 2).toBeLessThanOrEqual(box.y + box.height);
      }
    }
  });

  test.prop([arbitraryLab({ kinds: ['linux', 'bird', 'frr', 'bridge'] }).map(withAsns)], { numRuns: 60 })('never overlaps two node boxes and stays on the canvas', (lab) => {
    const l = layoutGraph(labGraph(lab));
    const boxes = lab.nodes.map((n) => l.vertices.get(n.name)!);
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i]!;
      expect(a.x - a.width / 2).toBeGreaterThanOrEqual(0);
      expect(a.y - a.height / 2).toBeGreaterThanOrEqual(0);
      expect(a.x + a.width / 2).toBeLessThanOrEqual(l.width);
      expect(a.y + a.height / 2).toBeLessThanOrEqual(l.height);
      for (let j = i + 1; j < boxes.length; j++) {
        const b = boxes[j]!;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart).toBe(true);
      }
    }
  });
});

describe('renderers', () => {
  it('escapes XML specials', () => {
    expect(xmlEscape(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('draws well-formed SVG with every node, cluster and interface label', () => {
    const svg = graphSvg(sampleLab());
    expect(xmlProblems(svg)).toEqual([]);
    for (const text of ['>r1<', '>vm1<', '>AS65002<', '>lan2<', '>10.0.0.2/31<', '>eth3<', '>flatracoon-os<']) expect(svg).toContain(text);
  });

  it('the well-formedness checker catches broken XML', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg a="1" a="2"/>')).not.toEqual([]);
    expect(xmlProblems('<svg>a & b</svg>')).not.toEqual([]);
  });

  test.prop([arbitraryLab()], { numRuns: 80 })('SVG is well-formed for random labs', (lab) => {
    expect(xmlProblems(graphSvg(lab))).toEqual([]);
  });

  it('writes DOT with ASN clusters and interface labels', () => {
    const dot = renderGraph(sampleLab(), 'dot');
    expect(dot).toContain('subgraph "cluster_as65002" {');
    expect(dot).toContain('"r1" -- "r2" [taillabel="eth1", headlabel="eth1", label="10.0.0.0/31 fd00:1::/127"];');
    expect(dot).toContain('"lan2" [label="lan2\\n10.0.1.0/29"');
  });

  it('writes Mermaid with subgraphs and numbered ids', () => {
    const m = renderGraph(sampleLab(), 'mermaid');
    expect(m).toContain('subgraph as65002["AS65002"]');
    expect(m).toContain('v0 ---|"eth1 – eth1<br/>10.0.0.0/31 fd00:1::/127"| v1');
  });

  it('is deterministic', () => {
    for (const f of ['dot', 'mermaid', 'svg'] as const) expect(renderGraph(sampleLab(), f)).toBe(renderGraph(sampleLab(), f));
  });
});

/** Give every non-bridge node of a random lab one of three ASNs, so layouts have clusters. */
function withAsns(lab: ReturnType<typeof sampleLab>): ReturnType<typeof sampleLab> {
  lab.nodes.forEach((n, i) => {
    if (n.kind !== 'bridge' && n.kind !== 'linux') n.bgp = { asn: 65000 + (i % 3), routerId: `10.255.0.${i}`, originate: [], import: [], export: [] };
  });
  return lab;
}


describe('large graphs', () => {
  it('drop link labels past MAX_LABELLED_EDGES but keep every link and node', async () => {
    const { MAX_LABELLED_EDGES } = await import('../../src/emit/graph-svg.js');
    const lab = sampleLab();
    const base = lab.links[1]!;
    for (let i = 0; i < MAX_LABELLED_EDGES; i++) lab.links.push({ ...base, index: lab.links.length });
    const svg = graphSvg(lab);
    expect(svg).not.toContain('>10.0.0.2/31<');
    expect(svg.match(/<line /g)?.length).toBe(labGraph(lab).edges.length);
    expect(graphSvg(sampleLab())).toContain('>10.0.0.2/31<');
  });
});

describe('links around nodes', () => {
  it('bends a link whose straight line would run through a third node', () => {
    // One node per AS puts t1, c1, c2 side by side in one row: t1–c2 would cross c1.
    const text = 'name: row\nnodes:\n  t1: { kind: bird, asn: 65000 }\n  c1: { kind: bird, asn: 65001 }\n  c2: { kind: bird, asn: 65002 }\nlinks:\n  - [t1, c1]\n  - [c1, c2]\n  - [t1, c2]\n';
    const { lab } = compileTopology(parseYamlSource(text, 'row.yml'), { kinds: kindCatalog });
    const svg = graphSvg(lab!);
    expect(svg.match(/<path d="M /g)?.length).toBe(1);
    expect(svg.match(/<line /g)?.length).toBe(2);
    expect(xmlProblems(svg)).toEqual([]);
  });
});
