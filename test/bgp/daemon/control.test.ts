/** The bgpd control API against three daemons on loopback: dut with two eBGP speakers p1 and p2. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LoopbackLab, until } from './loopback-lab.js';
import type { NeighborView, RibRow } from '../../../src/bgp/daemon/views.js';

const lab = new LoopbackLab();

beforeAll(async () => {
  await lab.start({ dutPeers: ({ p1, p2 }) => [{ to: p1 }, { to: p2, extra: 'import: not-192\nexport: all' }], dutMore: 'policies:\n  not-192:\n    - match: { prefix: ["192.0.2.0/24 le 32"] }\n      action: reject\n    - action: accept' });
  await lab.established('p1', 'p2');
  expect((await lab.p1.post('/announce', { prefix: '198.51.100.0/24', med: 5, communities: ['65002:1'], largeCommunities: ['65002:1:2'] })).status).toBe(200);
  expect((await lab.p1.post('/announce', { prefix: '198.51.100.128/25' })).status).toBe(200);
  expect((await lab.p2.post('/announce', { prefix: '203.0.113.0/24', asPath: [64512] })).status).toBe(200);
  expect((await lab.p2.post('/announce', { prefix: '192.0.2.0/24' })).status).toBe(200);
  await until('routes at dut', () => (lab.dut.daemon.speaker.locRibSize() === 3 && lab.dut.daemon.speaker.peerRouteCounts('p2').received === 2 ? true : undefined));
}, 30_000);

afterAll(() => lab.stop());

const rib = async (query: string) => {
  const r = await lab.dut.get<RibRow[]>(`/rib?${query}`);
  expect(r.status).toBe(200);
  return r.body;
};

describe('bgpd control API', () => {
  test('neighbors: state, uptime, prefixes received/accepted/advertised, message counts', async () => {
    const { body } = await lab.dut.get<NeighborView[]>('/neighbors');
    expect(body.map((n) => [n.name, n.address, n.remoteAs, n.state])).toEqual([['p1', '127.0.0.2', 65002, 'Established'], ['p2', '127.0.0.3', 65003, 'Established']]);
    const p2 = body.find((n) => n.name === 'p2')!;
    expect(p2.prefixes).toEqual({ received: 2, accepted: 1, advertised: 2 });
    expect(p2.routeRefresh).toBe(true);
    expect(p2.uptime).toBeGreaterThanOrEqual(0);
    // At least one each way (a connection collision settled by address may have carried another).
    expect(p2.messages.received.open).toBeGreaterThanOrEqual(1);
    expect(p2.messages.sent.open).toBeGreaterThanOrEqual(1);
    expect(p2.messages.received.update).toBeGreaterThanOrEqual(2);
    expect(p2.messages.sent.keepalive).toBeGreaterThanOrEqual(1);
    const one = await lab.dut.get<NeighborView>('/neighbors/127.0.0.2');
    expect(one.body.name).toBe('p1');
  });

  test('Loc-RIB with prefix (exact, longer), peer and community filters', async () => {
    expect((await rib('')).map((r) => r.prefix)).toEqual(['198.51.100.0/24', '198.51.100.128/25', '203.0.113.0/24']);
    const [r] = await rib('prefix=198.51.100.0/24');
    expect(r).toMatchObject({ prefix: '198.51.100.0/24', from: 'p1', asPath: [65002], nextHop: '127.0.0.2', med: 5, communities: ['65002:1'], largeCommunities: ['65002:1:2'] });
    expect((await rib('prefix=198.51.100.0/24&match=longer')).map((x) => x.prefix)).toEqual(['198.51.100.0/24', '198.51.100.128/25']);
    expect((await rib('prefix=198.51.0.0/16&match=longer')).length).toBe(2);
    expect(await rib('prefix=198.51.0.0/16')).toEqual([]);
    expect((await rib('peer=p2')).map((x) => x.prefix)).toEqual(['203.0.113.0/24']);
    expect((await rib('community=65002:1')).map((x) => x.prefix)).toEqual(['198.51.100.0/24']);
    expect((await rib('large-community=65002:1:2')).map((x) => x.prefix)).toEqual(['198.51.100.0/24']);
    expect((await rib('limit=1')).length).toBe(1);
  });

  test('Adj-RIB-In before and after import policy, Adj-RIB-Out', async () => {
    expect((await rib('table=in&peer=p2&policy=pre')).map((x) => x.prefix)).toEqual(['192.0.2.0/24', '203.0.113.0/24']);
    expect((await rib('table=in&peer=p2')).map((x) => x.prefix)).toEqual(['203.0.113.0/24']);
    expect((await rib('table=in')).map((x) => `${x.peer} ${x.prefix}`)).toEqual(['p1 198.51.100.0/24', 'p1 198.51.100.128/25', 'p2 203.0.113.0/24']);
    const out = await rib('table=out&peer=p2');
    expect(out.map((x) => [x.prefix, x.asPath, x.nextHop])).toEqual([['198.51.100.0/24', [65001, 65002], '127.0.0.1'], ['198.51.100.128/25', [65001, 65002], '127.0.0.1']]);
    // The older path form still answers.
    expect((await lab.dut.get<RibRow[]>('/rib/in/p2?policy=pre')).body.length).toBe(2);
  });

  test('announce with attributes reaches the peers; withdraw takes it back', async () => {
    const a = await lab.dut.post('/announce', { prefix: '100.64.0.0/16', nextHop: '127.0.0.1', asPath: [65010], med: 40, communities: ['65001:7', '65001:8'], largeCommunities: ['65001:0:1'], origin: 'incomplete' });
    expect(a).toEqual({ status: 200, body: { announced: '100.64.0.0/16' } });
    const seen = await until('100.64.0.0/16 at p1', () => lab.p1.daemon.speaker.bestRoute('100.64.0.0/16'));
    expect(seen.attributes).toMatchObject({ asPath: [{ type: 2, asns: [65001, 65010] }], med: 40, origin: 2, largeCommunities: [[65001, 0, 1]] });
    expect(seen.attributes.communities).toEqual([((65001 << 16) | 7) >>> 0, ((65001 << 16) | 8) >>> 0]);
    expect((await rib('peer=local')).map((x) => x.prefix)).toEqual(['100.64.0.0/16']);
    expect(await lab.dut.post('/withdraw', { prefix: '100.64.0.0/16' })).toEqual({ status: 200, body: { withdrawn: '100.64.0.0/16' } });
    await until('100.64.0.0/16 gone at p2', () => (lab.p2.daemon.speaker.bestRoute('100.64.0.0/16') ? undefined : true));
    const again = await lab.dut.post<{ code: string; hint: string }>('/withdraw', { prefix: '100.64.0.0/16' });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('bgpd.control.not-announced');
  });

  test('bad requests are 400/404 with a code and a hint', async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['/announce', { prefix: '10.0.0.1/8' }, 400, /host bits/],
      ['/announce', { prefix: 'nonsense' }, 400, /not a prefix/],
      ['/announce', { prefix: '10.0.0.0/8', nextHop: '2001:db8::1' }, 400, /IPv4/],
      ['/announce', { prefix: '10.0.0.0/8', communities: ['70000:1'] }, 400, /not a community/],
      ['/announce', { prefix: '10.0.0.0/8', colour: 'blue' }, 400, /colour/],
      ['/neighbors/nobody/shutdown', {}, 404, /no neighbor "nobody"/],
    ];
    for (const [path, body, status, message] of cases) {
      const r = await lab.dut.post<{ error: string; hint?: string }>(path, body);
      expect({ path, status: r.status }).toEqual({ path, status });
      expect(r.body.error).toMatch(message);
      expect(r.body.hint).toBeTruthy();
    }
    expect((await lab.dut.get<{ error: string }>('/rib?table=sideways')).status).toBe(400);
    expect((await lab.dut.get('/nowhere')).status).toBe(404);
    expect((await lab.dut.get('/announce')).status).toBe(405);
  });

  test('soft reset in asks the peer for ROUTE-REFRESH; soft reset out re-sends the table', async () => {
    const refreshes = () => lab.p1.daemon.counters('dut')!.received.get('route_refresh');
    const updates = () => lab.p1.daemon.counters('dut')!.received.get('update');
    const before = refreshes();
    const r = await lab.dut.post<{ refreshed: boolean }>('/neighbors/p1/reset', { soft: 'in' });
    expect(r.body).toMatchObject({ peer: 'p1', done: 'soft reset in', refreshed: true });
    await until('p1 receives ROUTE-REFRESH', () => (refreshes() > before ? true : undefined));
    const u = updates();
    expect((await lab.dut.post('/neighbors/p1/reset', { soft: 'out' })).status).toBe(200);
    await until('p1 receives the table again', () => (updates() > u ? true : undefined));
    expect(lab.dut.state('p1')).toBe('Established');
  });

  test('shutdown with an RFC 8203 message, enable, and a hard reset', async () => {
    const r = await lab.dut.post('/neighbors/p2/shutdown', { message: 'maintenance until 10:00' });
    expect(r.status).toBe(200);
    await until('p2 down', () => (lab.dut.state('p2') === 'Idle' ? true : undefined));
    const cease = await until('p2 hears the message', () => lab.p2.daemon.events.find((e) => e.type === 'notification-received' && e.code === 6));
    expect(cease).toMatchObject({ subcode: 2, text: 'maintenance until 10:00' });
    expect((await rib('peer=p2')).length).toBe(0);
    // It stays down (Idle, no reconnect) until enabled.
    await new Promise((res) => setTimeout(res, 1500));
    expect(lab.dut.state('p2')).toBe('Idle');
    expect((await lab.dut.post('/neighbors/p2/enable')).status).toBe(200);
    // p2 heard a Cease and damps its restart (as BIRD does after an error); its operator starts it again.
    expect((await lab.p2.post('/neighbors/dut/enable')).status).toBe(200);
    await lab.established('p2');
    await until('p2 routes back', async () => ((await rib('peer=p2')).length === 1 ? true : undefined));

    const transitions = lab.dut.daemon.counters('p1')!.establishedTransitions;
    expect((await lab.dut.post('/neighbors/p1/reset', {})).status).toBe(200);
    await until('p1 hears the Cease', () => (lab.p1.state('dut') === 'Idle' ? true : undefined));
    expect((await lab.p1.post('/neighbors/dut/enable')).status).toBe(200);
    await until('p1 re-established', () => (lab.dut.daemon.counters('p1')!.establishedTransitions > transitions && lab.dut.state('p1') === 'Established' ? true : undefined));
  }, 30_000);

  test('/health, /metrics and /manifest', async () => {
    const h = await lab.dut.get<Record<string, unknown>>('/health');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', module: 'flatlab-bgpd', asn: 65001, routerId: '10.0.0.1' });
    const m = await lab.dut.get('/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toContain('# TYPE flatlab_bgp_messages_received_total counter');
    expect(m.text).toMatch(/^flatlab_bgp_peer_state\{peer="p1",state="Established"\} 1$/m);
    expect(m.text).toMatch(/^flatlab_bgp_peer_state\{peer="p1",state="Idle"\} 0$/m);
    expect(m.text).toMatch(/^flatlab_bgp_peer_up\{address="127\.0\.0\.2",peer="p1",remote_as="65002"\} 1$/m);
    expect(m.text).toMatch(/^flatlab_bgp_prefixes_received\{peer="p2"\} 2$/m);
    expect(m.text).toMatch(/^flatlab_bgp_prefixes_accepted\{peer="p2"\} 1$/m);
    expect(m.text).toMatch(/^flatlab_bgp_messages_received_total\{peer="p1",type="open"\} [1-9]\d*$/m);
    expect(m.text).toMatch(/^flatlab_bgp_updates_sent_total\{peer="p1"\} [1-9]\d*$/m);
    expect(m.text).toMatch(/^flatlab_bgp_peer_uptime_seconds\{peer="p1"\} \d+$/m);
    expect(m.text).toMatch(/^flatlab_bgp_loc_rib_routes 3$/m);
    const man = await lab.dut.get('/manifest');
    // On a socket there is no URL to give.
    expect(man.body).toEqual({ module: 'flatlab-bgpd', version: expect.any(String), layer: 'network', requires: [], provides: ['bgp'], health_endpoint: null, metrics_endpoint: null });
  });
});
