import { describe, expect, it } from 'vitest';
import { linkPrefixLength } from '../../src/topology/addressing.js';
import { errorsOf, labOf } from './compile-helper.js';

const three = `name: t
defaults: { kind: frr, asn: 65000 }
nodes: { a: {}, b: {}, c: {} }
`;

describe('loopbacks', () => {
  it('gives node i host i+1 of the pool, in file order, by position', () => {
    const lab = labOf(`${three}nodes: { a: {}, h: { kind: linux }, c: {} }\n`.replace(/nodes: \{ a: \{\}, b: \{\}, c: \{\} \}\n/, ''));
    expect(lab.nodes.map((n) => n.loopback)).toEqual([
      { ipv4: '10.255.0.1/32', ipv6: 'fd00:ff::1/128' },
      {},
      { ipv4: '10.255.0.3/32', ipv6: 'fd00:ff::3/128' },
    ]);
  });
  it('honours explicit loopbacks, with or without a full-length suffix', () => {
    const lab = labOf(`name: t\ndefaults: { kind: frr, asn: 65000 }\nnodes:\n  a: { loopback: { ipv4: 192.0.2.9, ipv6: "2001:db8::9/128" } }\n  b: {}\n`);
    expect(lab.nodes[0]!.loopback).toEqual({ ipv4: '192.0.2.9/32', ipv6: '2001:db8::9/128' });
    expect(lab.nodes[1]!.loopback.ipv4).toBe('10.255.0.2/32');
  });
  it('assigns only the families the pools have', () => {
    const lab = labOf(`${three}addressing: { loopback: { ipv4: 192.0.2.0/24 }, links: { ipv6: "2001:db8::/48" } }\nlinks: [[a, b]]\n`);
    expect(lab.nodes[0]!.loopback).toEqual({ ipv4: '192.0.2.1/32' });
    expect(lab.links[0]!.subnet).toEqual({ ipv6: '2001:db8::/127' });
  });
  it('reports a pool too small for the node count', () => {
    expect(errorsOf(`${three}addressing: { loopback: { ipv4: 192.0.2.0/31 } }\n`)).toEqual(['topology.pool-too-small@4:33']);
  });
  it('reports an explicit loopback equal to an assigned one', () => {
    expect(errorsOf(`name: t\ndefaults: { kind: frr, asn: 65000 }\nnodes:\n  a: {}\n  b: { loopback: { ipv4: 10.255.0.1 } }\n`)).toEqual(['topology.address-conflict@5:26']);
  });
});

describe('link subnets', () => {
  it('allocates /31 and /127 per point-to-point link in link order (RFC 3021, RFC 6164)', () => {
    const lab = labOf(`${three}links: [[a, b], [b, c], [a, c]]\n`);
    expect(lab.links.map((l) => l.subnet)).toEqual([
      { ipv4: '10.0.0.0/31', ipv6: 'fd00:1::/127' },
      { ipv4: '10.0.0.2/31', ipv6: 'fd00:1::2/127' },
      { ipv4: '10.0.0.4/31', ipv6: 'fd00:1::4/127' },
    ]);
    expect(lab.links[1]!.endpoints.map((e) => [e.ipv4, e.ipv6])).toEqual([
      ['10.0.0.2/31', 'fd00:1::2/127'],
      ['10.0.0.3/31', 'fd00:1::3/127'],
    ]);
  });
  it('uses /64 per point-to-point link when configured, hosts ::1 and ::2', () => {
    const lab = labOf(`${three}addressing: { p2p: { ipv6: 64 } }\nlinks: [[a, b], [b, c]]\n`);
    expect(lab.links.map((l) => l.endpoints.map((e) => e.ipv6))).toEqual([
      ['fd00:1::1/64', 'fd00:1::2/64'],
      ['fd00:1:0:1::1/64', 'fd00:1:0:1::2/64'],
    ]);
    expect(lab.addressing.p2pLength).toEqual({ ipv4: 31, ipv6: 64 });
  });
  it('gives a LAN the smallest aligned IPv4 subnet with room to double, and a /64', () => {
    const lab = labOf(`${three}links: [[a, b], [a, b, c]]\n`);
    expect(lab.links[1]!.type).toBe('lan');
    expect(lab.links[1]!.subnet).toEqual({ ipv4: '10.0.0.8/29', ipv6: 'fd00:1:0:1::/64' });
    expect(lab.links[1]!.endpoints.map((e) => e.ipv4)).toEqual(['10.0.0.9/29', '10.0.0.10/29', '10.0.0.11/29']);
    expect(linkPrefixLength('ipv4', 'lan', 3, { ipv4: 31, ipv6: 127 })).toBe(29);
    expect(linkPrefixLength('ipv4', 'lan', 4, { ipv4: 31, ipv6: 127 })).toBe(28);
    expect(linkPrefixLength('ipv4', 'lan', 100, { ipv4: 31, ipv6: 127 })).toBe(24);
  });
  it('honours explicit subnets and steps around them; false leaves a family out', () => {
    const lab = labOf(`${three}links:\n  - { endpoints: [a, b], ipv4: 10.0.0.0/30, ipv6: false }\n  - [b, c]\n`);
    expect(lab.links[0]!.subnet).toEqual({ ipv4: '10.0.0.0/30' });
    expect(lab.links[0]!.endpoints.map((e) => e.ipv4)).toEqual(['10.0.0.1/30', '10.0.0.2/30']);
    expect(lab.links[1]!.subnet.ipv4).toBe('10.0.0.4/31');
    expect(lab.links[1]!.subnet.ipv6).toBe('fd00:1::/127');
  });
  it('reports exhaustion, overlap with the loopback pool and bad pools', () => {
    expect(errorsOf(`${three}addressing: { links: { ipv4: 10.0.0.0/31 } }\nlinks: [[a, b], [b, c]]\n`)).toEqual(['topology.pool-too-small@4:30']);
    expect(errorsOf(`${three}addressing: { loopback: { ipv4: 10.0.0.0/24 }, links: { ipv4: 10.0.0.0/16 } }\n`)).toEqual(['topology.pool-overlap@4:63']);
    expect(errorsOf(`${three}addressing: { links: { ipv4: 10.0.0.1/16, ipv6: 10.1.0.0/16 } }\n`)).toEqual(['topology.not-network@4:30', 'topology.family-mismatch@4:49']);
  });
  it('never moves an earlier link for a later explicit subnet', () => {
    // Link 3 asks for space the pool already gave link 1: that is an error, not a reshuffle.
    expect(errorsOf(`${three}links:\n  - [a, b]\n  - [b, c]\n  - { endpoints: [a, c], ipv4: 10.0.0.0/30 }\n`)).toEqual(['topology.subnet-overlap@7:32']);
    // Space the pool has not reached yet is fine; links after it step around it.
    const lab = labOf(`${three}links:\n  - [a, b]\n  - { endpoints: [b, c], ipv4: 10.0.0.2/31 }\n  - [a, c]\n`);
    expect(lab.links.map((l) => l.subnet.ipv4)).toEqual(['10.0.0.0/31', '10.0.0.2/31', '10.0.0.4/31']);
  });

  it('reports overlapping explicit subnets', () => {
    expect(errorsOf(`${three}links:\n  - { endpoints: [a, b], ipv4: 192.0.2.0/30 }\n  - { endpoints: [b, c], ipv4: 192.0.2.2/31 }\n`)).toEqual(['topology.subnet-overlap@6:32']);
  });
});
