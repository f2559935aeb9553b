/**
 * A small hand-built Lab for the config writers' golden and interop tests: five routers of
 * five kinds over four links, eBGP on links (IPv4 and IPv6), iBGP over loopbacks through a
 * route reflector, and policies that between them use every feature of the policy model.
 * Built by hand (not by the topology compiler) so these tests depend only on the Lab contract.
 *
 *   r1 (bird, 65001) ── r2 (frr, 65002, RR) ── r3 (gobgp, 65002, RR client, iBGP over loopbacks)
 *    │
 *   r4 (flatlab-bgpd, 65003) ── r5 (exabgp, 65005)
 */
import type { Policy } from '../../src/bgp/policy/model.js';
import type { BgpSession, BgpSessionEnd, Lab, LabNode } from '../../src/topology/lab.js';

/** Every match condition and set action BIRD can express (no as-path-regex). */
const customerIn: Policy = [
  { name: 'drop-bogons', match: { prefix: ['10.0.0.0/8 le 32', '192.168.0.0/16 ge 16 le 32', 'fc00::/7 le 128'] }, action: 'reject' },
  {
    name: 'customer',
    match: {
      prefix: ['203.0.113.0/24 le 28', '2001:db8::/32 ge 32 le 48'],
      community: ['65001:100', '65001:*', 'no-export'],
      'large-community': ['65001:1:2', '65001:*:*'],
      'origin-as': 65001,
      'neighbor-as': [65001, 65002],
      'next-hop': ['10.0.0.0/8', 'fd00::/8'],
    },
    set: { 'local-pref': 200, 'community-add': ['65002:200'], 'large-community-add': '65002:0:200' },
    action: 'accept',
  },
  { name: 'transit', match: { 'as-path-contains': [65001, 64512], 'large-community': '65001:5:*' }, set: { 'local-pref': 120 }, action: 'next' },
  { name: 'sized', match: { 'as-path-length': { ge: 1, le: 6 } }, action: 'accept' },
  { name: 'v4-only', match: { family: 'ipv4', 'as-path-length': { le: 3 } }, set: { med: 50 }, action: 'next' },
  { name: 'rest', action: 'reject' },
];

/** Every set action, with `next` so the following policy in the chain sees the changes. */
const tagOut: Policy = [
  {
    name: 'rewrite',
    set: {
      'community-set': ['65001:1', 'no-export'],
      'community-remove': ['65001:*', '65000:100'],
      'community-add': ['65001:300'],
      'large-community-set': [],
      'large-community-remove': ['65001:*:*'],
      'large-community-add': ['65001:3:4'],
      med: 10,
      'next-hop': 'self',
      prepend: 2,
    },
    action: 'next',
  },
  { name: 'prepend-other', match: { community: '65001:9' }, set: { prepend: { asn: 65001, count: 1 }, 'local-pref': 90 }, action: 'next' },
];

/** Origin match and set: not in GoBGP 3.10, so only on the other daemons' chains. */
const originOps: Policy = [{ name: 'egp-to-incomplete', match: { origin: 'egp' }, set: { origin: 'incomplete', med: 5 }, action: 'next' }, { match: { origin: 'igp', family: 'ipv6' }, action: 'accept' }];

/** The regex condition, only on daemons that have regular expressions (FRR, GoBGP, flatlab). */
const regexIn: Policy = [
  { name: 'from-65001', match: { 'as-path-regex': '^65001_', community: '65001:100' }, set: { 'local-pref': 150 }, action: 'accept' },
  { name: 'long', match: { 'as-path-length': { ge: 2, le: 4 } }, action: 'accept' },
  { name: 'others', match: { 'next-hop': '10.255.0.0/24', 'large-community': '65002:*:7' }, set: { 'next-hop': '10.255.0.2' }, action: 'accept' },
];

const policies: Record<string, Policy> = {
  'customer-in': customerIn,
  'tag-out': tagOut,
  'regex-in': regexIn,
  'origin-ops': originOps,
  all: [{ action: 'accept' }],
  none: [{ action: 'reject' }],
};

function end(node: string, asn: number, address: string, over: Partial<BgpSessionEnd> = {}): BgpSessionEnd {
  return { node, asn, address, import: ['all'], export: ['all'], routeReflectorClient: false, nextHopSelf: false, ...over };
}

function session(a: BgpSessionEnd, b: BgpSessionEnd, family: 'ipv4' | 'ipv6', via: BgpSession['via']): BgpSession {
  return { id: `${a.node}~${b.node}~${family}`, type: a.asn === b.asn ? 'ibgp' : 'ebgp', family, via, a, b };
}

function node(name: string, kind: string, asn: number, n: number, interfaces: LabNode['interfaces'], over: Partial<LabNode> = {}, originate: string[] = []): LabNode {
  return {
    name,
    kind,
    role: 'router',
    loopback: { ipv4: `10.255.0.${n}/32`, ipv6: `fd00:ff::${n}/128` },
    interfaces,
    bgp: { asn, routerId: `10.255.0.${n}`, originate, import: ['all'], export: ['all'] },
    routes: [],
    config: {},
    env: {},
    ...over,
  };
}

export function fixtureLab(): Lab {
  const nodes: LabNode[] = [
    node('r1', 'bird', 65001, 1, [
      { name: 'eth1', link: 0, ipv4: '10.0.0.0/31', ipv6: 'fd00:1::/127', peers: [{ node: 'r2', interface: 'eth1' }] },
      { name: 'eth2', link: 2, ipv4: '10.0.0.4/31', peers: [{ node: 'r4', interface: 'eth1' }] },
    ], {}, ['203.0.113.0/24', '2001:db8:1::/48']),
    node('r2', 'frr', 65002, 2, [
      { name: 'eth1', link: 0, ipv4: '10.0.0.1/31', ipv6: 'fd00:1::1/127', peers: [{ node: 'r1', interface: 'eth1' }] },
      { name: 'eth2', link: 1, ipv4: '10.0.0.2/31', peers: [{ node: 'r3', interface: 'eth1' }] },
    ], { role: 'route-reflector', routes: [{ prefix: '10.255.0.3/32', via: '10.0.0.3', interface: 'eth2' }] }, ['198.51.100.0/24']),
    node('r3', 'gobgp', 65002, 3, [
      { name: 'eth1', link: 1, ipv4: '10.0.0.3/31', peers: [{ node: 'r2', interface: 'eth2' }] },
    ], { routes: [{ prefix: '10.255.0.2/32', via: '10.0.0.2', interface: 'eth1' }] }, ['198.51.100.128/25', '2001:db8:3::/48']),
    node('r4', 'flatlab-bgpd', 65003, 4, [
      { name: 'eth1', link: 2, ipv4: '10.0.0.5/31', peers: [{ node: 'r1', interface: 'eth2' }] },
      { name: 'eth2', link: 3, ipv4: '10.0.0.6/31', peers: [{ node: 'r5', interface: 'eth1' }] },
    ], {}, ['192.0.2.0/24']),
    node('r5', 'exabgp', 65005, 5, [
      { name: 'eth1', link: 3, ipv4: '10.0.0.7/31', peers: [{ node: 'r4', interface: 'eth2' }] },
    ], {}, ['100.64.0.0/24', '100.64.1.0/24']),
  ];
  const r2 = nodes[1]!;
  r2.bgp!.clusterId = '10.255.0.2';
  const sessions: BgpSession[] = [
    session(end('r1', 65001, '10.0.0.0', { import: ['origin-ops', 'customer-in'], export: ['tag-out', 'origin-ops', 'all'] }), end('r2', 65002, '10.0.0.1', { import: ['regex-in', 'origin-ops', 'customer-in'], export: ['tag-out', 'all'] }), 'ipv4', { link: 0 }),
    session(end('r1', 65001, 'fd00:1::', { import: ['customer-in'], export: ['all'] }), end('r2', 65002, 'fd00:1::1', { import: ['all'], export: ['tag-out', 'all'] }), 'ipv6', { link: 0 }),
    session(end('r1', 65001, '10.0.0.4', { import: ['all'], export: ['tag-out', 'none'] }), end('r4', 65003, '10.0.0.5', { import: ['customer-in'], export: ['all'] }), 'ipv4', { link: 2 }),
    session(end('r2', 65002, '10.255.0.2', { routeReflectorClient: true, nextHopSelf: true }), end('r3', 65002, '10.255.0.3', { import: ['regex-in', 'customer-in'], export: ['tag-out', 'all'] }), 'ipv4', 'loopback'),
    session(end('r4', 65003, '10.0.0.6', { import: ['regex-in', 'all'] }), end('r5', 65005, '10.0.0.7'), 'ipv4', { link: 3 }),
  ];
  return {
    name: 'writers',
    sourceFile: 'topologies/writers.yml',
    nodes,
    links: [
      { index: 0, type: 'p2p', endpoints: [{ node: 'r1', interface: 'eth1', ipv4: '10.0.0.0/31', ipv6: 'fd00:1::/127' }, { node: 'r2', interface: 'eth1', ipv4: '10.0.0.1/31', ipv6: 'fd00:1::1/127' }], subnet: { ipv4: '10.0.0.0/31', ipv6: 'fd00:1::/127' } },
      { index: 1, type: 'p2p', endpoints: [{ node: 'r2', interface: 'eth2', ipv4: '10.0.0.2/31' }, { node: 'r3', interface: 'eth1', ipv4: '10.0.0.3/31' }], subnet: { ipv4: '10.0.0.2/31' } },
      { index: 2, type: 'p2p', endpoints: [{ node: 'r1', interface: 'eth2', ipv4: '10.0.0.4/31' }, { node: 'r4', interface: 'eth1', ipv4: '10.0.0.5/31' }], subnet: { ipv4: '10.0.0.4/31' } },
      { index: 3, type: 'p2p', endpoints: [{ node: 'r4', interface: 'eth2', ipv4: '10.0.0.6/31' }, { node: 'r5', interface: 'eth1', ipv4: '10.0.0.7/31' }], subnet: { ipv4: '10.0.0.6/31' } },
    ],
    sessions,
    policies: structuredClone(policies),
    addressing: { loopback: { ipv4: '10.255.0.0/24', ipv6: 'fd00:ff::/64' }, links: { ipv4: '10.0.0.0/16', ipv6: 'fd00:1::/48' }, p2pLength: { ipv4: 31, ipv6: 127 } },
    extras: {},
  };
}

export function labNode(lab: Lab, name: string): LabNode {
  const n = lab.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`fixture has no node ${name}`);
  return n;
}
