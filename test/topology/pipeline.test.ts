import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { compileTopology, compileTopologyFile } from '../../src/topology/pipeline.js';
import { InputError } from '../../src/config/diagnostics.js';
import { compileText, labOf } from './compile-helper.js';
import { testCatalog } from './test-catalog.js';

const text = `name: shape
description: the Lab's shape
defaults: { kind: bird, env: { TZ: UTC } }
nodes:
  r1: { asn: 65001, image: custom/bird:2, env: { DEBUG: "1" }, config: {} }
  h1: { kind: linux }
  sw: { kind: bridge }
links:
  - [r1, h1]
  - { endpoints: [r1, sw], mtu: 1400 }
  - [h1, sw]
lab: { overlay: { id: 42 } }
`;

describe('compileTopology', () => {
  it('builds the Lab: nodes and links in file order, kinds, roles, extras, env', () => {
    const r = compileText(text);
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning topology.switch-links']);
    const lab = r.lab!;
    expect(lab.name).toBe('shape');
    expect(lab.sourceFile).toBe('lab.yml');
    expect(lab.nodes.map((n) => [n.name, n.kind, n.role])).toEqual([
      ['r1', 'bird', 'router'],
      ['h1', 'linux', 'host'],
      ['sw', 'bridge', 'switch'],
    ]);
    expect(lab.nodes[0]).toMatchObject({ image: 'custom/bird:2', env: { TZ: 'UTC', DEBUG: '1' }, config: {} });
    expect(lab.nodes[1]!.bgp).toBeUndefined();
    expect(lab.links.map((l) => [l.index, l.type, l.mtu])).toEqual([
      [0, 'p2p', undefined],
      [1, 'p2p', 1400],
      [2, 'p2p', undefined],
    ]);
    expect(lab.extras).toEqual({ overlay: { id: 42 } });
    expect(lab.addressing).toEqual({
      loopback: { ipv4: '10.255.0.0/16', ipv6: 'fd00:ff::/64' },
      links: { ipv4: '10.0.0.0/16', ipv6: 'fd00:1::/48' },
      p2pLength: { ipv4: 31, ipv6: 127 },
    });
    expect(Object.keys(lab.policies)).toEqual(['all']);
  });

  it('is deterministic', () => {
    const a = JSON.stringify(compileText(text));
    const b = JSON.stringify(compileText(text));
    expect(a).toBe(b);
  });

  it('returns no Lab when there is an error, and keeps warnings', () => {
    const r = compileText(`${text}  - [r1, nowhere]\n`.replace('lab: { overlay: { id: 42 } }\n', ''));
    expect(r.lab).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning topology.switch-links', 'error topology.unknown-node']);
  });

  it('reports YAML syntax errors and stops there', () => {
    const r = compileTopology(parseYamlSource('name: [x\n', 'bad.yml'), { kinds: testCatalog });
    expect(r.lab).toBeUndefined();
    expect(r.diagnostics.every((d) => d.code.startsWith('yaml.'))).toBe(true);
  });

  it('sorts diagnostics by position', () => {
    const r = compileText('name: t\nnodes:\n  b: { kind: nope }\n  a: { kind: bird }\nlinks: [[a, zz]]\nextra: 1\n');
    const lines = r.diagnostics.map((d) => d.position!.line);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['topology.unknown-kind', 'topology.missing-asn', 'topology.unknown-node', 'topology.unknown-key']);
  });

  it('reads files, and throws a typed InputError for an unreadable one', async () => {
    const r = await compileTopologyFile('topologies/bgp-backbone.yml', { kinds: testCatalog });
    expect(r.lab?.name).toBe('bgp-backbone');
    expect(r.lab?.sourceFile).toBe('topologies/bgp-backbone.yml');
    await expect(compileTopologyFile('no/such.yml', { kinds: testCatalog })).rejects.toBeInstanceOf(InputError);
  });

  it('keeps the built-in labs as documented: the backbone derives RR iBGP and the explicit eBGP policies', () => {
    const lab = labOf(readFileSync('topologies/bgp-backbone.yml', 'utf8'));
    const asns = new Set(lab.nodes.map((n) => n.bgp?.asn));
    expect(lab.nodes.filter((n) => n.bgp).length).toBeGreaterThanOrEqual(8);
    expect(asns.size).toBeGreaterThanOrEqual(4);
    expect(new Set(lab.nodes.map((n) => n.kind))).toEqual(new Set(['bird', 'frr', 'gobgp', 'flatlab-bgpd']));
    // Every iBGP session is reflector–client, except the one between the two reflectors (rr1, rr2).
    const ibgp = lab.sessions.filter((s) => s.type === 'ibgp');
    const nonClient = ibgp.filter((s) => !s.a.routeReflectorClient && !s.b.routeReflectorClient);
    expect(nonClient.map((s) => [s.a.node, s.b.node].sort().join('~'))).toEqual(['rr1~rr2']);
    expect(ibgp.filter((s) => [s.a.node, s.b.node].includes('rr2')).length).toBe(4);
    const c1 = lab.sessions.find((s) => s.id === 'c1~t1~ipv4')!;
    expect(c1.b).toMatchObject({ node: 't1', import: ['c1-in'], export: ['to-customer'] });
    expect(c1.a).toMatchObject({ node: 'c1', import: ['all'], export: ['c1-out'] });
  });
});
