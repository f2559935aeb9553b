/**
 * flatlab bgpd with `damping:` on loopback: a route p1 withdraws and announces again three times
 * over a session that stays up is held back at dut (Adj-RIB-In shows the penalty, suppressed and
 * the reuse time; the Loc-RIB has no route), and `flatlab bgp rib in` prints it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LoopbackLab, until } from './loopback-lab.js';
import type { RibRow } from '../../../src/bgp/daemon/views.js';
import { ribTable } from '../../../src/cli/bgp-tables.js';

const lab = new LoopbackLab();
const P = '198.51.100.0/24';

beforeAll(async () => {
  await lab.start({ dutMore: 'damping:\n  half-life: 60\n  reuse: 1500\n  suppress: 2000\n  max-suppress: 240' });
  await lab.established('p1', 'p2');
}, 30_000);

afterAll(() => lab.stop());

describe('bgpd route flap damping', () => {
  test('three flaps suppress the route; the Adj-RIB-In shows why and until when', async () => {
    const atDut = () => lab.dut.daemon.speaker.routesWithDamping(P)[0];
    for (let i = 0; i < 3; i++) {
      expect((await lab.p1.post('/announce', { prefix: P })).status).toBe(200);
      await until('the route at dut', () => atDut());
      expect((await lab.p1.post('/withdraw', { prefix: P })).status).toBe(200);
      await until('the withdrawal at dut', () => (atDut() === undefined ? true : undefined));
    }
    expect((await lab.p1.post('/announce', { prefix: P })).status).toBe(200);
    await until('the route back at dut', () => atDut());
    const loc = await lab.dut.get<RibRow[]>(`/rib?prefix=${P}`);
    expect(loc.body).toEqual([]);
    const adjIn = await lab.dut.get<RibRow[]>(`/rib?table=in&peer=p1&prefix=${P}`);
    expect(adjIn.body).toHaveLength(1);
    const d = adjIn.body[0]!.damping!;
    expect(d.suppressed).toBe(true);
    expect(d.flaps).toBe(3);
    expect(d.penalty).toBeGreaterThan(2000);
    expect(d.penalty).toBeLessThanOrEqual(3000);
    // 60·log2(penalty/1500) seconds, give or take the time the test took.
    expect(d.reuseIn).toBeGreaterThan(40);
    expect(d.reuseIn).toBeLessThanOrEqual(Math.ceil(60 * Math.log2(d.penalty / 1500)) + 1);
    const text = ribTable(adjIn.body, 'in');
    expect(text).toMatch(/Penalty\s+Reuse in/);
    expect(text).toContain(`d ${d.penalty}`);
    // p2's routes never flapped: nothing to show for them.
    expect((await lab.p2.post('/announce', { prefix: '203.0.113.0/24' })).status).toBe(200);
    await until('p2 route', () => lab.dut.daemon.speaker.bestRoute('203.0.113.0/24'));
    expect((await lab.dut.get<RibRow[]>('/rib?table=in&peer=p2')).body.every((r) => r.damping === undefined)).toBe(true);
  }, 30_000);
});
