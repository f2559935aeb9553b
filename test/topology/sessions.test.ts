import { describe, expect, it } from 'vitest';
import type { BgpSession } from '../../src/topology/lab.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { compileText, errorsOf, labOf } from './compile-helper.js';
import { testCatalog } from './test-catalog.js';

const brief = (s: BgpSession) => `${s.id} ${s.type} ${s.via === 'loopback' ? 'lo' : `link${s.via.link}`} ${s.a.address}-${s.b.address}`;

describe('derived sessions (sessions: auto)', () => {
  it('runs eBGP per link and family between different ASNs, over interface addresses', () => {
    const lab = labOf(`name: t
nodes:
  r1: { kind: bird, asn: 65001 }
  r2: { kind: frr, asn: 65002 }
  h1: { kind: linux }
links: [[r1, r2], [r2, h1]]
`);
    expect(lab.sessions.map(brief)).toEqual([
      'r1~r2~ipv4 ebgp link0 10.0.0.0-10.0.0.1',
      'r1~r2~ipv6 ebgp link0 fd00:1::-fd00:1::1',
    ]);
    expect(lab.sessions[0]!.a).toMatchObject({ node: 'r1', asn: 65001, import: ['all'], export: ['all'], nextHopSelf: false, routeReflectorClient: false });
  });

  it('meshes iBGP over loopbacks inside an AS, next-hop-self on by default', () => {
    const lab = labOf(`name: t
defaults: { kind: frr, asn: 65000 }
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
nodes: { a: {}, b: {}, c: {} }
links: [[a, b], [b, c]]
`);
    expect(lab.sessions.map(brief)).toEqual([
      'a~b~ipv4 ibgp lo 10.255.0.1-10.255.0.2',
      'a~c~ipv4 ibgp lo 10.255.0.1-10.255.0.3',
      'b~c~ipv4 ibgp lo 10.255.0.2-10.255.0.3',
    ]);
    expect(lab.sessions.every((s) => s.a.nextHopSelf && s.b.nextHopSelf)).toBe(true);
  });

  it('with route reflectors: clients to every reflector, reflectors meshed', () => {
    const lab = labOf(`name: t
defaults: { kind: frr, asn: 65000 }
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
bgp: { next-hop-self: false }
nodes:
  rr1: { role: route-reflector, cluster-id: 1.1.1.1 }
  rr2: { role: route-reflector }
  c1: {}
  c2: {}
links: [[rr1, c1], [rr2, c2], [rr1, rr2]]
`);
    expect(lab.sessions.map((s) => s.id)).toEqual(['c1~rr1~ipv4', 'c1~rr2~ipv4', 'c2~rr1~ipv4', 'c2~rr2~ipv4', 'rr1~rr2~ipv4']);
    const c1rr1 = lab.sessions[0]!;
    expect(c1rr1.a).toMatchObject({ node: 'c1', routeReflectorClient: false, nextHopSelf: false });
    expect(c1rr1.b).toMatchObject({ node: 'rr1', routeReflectorClient: true });
    const rrMesh = lab.sessions[4]!;
    expect([rrMesh.a.routeReflectorClient, rrMesh.b.routeReflectorClient]).toEqual([false, false]);
    expect(lab.nodes.find((n) => n.name === 'rr1')!.bgp!.clusterId).toBe('1.1.1.1');
    expect(lab.nodes.find((n) => n.name === 'rr2')!.bgp!.clusterId).toBe('10.255.0.2');
  });

  it('applies node and default chains; explicit sessions override them and replace derived ones', () => {
    const lab = labOf(`name: t
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
defaults: { kind: bird, import: cust }
nodes:
  r1: { asn: 65001, export: [cust, all] }
  r2: { asn: 65002 }
  r3: { asn: 65002 }
links: [[r1, r2], [r2, r3]]
bgp:
  sessions:
    - auto
    - { between: [r2, r1], import: none, export: none }
policies:
  cust: [{ action: accept }]
`);
    expect(lab.sessions.map(brief)).toEqual(['r1~r2~ipv4 ebgp link0 10.0.0.0-10.0.0.1', 'r2~r3~ipv4 ibgp lo 10.255.0.2-10.255.0.3']);
    expect(lab.sessions[0]!.a).toMatchObject({ import: ['none'], export: ['none'] });
    expect(lab.sessions[1]!.a).toMatchObject({ import: ['cust'], export: ['all'] });
    expect(lab.nodes[0]!.bgp).toMatchObject({ asn: 65001, routerId: '10.255.0.1', import: ['cust'], export: ['cust', 'all'] });
    expect(Object.keys(lab.policies).sort()).toEqual(['all', 'cust', 'none']);
  });

  it('creates no sessions with sessions: none, and only the listed ones without auto', () => {
    const base = `name: t
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
defaults: { kind: gobgp }
nodes: { a: { asn: 1 }, b: { asn: 2 }, c: { asn: 2 } }
links: [[a, b], [b, c], [a, c]]
`;
    expect(labOf(`${base}bgp: { sessions: none }\n`).sessions).toEqual([]);
    expect(labOf(`${base}bgp: { sessions: [{ between: [c, a] }] }\n`).sessions.map(brief)).toEqual(['a~c~ipv4 ebgp link2 10.0.0.4-10.0.0.5']);
  });

  it('names parallel eBGP sessions by link', () => {
    const lab = labOf(`name: t
addressing: { links: { ipv4: 10.0.0.0/24 }, loopback: {} }
defaults: { kind: bird }
nodes: { a: { asn: 1, router-id: 1.1.1.1 }, b: { asn: 2, router-id: 2.2.2.2 } }
links: [[a, b], ["a:eth9", "b:eth9"]]
`);
    expect(lab.sessions.map((s) => s.id)).toEqual(['a~b~ipv4', 'a~b~ipv4~link2']);
  });

  it('reports session mistakes', () => {
    const errors = errorsOf(`name: t
defaults: { kind: bird }
nodes:
  a: { asn: 1 }
  b: { asn: 2 }
  rr: { asn: 3, role: route-reflector }
  h: { kind: linux }
bgp:
  ibgp: full-mesh
  sessions:
    - { between: [a, x] }
    - { between: [a, h] }
    - { between: [a, b] }
`);
    expect(errors).toEqual([
      'topology.rr-without-peers@6:23',
      'topology.ibgp-mode@9:9',
      'topology.unknown-node@11:22',
      'topology.session-not-bgp@12:22',
      'topology.session-no-link@13:18',
    ]);
  });
});

describe('loopback routes', () => {
  it('routes every other loopback of the AS along shortest paths, lower link first on ties', () => {
    // a square a-b-d, a-c-d: d is two hops from a either way; the path via link 0 (a-b) wins.
    const lab = labOf(`name: t
defaults: { kind: frr, asn: 65000 }
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
nodes: { a: {}, b: {}, c: {}, d: {}, x: { asn: 65001 } }
links: [[a, b], [a, c], [b, d], [c, d], [d, x]]
`);
    const a = lab.nodes[0]!;
    expect(a.routes).toEqual([
      { prefix: '10.255.0.2/32', via: '10.0.0.1', interface: 'eth1' },
      { prefix: '10.255.0.3/32', via: '10.0.0.3', interface: 'eth2' },
      { prefix: '10.255.0.4/32', via: '10.0.0.1', interface: 'eth1' },
    ]);
    expect(lab.nodes[4]!.routes).toEqual([]);
  });
  it('warns when an iBGP pair has no path inside the AS, and appends user routes', () => {
    const text = `name: t
defaults: { kind: frr, asn: 65000 }
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
nodes:
  a: { routes: [{ prefix: 0.0.0.0/0, via: 10.0.0.1 }] }
  b: {}
  x: { asn: 65001 }
links: [[a, x], [x, b]]
`;
    const r = compileText(text);
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}@${d.position?.line}:${d.position?.col}`)).toEqual(['warning topology.ibgp-unreachable@5:3']);
    expect(r.lab!.nodes[0]!.routes).toEqual([{ prefix: '0.0.0.0/0', via: '10.0.0.1' }]);
  });
});

describe('per-end chains, next hops by name, config-dependent BGP', () => {
  it('applies ends: chains to one side only', () => {
    const lab = labOf(`name: t
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
defaults: { kind: bird }
nodes: { t1: { asn: 65000 }, c1: { asn: 65001 } }
links: [[t1, c1]]
bgp:
  sessions:
    - { between: [t1, c1], export: none, ends: { t1: { import: [cust, all] } } }
policies:
  cust: [{ action: next }]
`);
    const s = lab.sessions[0]!;
    expect(s.a).toMatchObject({ node: 'c1', import: ['all'], export: ['none'] });
    expect(s.b).toMatchObject({ node: 't1', import: ['cust', 'all'], export: ['none'] });
  });

  it('resolves via: <node> to the neighbour address of the route\'s family on the first shared link', () => {
    const lab = labOf(`name: t
addressing: { loopback: {}, links: { ipv4: 10.0.0.0/24, ipv6: "2001:db8::/48" } }
nodes:
  h: { kind: linux, routes: [{ prefix: 0.0.0.0/0, via: r }, { prefix: "::/0", via: r }, { prefix: 192.0.2.0/24, via: 10.0.0.9, interface: eth1 }] }
  r: { kind: linux, role: router }
links:
  - { endpoints: [h, r], ipv6: false }
  - ["h:eth2", "r:eth2"]
`);
    expect(lab.nodes[0]!.routes).toEqual([
      { prefix: '0.0.0.0/0', via: '10.0.0.1', interface: 'eth1' },
      { prefix: '::/0', via: '2001:db8::1', interface: 'eth2' },
      { prefix: '192.0.2.0/24', via: '10.0.0.9', interface: 'eth1' },
    ]);
  });

  it('asks speaksBgpWith for kinds whose BGP depends on their config', () => {
    const vm = { name: 'vm', speaksBgp: false, defaultRole: 'server' as const, vm: true, speaksBgpWith: (c: Record<string, unknown>) => Array.isArray(c.services) && c.services.includes('bird') };
    const catalog = { get: (n: string) => (n === 'vm' ? vm : testCatalog.get(n)), names: () => [...testCatalog.names(), 'vm'] };
    const text = `name: t
addressing: { loopback: { ipv4: 10.255.0.0/24 }, links: { ipv4: 10.0.0.0/24 } }
nodes:
  v1: { kind: vm, asn: 65001, config: { services: [bird] } }
  v2: { kind: vm, asn: 65002, config: { services: [] } }
  r: { kind: bird, asn: 65003 }
links: [[v1, r], [v2, r]]
`;
    const r = compileTopology(parseYamlSource(text, 'vm.yml'), { kinds: catalog });
    expect(r.diagnostics.map((d) => `${d.code}@${d.position?.line}`)).toEqual(['topology.asn-without-bgp@5']);
    const fixed = compileTopology(parseYamlSource(text.replace('v2: { kind: vm, asn: 65002,', 'v2: { kind: vm,'), 'vm.yml'), { kinds: catalog });
    expect(fixed.lab!.sessions.map((s) => s.id)).toEqual(['r~v1~ipv4']);
  });
});

describe('host default gateways', () => {
  it('points hosts and servers at their first router neighbour per family, unless the file gives a default', () => {
    const lab = labOf(`name: t
addressing: { loopback: {}, links: { ipv4: 10.0.0.0/24, ipv6: "2001:db8::/48" } }
nodes:
  sw: { kind: bridge }
  r1: { kind: linux, role: router }
  r2: { kind: linux, role: router }
  h1: { kind: linux }
  h2: { kind: linux, role: server, routes: [{ prefix: 0.0.0.0/0, via: r2 }] }
  h3: { kind: linux }
links:
  - [h1, sw]
  - { endpoints: [h1, r1], ipv6: false }
  - [h1, r2]
  - [h2, r1, r2]
  - [h3, sw]
`);
    const routes = Object.fromEntries(lab.nodes.map((n) => [n.name, n.routes.map((r) => `${r.prefix}>${r.via}@${r.interface}`)]));
    expect(routes.h1).toEqual(['0.0.0.0/0>10.0.0.3@eth2', '::/0>2001:db8::3@eth3']);
    expect(routes.h2).toEqual(['0.0.0.0/0>10.0.0.11@eth1', '::/0>2001:db8:0:1::2@eth1']);
    expect(routes.h3).toEqual([]);
    expect(routes.r1).toEqual([]);
  });
});
