/**
 * BIRD, GoBGP and flatlab bgpd in their locally built images, driven through the CLI verbs
 * (up, status, exec, down with --runtime containerlab) and observed through the runtime: the
 * flatlab image runs this very build of flatlab, and its control API is relayed to the host. Root + Docker; skips elsewhere with the reason.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerlabRuntime } from '../../../src/runtime/containerlab/containerlab-runtime.js';
import { needTools } from '../../support/need-tools.js';
import { dockerReason, eventually, FAKE_CONTAINERLAB, labContainers, labFrom, removeLabContainers } from './docker-support.js';
import { runCli } from '../../support/run-cli.js';

const reason = dockerReason() ?? needTools(['npm']);
const topology = join(import.meta.dirname, 'daemons.yml');

const cli = (...argv: string[]) => runCli(undefined, argv);

describe.skipIf(reason)('containerlab runtime with BIRD, GoBGP and flatlab bgpd images (root)', () => {
  const saved = process.env.FLATLAB_CONTAINERLAB;
  beforeAll(() => {
    process.env.FLATLAB_CONTAINERLAB = FAKE_CONTAINERLAB;
  });
  afterAll(async () => {
    await cli('down', topology, '--runtime', 'containerlab');
    removeLabContainers('clabdaemons');
    if (saved === undefined) delete process.env.FLATLAB_CONTAINERLAB;
    else process.env.FLATLAB_CONTAINERLAB = saved;
  });

  it('up, status and exec through the CLI; sessions and routes from BIRD and GoBGP inside their containers; down leaves nothing', async () => {
    const up = await cli('up', topology, '--runtime', 'containerlab');
    expect(up, up.stderr).toMatchObject({ code: 0 });
    expect(up.stdout).toContain('lab clabdaemons is up on containerlab (3 nodes)');

    const status = await cli('status', topology, '--runtime', 'containerlab', '--json');
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { nodes: Array<{ state: string }> }).nodes.map((n) => n.state)).toEqual(['running', 'running', 'running']);

    const exec = await cli('exec', topology, 'f1', '--runtime', 'containerlab', '--', 'flatlab', '--version');
    expect(exec.code).toBe(0);
    expect(exec.stdout).toMatch(/\d+\.\d+\.\d+/);

    // A second runtime object takes the running lab over, as a later flatlab invocation would.
    const rt = new ContainerlabRuntime({ containerlab: FAKE_CONTAINERLAB });
    expect(await rt.attach(await labFrom('daemons.yml'))).toBe(true);
    await eventually('b1 established with g1 and f1', () => rt.bgpSessions('b1'), (s) => ['g1', 'f1'].every((p) => s.some((x) => x.peer === p && x.state === 'established')), 90_000);
    await eventually('g1 established with b1', () => rt.bgpSessions('g1'), (s) => s.some((x) => x.peer === 'b1' && x.state === 'established'));
    const fromGobgp = await eventually('198.51.100.0/24 at b1', () => rt.bgpRoutes('b1', '198.51.100.0/24'), (r) => r.length > 0);
    expect(fromGobgp[0]).toMatchObject({ asPath: [65002], from: 'g1' });
    const fromBgpd = await eventually('192.0.2.0/24 at b1', () => rt.bgpRoutes('b1', '192.0.2.0/24'), (r) => r.length > 0);
    expect(fromBgpd[0]).toMatchObject({ asPath: [65003], from: 'f1' });
    const atGobgp = await eventually('203.0.113.0/24 at g1', () => rt.bgpRoutes('g1', '203.0.113.0/24'), (r) => r.length > 0);
    expect(atGobgp[0]).toMatchObject({ asPath: [65001] });
    // flatlab bgpd's control API answers inside its container, relayed to the netns observer.
    const f1 = await eventually('f1 established with b1', () => rt.bgpSessions('f1'), (s) => s.some((x) => x.peer === 'b1' && x.state === 'established'));
    expect(f1.find((x) => x.peer === 'b1')).toMatchObject({ peerAsn: 65001 });
    const atBgpd = await eventually('203.0.113.0/24 at f1', () => rt.bgpRoutes('f1', '203.0.113.0/24'), (r) => r.length > 0);
    // The bgpd observer names the peer by bgpd.yml's peer name (`b1-ipv4` on a dual-stack session).
    expect(atBgpd[0]).toMatchObject({ asPath: [65001], from: expect.stringMatching(/^b1/) });

    const down = await cli('down', topology, '--runtime', 'containerlab');
    expect(down).toMatchObject({ code: 0 });
    expect(labContainers('clabdaemons')).toEqual([]);
  }, 300_000);
});
