/**
 * The netns runtime's `up` of a ZeroTier lab returns only once every overlay agent is ready:
 * right after it, without any waiting, each member reports its network OK with every peer's
 * key and has its overlay addresses on its device. A member that cannot reach its controller
 * makes `up` fail within the bound, naming it (and the members still missing its key), and
 * leaves nothing behind. Root (CI); skips elsewhere with the reason.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../../../src/runtime/errors.js';
import { NetnsRuntime } from '../../../src/runtime/netns/netns-runtime.js';
import { needTools } from '../../support/need-tools.js';
import { compiledLab } from '../../support/compiled-lab.js';
import { netnsTestRuntime } from '../../support/netns-test-runtime.js';

const reason = needTools(['ip', 'nft', 'ping'], { root: true });
const namespaces = (lab: string) => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`fl-${lab}-`));

const lab = (file: string) => compiledLab(join(import.meta.dirname, file));

describe.skipIf(reason)('netns up waits for the ZeroTier agents (root)', () => {
  const { rt, runRoot } = netnsTestRuntime('zt-ready', ['ztready', 'ztunreach']);

  it('returns with every member joined, holding its peers\' keys, its addresses on the device', async () => {
    await rt.up(await lab('zt-ready.yml'));
    // No polling from here on: up promised all of this.
    const [m1] = await rt.overlayNetworks('m1');
    expect(m1).toMatchObject({ status: 'OK', peers: ['m2'] });
    expect(m1!.addresses).toHaveLength(3);
    const [m2] = await rt.overlayNetworks('m2');
    expect(m2).toMatchObject({ status: 'OK', peers: ['m1'] });
    const device = (await rt.exec('m1', ['ip', '-br', 'addr', 'show', 'dev', 'zt1c000001'])).stdout;
    expect(device).toContain('10.147.17.11/24');
    expect(device).toContain('/88');
    expect(device).toContain('/80');
    expect((await rt.exec('m2', ['ip', '-br', 'addr', 'show', 'dev', 'zt1c000001'])).stdout).toMatch(/10\.147\.17\.\d+\/24/);
    // start of a stopped member returns once it has rejoined and configured its device, as up does.
    await rt.stopNode('m1');
    await rt.startNode('m1');
    const [again] = await rt.overlayNetworks('m1');
    expect(again).toMatchObject({ status: 'OK' });
    expect((await rt.exec('m1', ['ip', '-br', 'addr', 'show', 'dev', 'zt1c000001'])).stdout).toContain('10.147.17.11/24');
    await rt.down();
    expect(namespaces('ztready')).toEqual([]);
  }, 120_000);

  it('fails within its bound naming the member that cannot reach its controller, and cleans up', async () => {
    const short = new NetnsRuntime({ runRoot, ztReadyTimeoutMs: 30_000 });
    const err = await short.up(await lab('zt-unreachable.yml')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe('netns.zt-not-ready');
    const message = (err as Error).message;
    expect(message).toContain('m3: network 8056c2e21c000001 is REQUESTING_CONFIGURATION, expected OK (no config from controller ctl yet)');
    expect(message).toContain('m1: no key yet for peer m3');
    expect(message).not.toContain('ctl:');
    expect(message).toContain('within 30 s');
    expect(namespaces('ztunreach')).toEqual([]);
  }, 120_000);
});
