import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_HOP_DELAY_MS, SimNetwork } from '../../../src/runtime/sim/network.js';
import { seededRandom } from '../../../src/runtime/sim/random.js';
import type { Lab } from '../../../src/topology/lab.js';
import { compiledLab } from '../../support/compiled-lab.js';

async function lab(): Promise<Lab> {
  // r1 - r2 - r3 in one AS (iBGP over loopbacks needs the compiled static routes), r4 eBGP to r3.
  return compiledLab(join(import.meta.dirname, 'fixtures', 'line.yml'));
}

const addr = (cidr: string | undefined) => cidr!.split('/')[0]!;

describe('SimNetwork', () => {
  it('reaches a neighbour over the connected link and a loopback along static routes', async () => {
    const l = await lab();
    const net = new SimNetwork(l, seededRandom(1));
    const r1 = l.nodes.find((n) => n.name === 'r1')!;
    const r2 = l.nodes.find((n) => n.name === 'r2')!;
    const r3 = l.nodes.find((n) => n.name === 'r3')!;
    const r2OnLink0 = r2.interfaces.find((i) => i.link === 0)!;
    expect(net.path('r1', addr(r2OnLink0.ipv4))).toEqual({ links: [0], to: 'r2' });
    expect(net.path('r1', addr(r3.loopback.ipv4))).toEqual({ links: [0, 1], to: 'r3' });
    expect(net.path('r3', addr(r1.loopback.ipv4))).toEqual({ links: [1, 0], to: 'r1' });
    expect(net.ownerOf(addr(r3.loopback.ipv4))).toBe('r3');
  });

  it('loses the path when a link on it is down, as static routes would; stopped daemons do not stop forwarding', async () => {
    const l = await lab();
    const net = new SimNetwork(l, seededRandom(1));
    const r3lo = addr(l.nodes.find((n) => n.name === 'r3')!.loopback.ipv4);
    const v = net.version;
    net.setLinkUp(1, false);
    expect(net.version).toBeGreaterThan(v);
    expect(net.path('r1', r3lo)).toBeUndefined();
    net.setLinkUp(1, true);
    net.setRunning('r2', false);
    expect(net.path('r1', r3lo)).toBeDefined();
    expect(net.isRunning('r2')).toBe(false);
  });

  it('adds netem delay per hop and a retransmission timeout per loss, deterministically', async () => {
    const l = await lab();
    const a = new SimNetwork(l, seededRandom(7));
    expect(a.transitDelay([0, 1])).toBeCloseTo(2 * BASE_HOP_DELAY_MS);
    a.setNetem(0, { delayMs: 10 });
    expect(a.transitDelay([0, 1])).toBeCloseTo(10 + 2 * BASE_HOP_DELAY_MS);
    a.setNetem(0, { lossPercent: 50 });
    const b = new SimNetwork(l, seededRandom(7));
    b.setNetem(0, { lossPercent: 50 });
    const da = Array.from({ length: 50 }, () => a.transitDelay([0]));
    const db = Array.from({ length: 50 }, () => b.transitDelay([0]));
    expect(da).toEqual(db);
    expect(da.some((d) => d >= 200)).toBe(true);
    expect(da.some((d) => d < 1)).toBe(true);
  });
});
