import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ClabernetesEmitError, CLABERNETES_API_VERSION, clabernetesResources, clabernetesYaml, configMapKey, dnsLabel } from '../../src/emit/clabernetes.js';
import { labFiles } from '../../src/emit/lab-files.js';
import { kindCatalog } from '../../src/kinds/index.js';
import { compileTopologyFile } from '../../src/topology/pipeline.js';
import type { Lab } from '../../src/topology/lab.js';
import { sampleLab } from '../fixtures/emit/sample-lab.js';
import { clabSchemaErrors } from '../support/clab-schema.js';

async function backbone(): Promise<Lab> {
  const r = await compileTopologyFile(new URL('../../topologies/bgp-backbone.yml', import.meta.url).pathname, { kinds: kindCatalog });
  if (!r.lab) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.lab;
}

interface Mount { filePath: string; configMapName: string; configMapPath: string; mode: string }

describe('Clabernetes output', () => {
  it('is a Topology holding the lab\'s clab.yml, with each bound file mounted from its node\'s ConfigMap', async () => {
    const lab = await backbone();
    const files = labFiles(lab);
    const docs = parseAllDocuments(clabernetesYaml(lab, files)).map((d) => d.toJS() as Record<string, any>);
    const topology = docs.find((d) => d.kind === 'Topology')!;
    expect(topology).toMatchObject({ apiVersion: CLABERNETES_API_VERSION, kind: 'Topology', metadata: { name: 'bgp-backbone' } });
    const clabText = topology.spec.definition.containerlab as string;
    expect(clabText).toBe(files.find((f) => f.path === 'clab.yml')!.content);
    const clab = parse(clabText) as { topology: { nodes: Record<string, { binds?: string[] }> } };
    expect(clabSchemaErrors(clab)).toEqual([]);

    const configMaps = new Map(docs.filter((d) => d.kind === 'ConfigMap').map((d) => [d.metadata.name as string, d.data as Record<string, string>]));
    const mounts = topology.spec.deployment.filesFromConfigMap as Record<string, Mount[]>;
    let checked = 0;
    for (const [node, spec] of Object.entries(clab.topology.nodes)) {
      for (const bind of spec.binds ?? []) {
        const source = bind.split(':')[0]!;
        const m = mounts[node]?.find((x) => x.filePath === source);
        expect(m, `${node}: ${source}`).toBeDefined();
        expect(configMaps.get(m!.configMapName)?.[m!.configMapPath]).toBe(files.find((f) => f.path === source)!.content);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('keeps scripts executable (mode execute) and plain configs read-only', () => {
    const lab: Lab = { ...sampleLab(), links: sampleLab().links.filter((l) => l.type === 'p2p') };
    const files = [
      { path: 'clab.yml', content: 'name: x\n', mode: 0o644 },
      { path: 'configs/r1/bird.conf', content: 'router id 1.1.1.1;\n', mode: 0o644 },
      { path: 'configs/r1/sub/start.sh', content: '#!/bin/sh\n', mode: 0o755 },
    ];
    const [cm, topo] = clabernetesResources(lab, files) as [Record<string, any>, Record<string, any>];
    expect(cm.data).toEqual({ 'bird.conf': 'router id 1.1.1.1;\n', 'sub__start.sh': '#!/bin/sh\n' });
    expect(topo.spec.deployment.filesFromConfigMap.r1).toEqual([
      { filePath: 'configs/r1/bird.conf', configMapName: dnsLabel(`${lab.name}-r1`), configMapPath: 'bird.conf', mode: 'read' },
      { filePath: 'configs/r1/sub/start.sh', configMapName: dnsLabel(`${lab.name}-r1`), configMapPath: 'sub__start.sh', mode: 'execute' },
    ]);
  });

  it('refuses multi-access links with a typed error naming them', () => {
    const lab = sampleLab();
    expect(() => clabernetesResources(lab, labFiles(lab))).toThrow(ClabernetesEmitError);
    expect(() => clabernetesResources(lab, labFiles(lab))).toThrow(/multi-access links \(link \d/);
  });

  it('is deterministic', async () => {
    const lab = await backbone();
    expect(clabernetesYaml(lab, labFiles(lab))).toBe(clabernetesYaml(lab, labFiles(lab)));
  });
});

describe('Kubernetes names', () => {
  const rfc1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
  test.prop([fc.string({ minLength: 1, maxLength: 100 })])('dnsLabel gives a valid RFC 1123 label', (s) => {
    expect(dnsLabel(s)).toMatch(rfc1123);
  });
  test.prop([fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 })])('different names stay different', (a, b) => {
    fc.pre(a !== b);
    expect(dnsLabel(a)).not.toBe(dnsLabel(b));
  });
  it('leaves valid names alone', () => {
    expect(dnsLabel('bgp-backbone-r1')).toBe('bgp-backbone-r1');
  });
  test.prop([fc.string({ minLength: 1, maxLength: 60 })])('configMapKey uses only the characters ConfigMap keys allow', (s) => {
    expect(configMapKey(s)).toMatch(/^[-._a-zA-Z0-9]+$/);
  });
});
