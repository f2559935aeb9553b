/**
 * Properties of the compiler over random input:
 * - addresses never overlap, never leave their pool, and do not move when a node or a link
 *   is appended to the file;
 * - compiling never throws, whatever the text or data: it always returns diagnostics.
 */
import { describe, expect } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { stringify } from 'yaml';
import { parseYamlSource, type YamlSource } from '../../src/config/yaml-source.js';
import { formatIp, parseInterfaceAddress, parsePrefix, prefixContains, prefixesOverlap, type IpPrefix } from '../../src/net/ip.js';
import type { Lab } from '../../src/topology/lab.js';
import { compileTopology } from '../../src/topology/pipeline.js';
import { testCatalog } from './test-catalog.js';

interface RandomTopology {
  addressing: { loopback: { ipv4: string; ipv6: string }; links: { ipv4: string; ipv6: string }; p2p: { ipv6: 127 | 64 } };
  nodes: Record<string, { kind: string; asn?: number; role?: string }>;
  links: string[][];
}

const kinds = ['bird', 'frr', 'linux', 'flatlab-bgpd'];

/** Pools in disjoint ranges: loopbacks in 192.168/16 and fd00:ff::/32, links in 10/8 and fd01::/16. */
const pools = fc.record({
  lo4: fc.integer({ min: 0, max: 255 }).map((x) => `192.168.${x}.0/24`),
  lo6: fc.integer({ min: 0, max: 0xffff }).map((x) => `fd00:ff:${x.toString(16)}::/64`),
  li4: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 20 })).map(([x, len]) => `10.${x}.0.0/${len}`),
  li6: fc.integer({ min: 0, max: 0xffff }).map((x) => `fd01:${x.toString(16)}::/48`),
  p2p6: fc.constantFrom(127 as const, 64 as const),
});

const topology = fc
  .record({
    pools,
    nodes: fc.array(fc.record({ kind: fc.constantFrom(...kinds), asn: fc.integer({ min: 64512, max: 64520 }), rr: fc.boolean() }), { minLength: 2, maxLength: 25 }),
    links: fc.array(fc.array(fc.nat(), { minLength: 2, maxLength: 4 }), { maxLength: 40 }),
  })
  .map(({ pools: p, nodes, links }): RandomTopology => {
    const names = nodes.map((_, i) => `n${i}`);
    const seen = new Set<string>();
    const linkList: string[][] = [];
    for (const l of links) {
      const ends = [...new Set(l.map((i) => names[i % names.length]!))];
      const key = [...ends].sort().join(' ');
      if (ends.length < 2 || seen.has(key)) continue;
      seen.add(key);
      linkList.push(ends);
    }
    return {
      addressing: { loopback: { ipv4: p.lo4, ipv6: p.lo6 }, links: { ipv4: p.li4, ipv6: p.li6 }, p2p: { ipv6: p.p2p6 } },
      nodes: Object.fromEntries(
        nodes.map((n, i) => {
          if (n.kind === 'linux') return [names[i]!, { kind: n.kind }];
          // A route reflector needs another BGP speaker in its AS.
          const peers = nodes.filter((m, j) => j !== i && m.kind !== 'linux' && m.asn === n.asn).length;
          return [names[i]!, { kind: n.kind, asn: n.asn, ...(n.rr && peers > 0 ? { role: 'route-reflector' } : {}) }];
        }),
      ),
      links: linkList,
    };
  });

function compileData(data: unknown): Lab {
  const text = stringify(data);
  const r = compileTopology(parseYamlSource(text, 'random.yml'), { kinds: testCatalog });
  if (!r.lab) throw new Error(`random topology did not compile:\n${text}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.lab;
}

function prefixOf(text: string): IpPrefix {
  const r = parsePrefix(text);
  if (!r.ok) throw new Error(`not a prefix: ${text}`);
  return r.prefix;
}

describe('address assignment over random topologies', () => {
  propTest.prop([topology], { numRuns: 150 })('stays inside its pools and never overlaps', (t) => {
    const lab = compileData({ name: 'random', ...t });
    const hosts = new Set<string>();
    for (const family of ['ipv4', 'ipv6'] as const) {
      const linkPool = prefixOf(t.addressing.links[family]);
      const loPool = prefixOf(t.addressing.loopback[family]);
      const subnets = lab.links.map((l) => prefixOf(l.subnet[family]!));
      subnets.forEach((s, i) => {
        expect(prefixContains(linkPool, s), `${family} link ${i}`).toBe(true);
        for (let j = 0; j < i; j++) expect(prefixesOverlap(s, subnets[j]!), `links ${j} and ${i}`).toBe(false);
      });
      for (const link of lab.links) {
        const subnet = prefixOf(link.subnet[family]!);
        for (const ep of link.endpoints) {
          const a = parseInterfaceAddress(ep[family]!)!;
          expect(a.length).toBe(subnet.length);
          expect(prefixContains(subnet, { family, network: a.address.value, length: a.length === 0 ? 0 : (family === 'ipv4' ? 32 : 128) })).toBe(true);
          const host = formatIp(family, a.address.value);
          expect(hosts.has(host), host).toBe(false);
          hosts.add(host);
        }
      }
      for (const node of lab.nodes) {
        const lo = node.loopback[family];
        if (!lo) continue;
        expect(prefixContains(loPool, prefixOf(lo))).toBe(true);
        const host = lo.slice(0, lo.indexOf('/'));
        expect(hosts.has(host), host).toBe(false);
        hosts.add(host);
      }
    }
  });

  propTest.prop([topology, fc.constantFrom('bird', 'linux'), fc.array(fc.nat(), { minLength: 2, maxLength: 3 })], { numRuns: 100 })(
    'is stable when a node and a link are appended',
    (t, kind, ends) => {
      const before = compileData({ name: 'random', ...t });
      const names = [...Object.keys(t.nodes), 'added'];
      const extraLink = [...new Set(ends.map((i) => names[i % names.length]!))];
      const key = [...extraLink].sort().join(' ');
      const links = extraLink.length >= 2 && !t.links.some((l) => [...l].sort().join(' ') === key) ? [...t.links, extraLink] : t.links;
      const after = compileData({ name: 'random', ...t, nodes: { ...t.nodes, added: kind === 'linux' ? { kind } : { kind, asn: 64512 } }, links });
      before.nodes.forEach((n, i) => {
        const m = after.nodes[i]!;
        expect(m.loopback).toEqual(n.loopback);
        // The appended link may add an interface; the existing ones keep names and addresses.
        expect(m.interfaces.slice(0, n.interfaces.length).map((x) => [x.name, x.ipv4, x.ipv6])).toEqual(n.interfaces.map((x) => [x.name, x.ipv4, x.ipv6]));
      });
      before.links.forEach((l, i) => expect(after.links[i]!.subnet).toEqual(l.subnet));
    },
  );
});

describe('sessions and routes over random topologies', () => {
  propTest.prop([topology], { numRuns: 100 })('sessions use addresses that exist, routes point at neighbours', (t) => {
    const lab = compileData({ name: 'random', ...t });
    const byName = new Map(lab.nodes.map((n) => [n.name, n]));
    const host = (cidr: string | undefined) => cidr?.slice(0, cidr.indexOf('/'));
    const ids = new Set<string>();
    for (const s of lab.sessions) {
      expect(ids.has(s.id), s.id).toBe(false);
      ids.add(s.id);
      expect(s.a.node < s.b.node).toBe(true);
      const a = byName.get(s.a.node)!;
      const b = byName.get(s.b.node)!;
      expect(s.a.asn).toBe(a.bgp!.asn);
      expect(s.type).toBe(a.bgp!.asn === b.bgp!.asn ? 'ibgp' : 'ebgp');
      if (s.via === 'loopback') {
        expect(s.type).toBe('ibgp');
        expect(s.a.address).toBe(host(a.loopback[s.family]));
        expect(s.b.address).toBe(host(b.loopback[s.family]));
      } else {
        const link = lab.links[s.via.link]!;
        const ea = link.endpoints.find((e) => e.node === s.a.node)!;
        const eb = link.endpoints.find((e) => e.node === s.b.node)!;
        expect(s.a.address).toBe(host(ea[s.family]));
        expect(s.b.address).toBe(host(eb[s.family]));
      }
      // No reflection between peers of different ASes, and never both ways.
      if (s.type === 'ebgp') expect(s.a.routeReflectorClient || s.b.routeReflectorClient).toBe(false);
      expect(s.a.routeReflectorClient && s.b.routeReflectorClient).toBe(false);
      expect(s.a.routeReflectorClient).toBe(s.type === 'ibgp' && a.role === 'route-reflector' && b.role !== 'route-reflector');
      expect(s.b.routeReflectorClient).toBe(s.type === 'ibgp' && b.role === 'route-reflector' && a.role !== 'route-reflector');
      // With reflectors in an AS, two clients never peer with each other.
      if (s.type === 'ibgp' && s.via === 'loopback') {
        const hasRr = lab.nodes.some((n) => n.role === 'route-reflector' && n.bgp?.asn === s.a.asn);
        if (hasRr) expect(a.role === 'route-reflector' || b.role === 'route-reflector').toBe(true);
      }
    }
    for (const node of lab.nodes) {
      for (const r of node.routes) {
        const iface = node.interfaces.find((i) => i.name === r.interface)!;
        expect(iface, `${node.name} ${r.interface}`).toBeDefined();
        const neighbours = lab.links[iface.link]!.endpoints.filter((e) => e.node !== node.name).map((e) => host(e.ipv4) === r.via || host(e.ipv6) === r.via);
        expect(neighbours.some(Boolean), `${node.name}: ${r.prefix} via ${r.via}`).toBe(true);
      }
    }
  });
});

const KEYS = ['name', 'nodes', 'links', 'kind', 'asn', 'role', 'endpoints', 'netem', 'delay', 'loss', 'addressing', 'loopback', 'ipv4', 'ipv6', 'p2p', 'bgp', 'sessions', 'between', 'policies', 'import', 'export', 'originate', 'match', 'prefix', 'as-path-regex', 'action', 'defaults', 'config', 'routes', 'via', 'r1', 'r2'];
const scalar = fc.oneof(
  fc.constantFrom('r1', 'r2', 'r1:eth1', 'bird', 'frr', 'linux', 'auto', 'none', 'all', 'accept', 'route-reflector', '10.0.0.0/8', '10.0.0.1/8', 'fd00::/64', '::1', '10ms', '5%', '[', 65001, 0, -1, 64, 127, 4294967296, 1.5, true, false, null),
  fc.string({ maxLength: 8 }),
  fc.integer(),
);
const { value: nearTopology } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 })),
}));

function compiles(source: YamlSource, text: string): void {
  const r = compileTopology(source, { kinds: testCatalog });
  expect(Array.isArray(r.diagnostics)).toBe(true);
  if (!r.lab) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  // Every diagnostic points into the file, and says what it is.
  const lines = text.split('\n').length;
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^(topology|yaml)\.[a-z0-9-]+$/);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.position?.line).toBeGreaterThanOrEqual(1);
    expect(d.position!.line).toBeLessThanOrEqual(lines + 1);
    expect(d.position!.col).toBeGreaterThanOrEqual(1);
  }
}

function compilesText(text: string): void {
  compiles(parseYamlSource(text, 'r.yml'), text);
}

describe('compileTopology is total', () => {
  propTest.prop([fc.string({ maxLength: 200 })], { numRuns: 300 })('on random text', (text) => compilesText(text));
  propTest.prop([fc.jsonValue()], { numRuns: 200 })('on random JSON values', (v) => compilesText(stringify(v)));
  propTest.prop([nearTopology], { numRuns: 500 })('on random data built from topology keys', (v) => compilesText(stringify(v)));
  propTest.prop([topology, fc.array(fc.tuple(fc.constantFrom(...KEYS), scalar), { minLength: 1, maxLength: 4 })], { numRuns: 300 })('on valid topologies with random values planted', (t, plants) => {
    const data = structuredClone({ name: 'random', ...t }) as Record<string, unknown>;
    const targets: Array<Record<string, unknown>> = [data, data.addressing as Record<string, unknown>, ...Object.values(t.nodes).map(() => ({}))];
    const nodes = data.nodes as Record<string, Record<string, unknown>>;
    targets.push(...Object.values(nodes));
    plants.forEach(([k, v], i) => {
      targets[i % targets.length]![k] = v;
    });
    compilesText(stringify(data));
  });
});
