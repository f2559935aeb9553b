/**
 * ExaBGP in its locally built image (Debian's exabgp on the host's Python, stdlib and
 * extension-module libraries copied by the recipe) peers with BIRD on the containerlab runtime:
 * BIRD learns the prefix ExaBGP announces, and ExaBGP's session comes up although the
 * container starts before containerlab gives it its addresses; ExaBGP is observed through its
 * CLI in the container. Root + Docker; skips elsewhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContainerlabRuntime } from '../../../src/runtime/containerlab/containerlab-runtime.js';
import { needTools } from '../../support/need-tools.js';
import { dockerReason, eventually, FAKE_CONTAINERLAB, labContainers, labFrom, removeLabContainers } from './docker-support.js';

const reason = dockerReason() ?? needTools(['exabgp', 'python3.11']);

describe.skipIf(reason)('containerlab runtime: ExaBGP image (root)', () => {
  const runRoot = mkdtempSync(join(tmpdir(), 'flatlab-clab-exabgp-'));
  const rt = new ContainerlabRuntime({ runRoot, containerlab: FAKE_CONTAINERLAB });
  afterAll(async () => {
    await rt.down().catch(() => undefined);
    removeLabContainers('clabexabgp');
    rmSync(runRoot, { recursive: true, force: true });
  });

  it('BIRD learns the prefix ExaBGP announces over an eBGP session, and ExaBGP the one BIRD announces', async () => {
    await rt.up(await labFrom('exabgp.yml'));
    const version = await rt.exec('e1', ['exabgp', '--version']);
    expect(version.stdout + version.stderr).toContain('ExaBGP : 4.2');
    await eventually('b1 established with e1', () => rt.bgpSessions('b1'), (s) => s.some((x) => x.peer === 'e1' && x.state === 'established'), 90_000);
    const routes = await eventually('198.51.100.0/24 at b1', () => rt.bgpRoutes('b1', '198.51.100.0/24'), (r) => r.length > 0);
    expect(routes[0]).toMatchObject({ asPath: [65002], from: 'e1' });
    // And ExaBGP itself, through exabgpcli in its container: its session and what BIRD sent it.
    await eventually('e1 established with b1', () => rt.bgpSessions('e1'), (s) => s.some((x) => x.peer === 'b1' && x.state === 'established' && x.peerAsn === 65001));
    const learned = await eventually('203.0.113.0/24 at e1', () => rt.bgpRoutes('e1', '203.0.113.0/24'), (r) => r.length > 0);
    expect(learned).toEqual([expect.objectContaining({ best: true, asPath: [65001], from: 'b1' })]);
    await rt.down();
    expect(labContainers('clabexabgp')).toEqual([]);
  }, 240_000);
});
