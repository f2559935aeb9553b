import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parse } from 'yaml';
import { addressCommands, containerlabTopology, containerlabYaml, lanBridges } from '../../src/emit/containerlab.js';
import { nodeConfigFiles } from '../../src/emit/lab-files.js';
import { arbitraryLab, sampleLab } from '../fixtures/emit/sample-lab.js';
import { fakeWriters } from '../fixtures/emit/fake-writers.js';
import { clabSchemaErrors } from '../support/clab-schema.js';

describe('containerlab emitter', () => {
  const lab = sampleLab();
  const files = nodeConfigFiles(lab, fakeWriters);
  const topo = containerlabTopology(lab, files);

  it('produces a topology containerlab\'s schema accepts', () => {
    expect(clabSchemaErrors(parse(containerlabYaml(lab, files)))).toEqual([]);
  });

  it('the schema check can fail (an unknown node field is rejected)', () => {
    const broken = structuredClone(topo) as unknown as { topology: { nodes: Record<string, Record<string, unknown>> } };
    broken.topology.nodes.r1!.colour = 'red';
    expect(clabSchemaErrors(broken).length).toBeGreaterThan(0);
  });

  it('binds each generated config file read-only where the daemon expects it', () => {
    expect(topo.topology.nodes.r1?.binds).toEqual(['configs/r1/bird.conf:/etc/bird/bird.conf:ro']);
    expect(topo.topology.nodes.r2?.binds).toEqual(['configs/r2/frr.conf:/etc/frr/frr.conf:ro', 'configs/r2/daemons:/etc/frr/daemons:ro']);
    expect(topo.topology.nodes.h1?.binds).toBeUndefined();
  });

  it('puts addresses, loopbacks and static routes into exec', () => {
    expect(topo.topology.nodes.r2?.exec).toEqual([
      'ip addr add 10.255.0.2/32 dev lo',
      'ip addr add 10.0.0.1/31 dev eth1',
      'ip -6 addr add fd00:1::1/127 dev eth1',
      'ip addr add 10.0.0.2/31 dev eth2',
      'ip addr add 10.0.1.1/29 dev eth3',
      'ip route replace 10.255.0.3/32 via 10.0.0.3 dev eth2',
    ]);
    expect(addressCommands({ ...lab.nodes[3]!, routes: [{ prefix: '::/0', via: 'fd00::1' }] })).toContain('ip -6 route replace ::/0 via fd00::1');
  });

  it('turns forwarding on for routers only', () => {
    expect(topo.topology.nodes.r1?.sysctls).toEqual({ 'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '1' });
    expect(topo.topology.nodes.h1?.sysctls).toBeUndefined();
  });

  it('wires point-to-point links directly and LANs through a host bridge', () => {
    const [bridge] = lanBridges(lab);
    expect(bridge?.bridge).toMatch(/^fl[0-9a-f]{5}l2$/);
    expect(topo.topology.nodes[bridge!.bridge]).toMatchObject({ kind: 'bridge' });
    expect(topo.topology.links?.map((l) => l.endpoints)).toEqual([
      ['r1:eth1', 'r2:eth1'],
      ['r2:eth2', 'r3:eth1'],
      ['r2:eth3', `${bridge!.bridge}:${bridge!.bridge}p1`],
      ['r3:eth2', `${bridge!.bridge}:${bridge!.bridge}p2`],
      ['h1:eth1', `${bridge!.bridge}:${bridge!.bridge}p3`],
      ['vm1:eth1', 'r1:eth2'],
    ]);
    expect(topo.topology.links?.[2]?.mtu).toBe(9000);
    expect(bridge?.ports).toEqual([2, 3, 4].map((n) => topo.topology.links![n]!.endpoints[1].split(':')[1]));
  });

  it('runs a VM node\'s QEMU script in a container and leaves its addresses to the guest', () => {
    const vm = topo.topology.nodes.vm1!;
    expect(vm.cmd).toBe('sh /flatlab/qemu/vm1.sh');
    expect(vm.binds).toContain('qemu/vm1.sh:/flatlab/qemu/vm1.sh:ro');
    expect(vm.exec).toBeUndefined();
    expect(vm.devices).toEqual(['/dev/net/tun']);
  });

  it('honours a node image override and passes mgmt settings through', () => {
    const custom = sampleLab();
    custom.nodes[0]!.image = 'my/bird:dev';
    custom.extras = { containerlab: { mgmt: { network: 'flatlab-mgmt', 'ipv4-subnet': '172.30.30.0/24' } } };
    const t = containerlabTopology(custom, files);
    expect(t.topology.nodes.r1?.image).toBe('my/bird:dev');
    expect(t.mgmt).toEqual({ network: 'flatlab-mgmt', 'ipv4-subnet': '172.30.30.0/24' });
    expect(clabSchemaErrors(t)).toEqual([]);
  });

  it('is deterministic', () => {
    expect(containerlabYaml(sampleLab(), files)).toBe(containerlabYaml(sampleLab(), files));
  });

  test.prop([arbitraryLab()], { numRuns: 150 })('random labs always give a clab.yml that validates against the containerlab schema', (random) => {
    const text = containerlabYaml(random, nodeConfigFiles(random, fakeWriters));
    expect(clabSchemaErrors(parse(text))).toEqual([]);
  });

  test.prop([arbitraryLab({ kinds: ['linux', 'bird', 'frr', 'gobgp', 'exabgp', 'flatlab-bgpd', 'bridge', 'flatracoon-os'] })], { numRuns: 100 })('… with daemon kinds too', (random) => {
    const text = containerlabYaml(random, nodeConfigFiles(random, fakeWriters));
    expect(clabSchemaErrors(parse(text))).toEqual([]);
  });

  it('random lab generator produces LANs (so the property above covers bridges)', () => {
    const labs = fc.sample(arbitraryLab(), { numRuns: 50, seed: 1 });
    expect(labs.some((l) => l.links.some((k) => k.type === 'lan'))).toBe(true);
  });
});
