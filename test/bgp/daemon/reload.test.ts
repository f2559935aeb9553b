/** Live reload: planReload as a pure diff, then applied to daemons on loopback (SIGHUP and POST /reload). */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseBgpdConfig, type BgpdConfig } from '../../../src/bgp/daemon/config.js';
import { planIsEmpty, planReload } from '../../../src/bgp/daemon/reload.js';
import type { ReloadOutcome } from '../../../src/bgp/daemon/daemon.js';
import { bgpdYaml, LoopbackLab, until } from './loopback-lab.js';

const base = `
router-id: 10.0.0.1
asn: 65001
originate: [192.0.2.0/24, 198.51.100.0/24]
policies:
  tag: [{ set: { community-add: ["65001:1"] }, action: accept }]
peers:
  - { name: a, address: 10.1.0.2, remote-as: 65002, local-address: 10.1.0.1, import: all, export: tag }
  - { name: b, address: 10.1.0.3, remote-as: 65003, local-address: 10.1.0.1 }
  - { name: c, address: 10.1.0.4, remote-as: 65001, local-address: 10.1.0.1 }
`;
const cfg = (text: string): BgpdConfig => parseBgpdConfig(text, 'bgpd.yml');

describe('planReload', () => {
  test('the same file changes nothing, whatever the key order', () => {
    const a = cfg(base);
    const reordered = cfg(base.replace('router-id: 10.0.0.1\nasn: 65001', 'asn: 65001\nrouter-id: 10.0.0.1').replace('{ name: a, address: 10.1.0.2, remote-as: 65002', '{ remote-as: 65002, address: 10.1.0.2, name: a'));
    const plan = planReload(a, reordered);
    expect(planIsEmpty(plan)).toBe(true);
    expect(plan.unchanged).toEqual(['a', 'b', 'c']);
  });

  test('added, removed, restarted, soft-reset peers and the originate difference', () => {
    const next = cfg(
      base
        .replace('originate: [192.0.2.0/24, 198.51.100.0/24]', 'originate: [198.51.100.0/24, 203.0.113.0/24]')
        .replace('community-add: ["65001:1"]', 'community-add: ["65001:2"]')
        .replace("  - { name: b, address: 10.1.0.3, remote-as: 65003, local-address: 10.1.0.1 }\n", '')
        .replace('remote-as: 65001, local-address: 10.1.0.1 }', 'remote-as: 65001, local-address: 10.1.0.1, hold-time: 30, description: changed }')
        .concat('  - { name: d, address: 10.1.0.5, remote-as: 65005, local-address: 10.1.0.1 }\n'),
    );
    const plan = planReload(cfg(base), next);
    expect(plan).toMatchObject({
      refused: [],
      removed: ['b'],
      added: ['d'],
      restarted: [{ peer: 'c', changed: ['hold-time'] }],
      softReset: [{ peer: 'a', import: false, export: true }],
      unchanged: [],
      originate: ['203.0.113.0/24'],
      withdraw: ['192.0.2.0/24'],
    });
  });

  test('an RFC 8212 change re-evaluates the peers that rely on the default, and only them', () => {
    const plan = planReload(cfg(base), cfg(`rfc8212: false\n${base}`));
    expect(plan.softReset).toEqual([{ peer: 'b', import: true, export: true }]);
    expect(plan.unchanged).toEqual(['a', 'c']);
  });

  test('identity and socket changes are refused', () => {
    const plan = planReload(cfg(base), cfg(base.replace('asn: 65001', 'asn: 65009').replace('router-id: 10.0.0.1', 'router-id: 10.0.0.9')));
    expect(plan.refused.map((r) => r.key)).toEqual(['asn', 'router-id']);
    expect(plan.refused[0]!.message).toMatch(/65001 → 65009/);
  });

  test('property: a plan moves the peer set from old to new, each peer in exactly one bucket', () => {
    const peerArb = fc.record({ n: fc.integer({ min: 2, max: 9 }), hold: fc.constantFrom(90, 30), exp: fc.constantFrom('all', 'none', 'tag') });
    fc.assert(
      fc.property(fc.uniqueArray(peerArb, { selector: (p) => p.n, maxLength: 6 }), fc.uniqueArray(peerArb, { selector: (p) => p.n, maxLength: 6 }), (xs, ys) => {
        const text = (ps: typeof xs) => `router-id: 10.0.0.1\nasn: 65001\npolicies:\n  tag: [{ action: accept }]\npeers:\n${ps.map((p) => `  - { name: p${p.n}, address: 10.1.0.${p.n}, remote-as: ${65000 + p.n}, local-address: 10.1.0.1, hold-time: ${p.hold}, export: ${p.exp} }`).join('\n') || '  []'}\n`;
        const plan = planReload(cfg(text(xs)), cfg(text(ys)));
        const before = new Set(xs.map((p) => `p${p.n}`));
        const after = ys.map((p) => `p${p.n}`);
        const buckets = [...plan.added, ...plan.restarted.map((r) => r.peer), ...plan.softReset.map((r) => r.peer), ...plan.unchanged].sort();
        expect(buckets).toEqual([...after].sort());
        expect(plan.removed.sort()).toEqual([...before].filter((p) => !after.includes(p)).sort());
        expect(plan.added.every((p) => !before.has(p))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('live reload on loopback', () => {
  const lab = new LoopbackLab();
  beforeAll(async () => {
    await lab.start();
    await lab.established('p1', 'p2');
  }, 30_000);
  afterAll(() => lab.stop());

  test('SIGHUP: a new policy and originate list apply; the unchanged session is not reset; a removed peer gets a Cease', async () => {
    const { dut, p1, p2 } = lab.nodes;
    const p1Transitions = lab.dut.daemon.counters('p1')!.establishedTransitions;
    const p1Opens = lab.p1.daemon.counters('dut')!.received.get('open');
    lab.dut.writeConfig(bgpdYaml(dut, [{ to: p1, extra: 'import: all\nexport: tag' }], 'originate: [203.0.113.0/24]\npolicies:\n  tag: [{ set: { med: 77 }, action: accept }]'));
    lab.dut.signals.emit('SIGHUP');
    const at1 = await until('203.0.113.0/24 at p1 with MED 77', () => {
      const r = lab.p1.daemon.speaker.bestRoute('203.0.113.0/24');
      return r?.attributes.med === 77 ? r : undefined;
    });
    expect(at1.from).toBe('dut');
    const cease = await until('p2 hears the Cease', () => lab.p2.daemon.events.find((e) => e.type === 'notification-received' && e.code === 6));
    expect(cease).toMatchObject({ text: 'peer removed by configuration reload' });
    expect(lab.dut.daemon.speaker.peerIds()).toEqual(['p1']);
    // The unchanged session stayed up: no new Established, no second OPEN at p1.
    expect(lab.dut.state('p1')).toBe('Established');
    expect(lab.dut.daemon.counters('p1')!.establishedTransitions).toBe(p1Transitions);
    expect(lab.p1.daemon.counters('dut')!.received.get('open')).toBe(p1Opens);
    expect(lab.dut.daemon.lastReload).toMatchObject({ ok: true, plan: { removed: ['p2'], softReset: [{ peer: 'p1', import: false, export: true }], originate: ['203.0.113.0/24'] } });
    expect((await lab.dut.get<{ neighbors: unknown[] }>('/health')).body.neighbors).toHaveLength(1);
    void p2;
  }, 30_000);

  test('POST /reload: a peer added back establishes; a changed hold time restarts only that session', async () => {
    const { dut, p1, p2 } = lab.nodes;
    lab.dut.writeConfig(bgpdYaml(dut, [{ to: p1, extra: 'import: all\nexport: tag' }, { to: p2 }], 'originate: [203.0.113.0/24]\npolicies:\n  tag: [{ set: { med: 77 }, action: accept }]'));
    const r = await lab.dut.post<ReloadOutcome>('/reload');
    expect(r.status).toBe(200);
    expect(r.body.plan.added).toEqual(['p2']);
    // p2 damps its restart after the Cease; its operator starts it again.
    await lab.p2.post('/neighbors/dut/enable');
    await lab.established('p1', 'p2');

    const p1Transitions = lab.dut.daemon.counters('p1')!.establishedTransitions;
    const p2Transitions = lab.dut.daemon.counters('p2')!.establishedTransitions;
    lab.dut.writeConfig(bgpdYaml(dut, [{ to: p1, extra: 'import: all\nexport: tag' }, { to: p2, extra: 'import: all\nexport: all\nhold-time: 6' }], 'originate: [203.0.113.0/24]\npolicies:\n  tag: [{ set: { med: 77 }, action: accept }]'));
    const r2 = await lab.dut.post<ReloadOutcome>('/reload');
    expect(r2.body.plan.restarted).toEqual([{ peer: 'p2', changed: ['hold-time'] }]);
    await until('p2 sees the Cease', () => (lab.p2.state('dut') !== 'Established' ? true : undefined));
    await lab.p2.post('/neighbors/dut/enable');
    await until('p2 re-established', () => (lab.dut.daemon.counters('p2')!.establishedTransitions > p2Transitions && lab.dut.state('p2') === 'Established' ? true : undefined));
    expect(lab.dut.daemon.counters('p1')!.establishedTransitions).toBe(p1Transitions);
  }, 40_000);

  test('a refused or invalid reload keeps the running configuration and degrades /health', async () => {
    const { dut, p1, p2 } = lab.nodes;
    const running = lab.dut.daemon.config;
    lab.dut.writeConfig(bgpdYaml({ ...dut, asn: 65099 }, [{ to: p1 }, { to: p2 }]));
    const refused = await lab.dut.post<ReloadOutcome>('/reload');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/asn changed \(65001 → 65099\)/);
    expect(lab.dut.daemon.config).toBe(running);

    lab.dut.writeConfig('router-id: 10.0.0.1\nasn: 65001\npeers:\n  - { address: 10.1.0.2, remote-as: 65002, local-addres: 10.1.0.1 }\n');
    const invalid = await lab.dut.post<ReloadOutcome>('/reload');
    expect(invalid.status).toBe(409);
    expect(invalid.body.error).toMatch(/dut\.yml:4:\d+/);
    expect(lab.dut.daemon.config).toBe(running);
    const h = await lab.dut.get<{ status: string; last_reload: { ok: boolean } }>('/health');
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ status: 'degraded', last_reload: { ok: false } });
    expect(lab.dut.state('p1')).toBe('Established');
    const m = await lab.dut.get('/metrics');
    expect(m.text).toMatch(/^flatlab_bgp_reloads_total\{result="failed"\} 2$/m);
    expect(m.text).toMatch(/^flatlab_bgp_reloads_total\{result="ok"\} 3$/m);
  });
});
