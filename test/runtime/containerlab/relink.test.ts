import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relinkPlan } from '../../../src/runtime/containerlab/relink.js';
import { sampleLab } from '../../fixtures/emit/sample-lab.js';
import { compiledLab } from '../../support/compiled-lab.js';

const threeNode = () => compiledLab(join(import.meta.dirname, 'three-node.yml'));

describe('relinkPlan (after docker start of a node)', () => {
  it('recreates every link of the node and re-addresses both ends', async () => {
    const plan = relinkPlan(await threeNode(), 'r1');
    expect(plan.veths).toEqual([
      { a: { node: 'r1', interface: 'eth1' }, b: { node: 'h1', interface: 'eth1' } },
      { a: { node: 'r1', interface: 'eth2' }, b: { node: 'r2', interface: 'eth1' } },
    ]);
    expect(plan.commands.get('h1')).toEqual([
      ['ip', 'link', 'set', 'eth1', 'up'],
      ['ip', 'addr', 'replace', '10.0.0.0/31', 'dev', 'eth1'],
      ['ip', '-6', 'addr', 'replace', 'fd00:1::/127', 'dev', 'eth1', 'nodad'],
      ['ip', 'route', 'replace', '0.0.0.0/0', 'via', '10.0.0.1', 'dev', 'eth1'],
      ['ip', '-6', 'route', 'replace', '::/0', 'via', 'fd00:1::1', 'dev', 'eth1'],
    ]);
    const r1 = plan.commands.get('r1')!;
    expect(r1.slice(0, 2)).toEqual([['ip', 'link', 'set', 'eth1', 'up'], ['ip', 'link', 'set', 'eth2', 'up']]);
    expect(r1).toContainEqual(['ip', 'addr', 'add', '10.255.0.2/32', 'dev', 'lo']);
  });

  it('a LAN member gets a veth to its host bridge port', () => {
    const lab = sampleLab();
    const lan = lab.links.find((l) => l.type === 'lan')!;
    const member = lan.endpoints[0]!;
    const plan = relinkPlan(lab, member.node);
    expect(plan.veths.find((v) => v.a.interface === member.interface)?.b).toMatchObject({ bridge: expect.stringMatching(/^fl/), port: expect.stringMatching(/p1$/) });
  });

  it('the other LAN members forget the neighbour entries of the restarted member\'s old interface', () => {
    const lab = sampleLab();
    const lan = lab.links.find((l) => l.type === 'lan')!;
    const [member, ...others] = lan.endpoints;
    const mine = lab.nodes.find((n) => n.name === member!.node)!.interfaces.find((i) => i.name === member!.interface)!;
    const addresses = [mine.ipv4, mine.ipv6].filter((a) => a !== undefined).map((a) => a!.split('/')[0]!);
    expect(addresses.length).toBeGreaterThan(0);
    const plan = relinkPlan(lab, member!.node);
    for (const o of others) {
      for (const address of addresses) expect(plan.commands.get(o.node)).toContainEqual(['ip', 'neigh', 'flush', 'to', address, 'dev', o.interface]);
    }
  });

  it('an unknown node needs nothing', async () => {
    expect(relinkPlan(await threeNode(), 'nope')).toEqual({ veths: [], commands: new Map() });
  });
});
