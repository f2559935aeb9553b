/**
 * A multi-access LAN on containerlab: the runtime makes the host bridge (containerlab's
 * `bridge` kind needs it beforehand), the stand-in plugs each member into it, a restarted
 * member is plugged in again, and `down` removes the bridge. Root + Docker; skips elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lanBridges } from '../../../src/emit/containerlab.js';
import { ContainerlabRuntime } from '../../../src/runtime/containerlab/containerlab-runtime.js';
import { dockerReason, eventually, FAKE_CONTAINERLAB, labContainers, labFrom, removeLabContainers } from './docker-support.js';

const reason = dockerReason();
const hostLinkExists = (name: string) => spawnSync('ip', ['link', 'show', name]).status === 0;

describe.skipIf(reason)('containerlab runtime: LAN links (root)', () => {
  const runRoot = mkdtempSync(join(tmpdir(), 'flatlab-clab-lan-'));
  const rt = new ContainerlabRuntime({ runRoot, containerlab: FAKE_CONTAINERLAB });
  afterAll(async () => {
    await rt.down().catch(() => undefined);
    removeLabContainers('clablan');
    rmSync(runRoot, { recursive: true, force: true });
  });

  it('bridges the members, survives a member restart, and removes the bridge and its ports on down', async () => {
    const lab = await labFrom('lan.yml');
    const { bridge, ports } = lanBridges(lab)[0]!;
    await rt.up(lab);
    expect(hostLinkExists(bridge)).toBe(true);
    expect((await rt.reach('h1', { to: '10.0.0.2', protocol: 'icmp', count: 1 })).reachable).toBe(true);
    expect((await rt.reach('h1', { to: '10.0.0.3', protocol: 'icmp', count: 1 })).reachable).toBe(true);
    await rt.stopNode('h2');
    expect((await rt.status()).nodes.find((n) => n.name === 'h2')).toMatchObject({ state: 'stopped' });
    await rt.startNode('h2');
    await eventually('h1 reaches h2 after its restart', () => rt.reach('h1', { to: '10.0.0.2', protocol: 'icmp', count: 1 }), (r) => r.reachable);
    await rt.down();
    expect(labContainers('clablan')).toEqual([]);
    expect(hostLinkExists(bridge)).toBe(false);
    // Gone when down returns, not when the kernel gets round to the containers' namespaces.
    expect(ports.filter(hostLinkExists)).toEqual([]);
  }, 180_000);
});
