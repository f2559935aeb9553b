import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planNetns } from '../../../src/runtime/netns/plan.js';
import { netemArgs } from '../../../src/runtime/netns/link-impairments.js';
import { compiledLab } from '../../support/compiled-lab.js';

const lab = (file: string) => compiledLab(join(import.meta.dirname, file));

describe('planNetns', () => {
  it('plans namespaces, veth pairs created in place, addresses, and forwarding for routers only', async () => {
    const l = await lab('hosts.yml');
    const plan = planNetns(l, { labDir: '/run/flatlab/nstest/lab', runDir: '/run/flatlab/nstest' });
    expect(plan.namespaces).toEqual(['fl-nstest-h1', 'fl-nstest-r1', 'fl-nstest-h2']);
    expect(plan.rootBatch).toEqual([
      'netns add fl-nstest-h1',
      'netns add fl-nstest-r1',
      'netns add fl-nstest-h2',
      'link add eth1 netns fl-nstest-h1 type veth peer name eth1 netns fl-nstest-r1',
      'link add eth2 netns fl-nstest-r1 type veth peer name eth1 netns fl-nstest-h2',
    ]);
    const r1 = plan.namespaceBatch.get('fl-nstest-r1')!;
    expect(r1[0]).toBe('link set lo up');
    expect(r1).toContain('link set eth2 up');
    expect(r1.filter((x) => x.startsWith('address add')).length).toBeGreaterThanOrEqual(2);
    expect(plan.sysctls.get('fl-nstest-r1')).toContain('net.ipv4.ip_forward=1');
    expect(plan.sysctls.get('fl-nstest-h1')).toEqual(['net.ipv6.conf.all.keep_addr_on_down=1']);
  });

  it('expands daemon command lines with the node config and run directories', async () => {
    const l = await lab('../sim/fixtures/line.yml');
    const plan = planNetns({ ...l, nodes: l.nodes.map((n) => (n.name === 'r1' ? { ...n, kind: 'bird' } : n)) }, { labDir: '/L', runDir: '/R' });
    expect(plan.processes.get('r1')).toEqual([{ node: 'r1', name: 'bird', argv: ['bird', '-f', '-c', '/L/configs/r1/bird.conf', '-s', '/R/nodes/r1/bird.ctl'] }]);
  });

  it("starts FRR's staticd and bgpd after zebra's API socket, in the node's run directory", async () => {
    const l = await lab('../sim/fixtures/line.yml');
    const plan = planNetns({ ...l, nodes: l.nodes.map((n) => (n.name === 'r1' ? { ...n, kind: 'frr' } : n)) }, { labDir: '/L', runDir: '/R' });
    const procs = plan.processes.get('r1')!;
    expect(procs.map((p) => p.name)).toEqual(['zebra', 'staticd', 'bgpd']);
    expect(procs[0]!.readySocket).toBe('/R/nodes/r1/zserv.api');
    expect(procs[0]!.argv).toContain('/R/nodes/r1/zserv.api');
    expect(procs.slice(1).map((p) => p.readySocket)).toEqual([undefined, undefined]);
  });

  it('writes netem in tc syntax', () => {
    expect(netemArgs({ delayMs: 10, jitterMs: 2, lossPercent: 0.5, rateKbit: 1000 })).toEqual(['delay', '10ms', '2ms', 'loss', '0.5%', 'rate', '1000kbit']);
  });
});
