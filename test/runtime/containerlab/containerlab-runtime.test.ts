/**
 * The containerlab runtime for real: locally built images, the real Docker engine, and the
 * containerlab stand-in in test/support/fake-containerlab (containerlab itself cannot be
 * installed here). Runs as root with Docker in CI; skips elsewhere with the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerlabRuntime } from '../../../src/runtime/containerlab/containerlab-runtime.js';
import { DockerEngine } from '../../../src/runtime/containerlab/docker.js';
import { ContainerlabMissingError, DockerUnavailableError } from '../../../src/runtime/containerlab/errors.js';
import { dockerReason, eventually, FAKE_CONTAINERLAB, labFrom, labContainers as containersOf, removeLabContainers } from './docker-support.js';

const lab = () => labFrom('three-node.yml');
const labContainers = () => containersOf('clabtest');

/** Whether this kernel has sch_netem, asked in a private network namespace. */
function hostHasNetem(): boolean {
  return spawnSync('unshare', ['-n', 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']).status === 0;
}

describe('containerlab runtime errors (no Docker needed)', () => {
  it('says how to get containerlab when it is missing', async () => {
    const rt = new ContainerlabRuntime({ containerlab: '/nonexistent/containerlab', runRoot: join(tmpdir(), 'flatlab-clab-none') });
    const err = await rt.up(await lab()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerlabMissingError);
    expect((err as ContainerlabMissingError).code).toBe('containerlab.missing');
    expect((err as ContainerlabMissingError).hint).toMatch(/containerlab\.dev\/install/);
    expect((err as ContainerlabMissingError).hint).toMatch(/FLATLAB_CONTAINERLAB/);
  });

  it('says how to get Docker when no engine answers', async () => {
    const engine = new DockerEngine(new Docker({ socketPath: '/nonexistent/docker.sock' }));
    const err = await engine.requireEngine().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect((err as DockerUnavailableError).hint).toMatch(/apt-get install docker\.io/);
    expect((err as DockerUnavailableError).hint).toMatch(/dockerd/);
  });
});

const reason = dockerReason();

describe.skipIf(reason)('ContainerlabRuntime on Docker with the containerlab stand-in (root)', () => {
  const runRoot = mkdtempSync(join(tmpdir(), 'flatlab-clab-'));
  const lines: string[] = [];
  const rt = new ContainerlabRuntime({ runRoot, containerlab: FAKE_CONTAINERLAB, log: (l) => lines.push(l) });
  afterAll(async () => {
    await rt.down().catch(() => undefined);
    // Only what this test created: the clabtest lab's containers.
    removeLabContainers('clabtest');
    rmSync(runRoot, { recursive: true, force: true });
  });

  it('deploys a 3-node lab from local images, execs, observes BIRD, takes links down and up, stops and starts a node, and removes everything', async () => {
    const l = await lab();
    await rt.up(l);
    expect(labContainers()).toHaveLength(3);
    const firstIds = labContainers().sort();

    const status = await rt.status();
    expect(status.nodes.map((n) => [n.name, n.state])).toEqual([['h1', 'running'], ['r1', 'running'], ['r2', 'running']]);

    expect((await rt.exec('h1', ['ip', '-br', 'addr'])).stdout).toMatch(/eth1(@\S+)?\s+UP\s+10\.0\.0\.0\/31/);
    expect(await rt.reach('h1', { to: '10.0.0.1', protocol: 'icmp', count: 1 })).toMatchObject({ reachable: true });

    // BIRD in r1 and r2 (birdc inside the containers) bring up their eBGP session and exchange prefixes.
    await eventually('r1-r2 session established', () => rt.bgpSessions('r1'), (s) => s.some((x) => x.peer === 'r2' && x.state === 'established'));
    const routes = await eventually('203.0.113.0/24 at r2', () => rt.bgpRoutes('r2', '203.0.113.0/24'), (r) => r.length > 0);
    expect(routes[0]).toMatchObject({ prefix: '203.0.113.0/24', asPath: [65001], from: 'r1' });

    await rt.setLinkState({ index: 0 }, 'down');
    expect((await rt.reach('h1', { to: '10.0.0.1', protocol: 'icmp', count: 1 })).reachable).toBe(false);
    await rt.setLinkState({ index: 0 }, 'up');
    await eventually('h1 reaches r1 again', () => rt.reach('h1', { to: '10.0.0.1', protocol: 'icmp', count: 1 }), (r) => r.reachable);
    // h1's default route went with the link and came back with it.
    expect((await rt.exec('h1', ['ip', 'route'])).stdout).toContain('default via 10.0.0.1');

    // netem where the kernel has sch_netem; where it has not, the typed error that says so.
    const applied = await rt.setNetem({ index: 1 }, { delayMs: 50 }).then(() => undefined, (e: unknown) => e);
    if (hostHasNetem()) {
      expect(applied).toBeUndefined();
      const slow = await rt.reach('r1', { to: '10.0.0.3', protocol: 'icmp', count: 2 });
      expect(slow.reachable).toBe(true);
      expect(slow.rttMs).toBeGreaterThanOrEqual(100);
    } else {
      expect(applied).toMatchObject({ code: 'containerlab.netem', message: expect.stringMatching(/no netem queueing discipline.*delay and jitter need it/) });
      // Loss and rate still work, through the host's nft in the container's namespace and tbf.
      await rt.setNetem({ index: 1 }, { lossPercent: 100, rateKbit: 800 });
      expect((await rt.reach('r1', { to: '10.0.0.3', protocol: 'icmp', count: 2 })).reachable).toBe(false);
      expect((await rt.exec('r1', ['tc', 'qdisc', 'show', 'dev', 'eth2'])).stdout).toMatch(/tbf .*rate 800Kbit/i);
    }
    await rt.setNetem({ index: 1 }, undefined);
    expect((await rt.reach('r1', { to: '10.0.0.3', protocol: 'icmp', count: 1 })).reachable).toBe(true);

    await rt.stopNode('r2');
    expect((await rt.status()).nodes.find((n) => n.name === 'r2')).toMatchObject({ state: 'stopped' });
    await rt.startNode('r2');
    await eventually('r1 reaches r2 after its restart', () => rt.reach('r1', { to: '10.0.0.3', protocol: 'icmp', count: 1 }), (r) => r.reachable);
    await eventually('session back after restart', () => rt.bgpSessions('r2'), (s) => s.some((x) => x.peer === 'r1' && x.state === 'established'), 60_000);

    await rt.up(l); // idempotent: the running lab is kept
    expect(labContainers().sort()).toEqual(firstIds);

    await rt.down();
    expect(labContainers()).toEqual([]);
    expect(existsSync(join(runRoot, 'clabtest'))).toBe(false);
  }, 300_000);

  it('an abort during deploy stops it and removes what it had created', async () => {
    const controller = new AbortController();
    const up = rt.up(await lab(), { signal: controller.signal });
    // Abort once the first container exists: deploy is under way.
    const deadline = Date.now() + 60_000;
    while (labContainers().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    controller.abort(new Error('interrupted by the test'));
    await expect(up).rejects.toThrow(/interrupted by the test/);
    expect(labContainers()).toEqual([]);
    expect(existsSync(join(runRoot, 'clabtest'))).toBe(false);
  }, 120_000);
});
