import { describe, expect, it } from 'vitest';
import { compileCliTopology } from '../../../src/cli/generate.js';
import { memoryIO } from '../../../src/cli/io.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';

async function zerotierLab() {
  const { lab } = await compileCliTopology(memoryIO(), 'topologies/zerotier-mesh.yml');
  return lab!;
}

describe('the overlay on the sim runtime', () => {
  it('members get their config and addresses; a member cut off from the controller keeps asking', async () => {
    const lab = await zerotierLab();
    const sim = new SimRuntime();
    await sim.up(lab);
    const [m3] = await sim.overlayNetworks('m3');
    expect(m3).toMatchObject({ network: '8056c2e21c000001', status: 'OK' });
    expect([...m3!.peers].sort()).toEqual(['m1', 'm2', 'm4', 'm5']);
    expect(m3!.addresses).toContain('10.147.17.1/24');
    // nat1's uplink is link 4 (inet–nat1): without it m3 cannot reach ctl, but what it had stays.
    const sim2 = new SimRuntime();
    await sim2.up(lab);
    await sim2.setLinkState({ index: 4 }, 'down');
    expect((await sim2.overlayNetworks('m3'))[0]!.status).toBe('REQUESTING_CONFIGURATION');
    expect((await sim2.overlayNetworks('m1'))[0]!.peers).not.toContain('m3');
    await sim2.setLinkState({ index: 4 }, 'up');
    expect((await sim2.overlayNetworks('m3'))[0]!.status).toBe('OK');
  });

  it('deauthorizing refuses the member and removes it from the others\' peers; authorizing brings it back', async () => {
    const sim = new SimRuntime();
    await sim.up(await zerotierLab());
    await sim.overlayAuthorize('m4', false);
    expect((await sim.overlayNetworks('m4'))[0]).toMatchObject({ status: 'ACCESS_DENIED', addresses: [] });
    expect([...(await sim.overlayNetworks('m5'))[0]!.peers].sort()).toEqual(['m1', 'm2', 'm3']);
    await sim.overlayAuthorize('m4', true);
    expect((await sim.overlayNetworks('m4'))[0]!.addresses).toContain('10.147.17.14/24');
  });

  it('names only members', async () => {
    const sim = new SimRuntime();
    await sim.up(await zerotierLab());
    await expect(sim.overlayNetworks('ctl')).rejects.toThrow(/not a zerotier member/);
  });
});
