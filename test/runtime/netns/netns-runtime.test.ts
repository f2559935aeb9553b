/** Real namespaces: runs as root (CI); skips elsewhere with the reason. */
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { needTools } from '../../support/need-tools.js';
import { compiledLab } from '../../support/compiled-lab.js';
import { netnsTestRuntime } from '../../support/netns-test-runtime.js';

const reason = needTools(['ip', 'ping', 'bird'], { root: true });
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-nstest'));

const lab = (file: string) => compiledLab(join(import.meta.dirname, file));

describe.skipIf(reason)('NetnsRuntime (root)', () => {
  const { rt, runRoot } = netnsTestRuntime('netns', ['nstest']);

  it('brings a routed lab up, forwards across a router, reacts to link state, and leaves nothing behind', async () => {
    const l = await lab('hosts.yml');
    await rt.up(l);
    expect(namespaces()).toHaveLength(3);
    const h2 = l.nodes.find((n) => n.name === 'h2')!.interfaces[0]!.ipv4!.split('/')[0]!;
    const r1Addr = l.nodes.find((n) => n.name === 'r1')!.interfaces[0]!.ipv4!.split('/')[0]!;
    expect(await rt.reach('h1', { to: r1Addr, protocol: 'icmp', count: 1 })).toMatchObject({ reachable: true });
    // Hosts get a default route to their router, which forwards between its subnets.
    expect((await rt.reach('h1', { to: h2, protocol: 'icmp', count: 1 })).reachable).toBe(true);
    await rt.setLinkState({ index: 0 }, 'down');
    expect((await rt.reach('h1', { to: r1Addr, protocol: 'icmp', count: 1 })).reachable).toBe(false);
    await rt.setLinkState({ index: 0 }, 'up');
    expect((await rt.exec('r1', ['ip', '-br', 'addr'])).stdout).toContain('eth2');
    await rt.up(l); // idempotent
    expect(namespaces()).toHaveLength(3);
    await rt.down();
    expect(namespaces()).toEqual([]);
  });

  it('starts daemons with their generated config, stops and restarts them, and cleans up after a failed start', async () => {
    const base = await lab('../sim/fixtures/line.yml');
    const l = { ...base, name: 'nstest', nodes: base.nodes.map((n) => (n.name === 'r1' || n.name === 'r2' ? { ...n, kind: 'bird' } : { ...n, kind: 'linux', bgp: undefined as never })) };
    l.sessions = l.sessions.filter((s) => ['r1', 'r2'].includes(s.a.node) && ['r1', 'r2'].includes(s.b.node));
    await rt.up(l);
    let status = await rt.status();
    expect(status.nodes.find((n) => n.name === 'r1')).toMatchObject({ state: 'running' });
    const birdc = await rt.exec('r1', ['birdc', '-s', `${runRoot}/nstest/nodes/r1/bird.ctl`, 'show', 'status']);
    expect(birdc.stdout).toContain('Daemon is up and running');
    await rt.stopNode('r1');
    status = await rt.status();
    expect(status.nodes.find((n) => n.name === 'r1')).toMatchObject({ state: 'running' }); // no processes left to fail
    await rt.startNode('r1');
    expect((await rt.exec('r1', ['birdc', '-s', `${runRoot}/nstest/nodes/r1/bird.ctl`, 'show', 'status'])).stdout).toContain('up and running');
    await rt.down();
    expect(namespaces()).toEqual([]);
  });
});
