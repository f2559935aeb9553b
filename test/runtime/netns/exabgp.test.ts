/**
 * ExaBGP observed on netns through exabgpcli: its sessions to two BIRD routers, the paths it
 * received for a prefix both announce (equal but for the peer address, so the lower address is
 * best), a session that goes away with its peer, and no pipes left behind.
 * Root, real BIRD and ExaBGP; skips elsewhere with the reason.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledLab } from '../../support/compiled-lab.js';
import { eventually } from '../../support/eventually.js';
import { needTools } from '../../support/need-tools.js';
import { netnsTestRuntime } from '../../support/netns-test-runtime.js';

const reason = needTools(['ip', 'bird', 'exabgp', 'exabgpcli'], { root: true });
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('fl-nsexabgp-'));
const hostPipes = () => { try { return readdirSync('/run/exabgp'); } catch { return []; } };

describe.skipIf(reason)('ExaBGP on netns (root)', () => {
  const { rt } = netnsTestRuntime('netns-exabgp', ['nsexabgp']);

  it('reads its sessions and received paths, follows a peer going away, and leaves nothing behind', async () => {
    const pipesBefore = hostPipes();
    const lab = await compiledLab(join(import.meta.dirname, 'exabgp.yml'));
    const address = (node: string, peer: string) => {
      const s = lab.sessions.find((x) => x.family === 'ipv4' && [x.a.node, x.b.node].sort().join() === [node, peer].sort().join())!;
      return s.a.node === node ? s.a.address : s.b.address;
    };
    await rt.up(lab);
    const sessions = await eventually('e1 established with b1 and b2', () => rt.bgpSessions('e1'), (s) => ['b1', 'b2'].every((p) => s.some((x) => x.peer === p && x.state === 'established')), 90_000);
    expect(sessions.find((s) => s.peer === 'b1' && s.peerAddress === address('b1', 'e1'))).toMatchObject({ peerAsn: 65001 });
    expect(sessions.find((s) => s.peer === 'b2')).toMatchObject({ peerAsn: 65003, state: 'established' });

    // Both routers announce 203.0.113.0/24 with one-AS paths: the lower peer address wins.
    const both = await eventually('203.0.113.0/24 from b1 and b2 at e1', () => rt.bgpRoutes('e1', '203.0.113.0/24'), (r) => r.length === 2);
    const [low, high] = ['b1', 'b2'].sort((x, y) => (address(x, 'e1') < address(y, 'e1') ? -1 : 1));
    expect(both.find((r) => r.best)).toMatchObject({ from: low, asPath: [low === 'b1' ? 65001 : 65003], nextHop: address(low!, 'e1') });
    expect(both.find((r) => !r.best)).toMatchObject({ from: high });
    const v6 = await eventually('2001:db8:b1::/48 at e1', () => rt.bgpRoutes('e1', '2001:db8:b1::/48'), (r) => r.length === 1);
    expect(v6[0]).toMatchObject({ best: true, from: 'b1', asPath: [65001] });
    expect(await rt.bgpRoutes('e1', '192.0.2.0/24')).toEqual([]);

    // BIRD stopping sends a Cease: e1 drops the session and what it learned over it.
    await rt.stopNode('b2');
    await eventually('e1 without b2', () => rt.bgpSessions('e1'), (s) => s.some((x) => x.peer === 'b2' && x.state !== 'established'));
    const left = await eventually('only b1 path left', () => rt.bgpRoutes('e1', '203.0.113.0/24'), (r) => r.length === 1);
    expect(left[0]).toMatchObject({ best: true, from: 'b1' });
    await rt.startNode('b2');
    await eventually('e1 established with b2 again', () => rt.bgpSessions('e1'), (s) => s.some((x) => x.peer === 'b2' && x.state === 'established'), 90_000);

    await rt.down();
    expect(namespaces()).toEqual([]);
    expect(hostPipes()).toEqual(pipesBefore);
  }, 240_000);
});
