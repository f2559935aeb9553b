import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseNetem, parsePercent, parseRateKbit } from '../../src/topology/netem.js';
import { errorsOf, labOf } from './compile-helper.js';

const nodes = `name: t
defaults: { kind: frr, asn: 65000 }
nodes: { r1: {}, r2: {}, r3: {} }
`;

describe('interfaces', () => {
  it('names interfaces eth1..N in each node\'s link order unless given', () => {
    const lab = labOf(`${nodes}links:\n  - [r1, r2]\n  - { endpoints: ["r2:eth2", "r3:e0"] }\n  - [r1, r3]\n`);
    expect(lab.nodes.map((n) => `${n.name}: ${n.interfaces.map((i) => `${i.name}>${i.peers.map((p) => `${p.node}:${p.interface}`).join(',')}`).join(' ')}`)).toEqual([
      'r1: eth1>r2:eth1 eth2>r3:eth2',
      'r2: eth1>r1:eth1 eth2>r3:e0',
      'r3: e0>r2:eth2 eth2>r1:eth2',
    ]);
  });
  it('gives LAN peers every other endpoint', () => {
    const lab = labOf(`${nodes}links: [[r1, r2, r3]]\n`);
    expect(lab.links[0]!.type).toBe('lan');
    expect(lab.nodes[1]!.interfaces[0]!.peers).toEqual([{ node: 'r1', interface: 'eth1' }, { node: 'r3', interface: 'eth1' }]);
  });
  it('reports one interface used twice, explicit or colliding with an automatic name', () => {
    expect(errorsOf(`${nodes}links:\n  - ["r1:eth5", r2]\n  - ["r1:eth5", r3]\n`)).toEqual(['topology.duplicate-interface@6:6']);
    expect(errorsOf(`${nodes}links:\n  - [r1, r2]\n  - ["r1:eth1", r3]\n`)).toEqual(['topology.duplicate-interface@6:6']);
  });
});

describe('link checks', () => {
  it('reports unknown nodes with a suggestion, bad endpoints, self links and duplicates', () => {
    expect(errorsOf(`${nodes}links:\n  - [r1, r4]\n  - [r1, "r2:"]\n  - [r2, r2]\n  - [r3, r1]\n  - [r1, r3]\n`)).toEqual([
      'topology.unknown-node@5:10',
      'topology.interface-name@6:10',
      'topology.self-link@7:10',
      'topology.duplicate-link@9:5',
    ]);
  });
  it('parses netem and mtu onto the lab link', () => {
    const lab = labOf(`${nodes}links:\n  - { endpoints: [r1, r2], mtu: 9000, netem: { delay: 10ms, jitter: 500us, loss: 0.1%, rate: 10mbit } }\n`);
    expect(lab.links[0]).toMatchObject({ mtu: 9000, netem: { delayMs: 10, jitterMs: 0.5, lossPercent: 0.1, rateKbit: 10000 } });
  });
  it('reports unparsable netem values', () => {
    expect(errorsOf(`${nodes}links:\n  - { endpoints: [r1, r2], netem: { delay: 10 parsecs, loss: 120%, rate: fast } }\n`)).toEqual([
      'topology.netem@5:44',
      'topology.netem@5:62',
      'topology.netem@5:74',
    ]);
  });
});

describe('netem values', () => {
  it('reads tc spellings', () => {
    expect(parseDurationMs('1.5ms')).toBe(1.5);
    expect(parseDurationMs('2s')).toBe(2000);
    expect(parseDurationMs(7)).toBe(7);
    expect(parseDurationMs('10')).toBeUndefined();
    expect(parsePercent('0.1%')).toBe(0.1);
    expect(parsePercent(5)).toBe(5);
    expect(parsePercent('5')).toBeUndefined();
    expect(parseRateKbit('1gbit')).toBe(1_000_000);
    expect(parseRateKbit('512kbit')).toBe(512);
    expect(parseRateKbit('1mbps')).toBe(8000);
    expect(parseNetem({ jitter: '1ms' }).problems.map((p) => p.message)).toEqual(['netem jitter needs a delay']);
  });
});
