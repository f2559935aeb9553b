// flatlab bgpd's MRT output end to end on loopback: dut (AS 65001) learns overlapping routes
// from p1 and p2, `flatlab bgp mrt-dump` writes its RIB, and the dump read back with our
// reader is dut's Loc-RIB (first entries) and Adj-RIB-In (all entries); the update log holds
// the sessions' state changes and every message, received and sent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeBgp4mp } from '../../../src/bgp/mrt/bgp4mp.js';
import { readMrtRecords } from '../../../src/bgp/mrt/record.js';
import { codecContext, decodeMessage } from '../../../src/bgp/wire/index.js';
import { memoryIO } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { entryAttributes } from '../../../src/bgp/daemon/rib-snapshot.js';
import { LoopbackLab, until } from './loopback-lab.js';
import { readDump } from '../mrt/support/read-dump.js';

const lab = new LoopbackLab();
const MRT = [
  'mrt:',
  '  table-dump: { file: "dumps/rib.%Y%m%d.%H%M.mrt", interval: 2h }',
  '  updates: { file: "updates.%Y%m%d.mrt.gz", rotate: 1d, sent: true }',
  '  extended-timestamp: true',
].join('\n');

beforeAll(async () => {
  await lab.start({ dutPeers: ({ p1, p2 }) => [{ to: p1, extra: 'families: [ipv4, ipv6]\nimport: all\nexport: all' }, { to: p2 }], dutMore: MRT });
  // p1 speaks IPv6 too (over its IPv4 session).
  lab.p1.writeConfig(readFileSync(lab.p1.file, 'utf8').replace('    import: all', '    families: [ipv4, ipv6]\n    import: all'));
  expect((await lab.p1.post('/reload')).status).toBe(200);
  await lab.established('p1', 'p2');
  const announce = async (d: typeof lab.p1, prefix: string, body: Record<string, unknown>) => expect((await d.post('/announce', { prefix, ...body })).status).toBe(200);
  await announce(lab.p1, '198.51.100.0/24', { asPath: [64500], nextHop: '192.0.2.2', med: 10, communities: ['65002:1'] });
  await announce(lab.p1, '203.0.113.0/24', { asPath: [4200000001], nextHop: '192.0.2.2', largeCommunities: ['4200000001:1:2'] });
  await announce(lab.p1, '2001:db8:1::/48', { asPath: [64500], nextHop: '2001:db8::2' });
  await announce(lab.p2, '198.51.100.0/24', { asPath: [64500, 64501], nextHop: '192.0.2.3' });
  await until('dut has 3 prefixes and both paths of 198.51.100.0/24', () => (lab.dut.daemon.speaker.locRibSize() === 3 && lab.dut.daemon.speaker.adjRibIn('p2').size === 1 ? true : undefined), 45_000);
}, 60_000);
afterAll(() => lab.stop());

describe('flatlab bgpd MRT output', () => {
  test('flatlab bgp mrt-dump: the dump is the Loc-RIB (best first) and every Adj-RIB-In path', async () => {
    const io = memoryIO(lab.dir);
    expect(await main(['bgp', 'mrt-dump', '--control', lab.dut.socket, '--file', 'now.mrt', '--json'], io)).toBe(0);
    const result = JSON.parse(io.text().stdout) as { file: string; prefixes: number; entries: number };
    expect(result).toMatchObject({ file: join(lab.dir, 'now.mrt'), prefixes: 3, entries: 4 });
    const dump = readDump(readFileSync(result.file));
    const speaker = lab.dut.daemon.speaker;
    expect(dump.table.peers.map((p) => [p.bgpId, p.as])).toEqual([['10.0.0.1', 65001], ['10.0.0.2', 65002], ['10.0.0.3', 65003]]);
    const peerIds = ['local', 'p1', 'p2'];
    // First entries: the Loc-RIB.
    expect(dump.routes.map((r) => ({ prefix: r.prefix, from: peerIds[r.entries[0]!.peerIndex], attributes: r.entries[0]!.attributes })))
      .toEqual(speaker.locRibRoutes().map((r) => ({ prefix: r.prefix, from: r.from, attributes: withoutUndefined(r.attributes) })).sort((a, b) => Number(a.prefix.includes(':')) - Number(b.prefix.includes(':'))));
    // Every entry: each peer's Adj-RIB-In after import policy.
    for (const [i, peer] of [[1, 'p1'], [2, 'p2']] as const) {
      const inDump = new Map(dump.routes.flatMap((r) => r.entries.filter((e) => e.peerIndex === i).map((e) => [r.prefix, e.attributes] as const)));
      expect(inDump).toEqual(new Map([...speaker.adjRibIn(peer)].map(([p, a]) => [p, withoutUndefined(a)])));
    }
    expect(dump.routes.find((r) => r.prefix === '198.51.100.0/24')!.entries.map((e) => e.peerIndex)).toEqual([1, 2]);
    // /metrics counts it.
    expect((await lab.dut.get<string>('/metrics')).text).toMatch(/flatlab_bgp_mrt_table_dumps_total\{result="ok"\} 1/);
  });

  test('without --file the configured template names the dump (relative to bgpd.yml)', async () => {
    const io = memoryIO(lab.dir);
    expect(await main(['bgp', 'mrt-dump', '--control', lab.dut.socket], io)).toBe(0);
    expect(io.text().stdout).toMatch(new RegExp(`^${join(lab.dir, 'dumps')}/rib\\.\\d{8}\\.\\d{4}\\.mrt: 3 prefixes, 4 entries, \\d+ bytes\\n$`));
  });

  test('a daemon without mrt.table-dump needs --file: 409 from the API, exit 2 with the hint from the CLI', async () => {
    const r = await lab.p1.post<{ code: string; hint: string }>('/mrt-dump');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('bgpd.control.mrt-no-table-dump');
    const io = memoryIO(lab.dir);
    expect(await main(['bgp', 'mrt-dump', '--control', lab.p1.socket], io)).toBe(2);
    expect(io.text().stderr).toMatch(/no file given and bgpd\.yml has no mrt\.table-dump[\s\S]*flatlab bgp mrt-dump --file/);
    const ok = memoryIO(lab.dir);
    expect(await main(['bgp', 'mrt-dump', '--control', lab.p1.socket, '--file', 'p1.mrt.gz'], ok)).toBe(0);
    const { gunzipSync } = await import('node:zlib');
    expect(readDump(gunzipSync(readFileSync(join(lab.dir, 'p1.mrt.gz')))).routes.map((x) => x.prefix)).toContain('198.51.100.0/24');
  });

  test('the update log of the running daemon: flatlab mrt dump prints what it logged so far, then says the file is not finished', async () => {
    const file = join(lab.dir, `updates.${new Date().toISOString().slice(0, 10).replace(/-/g, '')}.mrt.gz`);
    let io = memoryIO(lab.dir);
    // The daemon flushes its .gz within a second of a record; bounded wait.
    for (let i = 0; i < 50; i++) {
      io = memoryIO(lab.dir);
      await main(['mrt', 'dump', file], io);
      if (/\|STATE\|/.test(io.text().stdout)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(io.text().stdout).toMatch(/BGP4MP\|\d+\|STATE\|127\.0\.0\.2\|/);
    expect(io.text().stderr).toMatch(/ends inside its gzip stream/);
  });

  test('the update log: state changes, and every message received and sent, in BGP4MP_ET records', async () => {
    await lab.dut.stop(); // the lab's directory stays until afterAll
    expect(lab.dut.daemon.mrt?.armed).toBe(false); // dump and rotation timers cleared at shutdown
    const file = join(lab.dir, `updates.${new Date().toISOString().slice(0, 10).replace(/-/g, '')}.mrt.gz`);
    const { gunzipSync } = await import('node:zlib');
    const records = [...readMrtRecords(gunzipSync(readFileSync(file)))];
    expect(new Set(records.map((r) => r.type))).toEqual(new Set([17]));
    const decoded = records.map((r) => decodeBgp4mp(r.subtype, r.message, r.offset));
    const fromP1 = decoded.filter((d) => d.peerIp.join('.') === '127.0.0.2');
    expect(fromP1.filter((d) => d.state).map((d) => d.state!.new)).toContain(6);
    const ctx = codecContext({ fourOctetAs: true, extendedMessage: true });
    const received = fromP1.filter((d) => d.subtype === 4).map((d) => decodeMessage(d.bgpMessage!, ctx).message);
    const sent = fromP1.filter((d) => d.subtype === 7).map((d) => decodeMessage(d.bgpMessage!, ctx).message);
    expect(received[0]?.type).toBe('OPEN');
    expect(sent[0]?.type).toBe('OPEN');
    const announced = received.flatMap((m) => (m.type === 'UPDATE' ? [...m.nlri.map((n) => n.prefix), ...(m.attributes.mpReach?.nlri ?? []).map((n) => n.prefix)] : []));
    expect(new Set(announced)).toEqual(new Set(['198.51.100.0/24', '203.0.113.0/24', '2001:db8:1::/48']));
    // At shutdown the session leaves Established and we send a Cease: both are the last records for p1.
    expect(fromP1.slice(-2).map((d) => (d.state ? `state ${d.state.old}>${d.state.new}` : `${d.subtype}`))).toEqual(['state 6>1', '7']);
    expect(sent.at(-1)?.type).toBe('NOTIFICATION');
  });
});

function withoutUndefined<T extends object>(a: T): T {
  return Object.fromEntries(Object.entries(entryAttributes('0.0.0.0/0', a as never)).filter(([, v]) => v !== undefined)) as T;
}
