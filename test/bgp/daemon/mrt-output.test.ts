import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBgp4mp } from '../../../src/bgp/mrt/bgp4mp.js';
import { readMrtRecords } from '../../../src/bgp/mrt/record.js';
import { openMrtFile } from '../../../src/bgp/mrt/input.js';
import { streamMrtRecords } from '../../../src/bgp/mrt/stream.js';
import { mrtConfigSchema, type MrtConfig } from '../../../src/bgp/daemon/mrt-config.js';
import { MrtOutput, type MrtTimers } from '../../../src/bgp/daemon/mrt-output.js';
import type { RibSource } from '../../../src/bgp/daemon/rib-snapshot.js';
import { encodeMessage, codecContext, type PathAttributes } from '../../../src/bgp/wire/index.js';
import { readDump } from '../mrt/support/read-dump.js';

/** Wall clock and timers that move only when the test says so. */
class FakeClock implements MrtTimers {
  private seq = 0;
  readonly pending = new Map<number, { at: number; fn: () => void }>();
  constructor(public now: number) {}
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Moves time forward, running each timer due on the way at its own instant. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (let i = 0; i < 10_000; i++) {
      const next = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
    }
    this.now = end;
  }
}

const T0 = Date.UTC(2024, 0, 1, 0, 59, 30); // 2024-01-01 00:59:30 UTC
const CTX = codecContext({ fourOctetAs: true });

const v4: PathAttributes = { origin: 0, asPath: [{ type: 2, asns: [65010, 4200000001] }], nextHop: '192.0.2.10', med: 7, communities: [65010 * 65536 + 1] };
const v6: PathAttributes = { origin: 0, asPath: [{ type: 2, asns: [65010] }], nextHop: '2001:db8::10' };

function source(overrides: Partial<RibSource> = {}): RibSource {
  return {
    routerId: '192.0.2.1',
    asn: 65000,
    startedAt: T0 / 1000 - 100,
    localId: 'local',
    peers: [{ id: 'p1', address: '192.0.2.2', asn: 65010, bgpId: '192.0.2.2', establishedAt: T0 / 1000 - 50 }],
    locRib: () => [
      { prefix: '10.1.0.0/24', from: 'p1', attributes: v4 },
      { prefix: '2001:db8:1::/48', from: 'p1', attributes: v6 },
    ],
    adjRibIn: () => new Map([['10.1.0.0/24', v4], ['2001:db8:1::/48', v6]]),
    ...overrides,
  };
}

const session = { peerAs: 65010, localAs: 65000, peerIp: Uint8Array.from([192, 0, 2, 2]), localIp: Uint8Array.from([192, 0, 2, 1]) };

let dir: string;
let clock: FakeClock;
let logged: Array<Record<string, unknown>>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mrt-output-'));
  clock = new FakeClock(T0);
  logged = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function output(config: unknown, src: () => RibSource = () => source()): MrtOutput {
  const parsed: MrtConfig = mrtConfigSchema.parse(config);
  return new MrtOutput(parsed, src, (peer) => (peer === 'p1' ? session : undefined), { wallMs: () => clock.now, timers: clock, baseDir: dir, log: (e) => logged.push(e) });
}

/** Waits (bounded) for an asynchronous file error to be seen. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}

/** Lets file streams settle between fake-clock steps (only where nothing should happen). */
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('MRT output: RIB dumps', () => {
  it('dumps at each multiple of the interval, named after the boundary (UTC), and parses back', async () => {
    const out = output({ 'table-dump': { file: 'rib.%Y%m%d.%H%M.mrt', interval: '2h' } });
    out.start();
    expect([...clock.pending.values()].map((t) => t.at)).toEqual([Date.UTC(2024, 0, 1, 2, 0, 0)]);
    clock.advance(3600_000); // 01:59:30: not yet
    await settle();
    expect(readdirSync(dir)).toEqual([]);
    clock.advance(60_000); // 02:00:30
    await out.idle();
    expect(readdirSync(dir)).toEqual(['rib.20240101.0200.mrt']);
    clock.advance(2 * 3600_000); // 04:00:30
    await out.idle();
    expect(readdirSync(dir).sort()).toEqual(['rib.20240101.0200.mrt', 'rib.20240101.0400.mrt']);
    await out.stop();
    const dump = readDump(readFileSync(join(dir, 'rib.20240101.0200.mrt')));
    expect(dump.timestamp).toBe(Date.UTC(2024, 0, 1, 2, 0, 0) / 1000);
    expect(dump.table.peers.map((p) => p.bgpId)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(dump.routes).toEqual([
      { prefix: '10.1.0.0/24', entries: [{ peerIndex: 1, originatedTime: T0 / 1000 - 50, attributes: v4 }] },
      { prefix: '2001:db8:1::/48', entries: [{ peerIndex: 1, originatedTime: T0 / 1000 - 50, attributes: v6 }] },
    ]);
    expect(out.counters.tableDumps).toEqual({ ok: 2, failed: 0 });
  });

  it('a .gz name is gzip-compressed; an on-demand dump takes the template name for now', async () => {
    const out = output({ 'table-dump': { file: 'dumps/%Y/rib.%H%M%S.mrt.gz', interval: 3600 } });
    const r = await out.tableDump();
    expect(r.file).toBe(join(dir, 'dumps/2024/rib.005930.mrt.gz'));
    expect(r).toMatchObject({ prefixes: 2, entries: 2 });
    const dump = readDump(gunzipSync(readFileSync(r.file)));
    expect(dump.routes.map((x) => x.prefix)).toEqual(['10.1.0.0/24', '2001:db8:1::/48']);
  });

  it('a failed write leaves the previous file and no temporary file, is logged and counted, and does not throw into the timer', async () => {
    writeFileSync(join(dir, 'rib.mrt'), 'previous');
    const bad: PathAttributes = { origin: 0, asPath: [], nextHop: 'not-an-address' };
    const out = output({ 'table-dump': { file: 'rib.mrt', interval: 60 } }, () => source({ locRib: () => [{ prefix: '10.9.0.0/24', from: 'p1', attributes: bad }], adjRibIn: () => new Map() }));
    await expect(out.tableDump()).rejects.toThrow(/writing .*rib\.mrt failed/);
    out.start();
    clock.advance(60_000);
    await settle();
    await out.stop();
    expect(readFileSync(join(dir, 'rib.mrt'), 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['rib.mrt']);
    expect(out.counters.tableDumps).toEqual({ ok: 0, failed: 2 });
    expect(logged.filter((e) => e.msg === 'mrt table dump failed')).toHaveLength(2);
  });

  it('best: the Loc-RIB only; all: every accepted path, the best first', async () => {
    const other: PathAttributes = { ...v4, asPath: [{ type: 2, asns: [65020, 65010] }], nextHop: '192.0.2.3' };
    const src = () => source({
      peers: [
        { id: 'p1', address: '192.0.2.2', asn: 65010, bgpId: '192.0.2.2', establishedAt: 1 },
        { id: 'p2', address: '2001:db8::3', asn: 65020, bgpId: undefined, establishedAt: 2 },
      ],
      locRib: () => [{ prefix: '10.1.0.0/24', from: 'p2', attributes: other }, { prefix: '192.0.2.0/24', from: 'local', attributes: { origin: 0, asPath: [] } }],
      adjRibIn: (id) => (id === 'p1' ? new Map([['10.1.0.0/24', v4], ['10.2.0.0/16', v4]]) : new Map([['10.1.0.0/24', other]])),
    });
    const all = readDump(readFileSync((await output({ 'table-dump': { file: 'all.mrt' } }, src).tableDump()).file));
    expect(all.table.peers.map((p) => [p.bgpId, p.as])).toEqual([['192.0.2.1', 65000], ['192.0.2.2', 65010], ['0.0.0.0', 65020]]);
    expect(all.table.peers[2]!.address).toHaveLength(16);
    expect(all.routes.map((r) => [r.prefix, r.entries.map((e) => e.peerIndex)])).toEqual([['10.1.0.0/24', [2, 1]], ['10.2.0.0/16', [1]], ['192.0.2.0/24', [0]]]);
    expect(all.routes[2]!.entries[0]).toEqual({ peerIndex: 0, originatedTime: T0 / 1000 - 100, attributes: { origin: 0, asPath: [], nextHop: '0.0.0.0' } });
    const best = readDump(readFileSync((await output({ 'table-dump': { file: 'best.mrt', routes: 'best' } }, src).tableDump()).file));
    expect(best.routes.map((r) => [r.prefix, r.entries.map((e) => e.peerIndex)])).toEqual([['10.1.0.0/24', [2]], ['192.0.2.0/24', [0]]]);
  });

  it('mp-reach: full writes the RFC 4760 form for IPv6 entries, which our reader reads too', async () => {
    const r = await output({ 'table-dump': { file: 'full.mrt', 'mp-reach': 'full' } }).tableDump();
    const bytes = readFileSync(r.file);
    const ipv6Record = [...readMrtRecords(bytes)].find((x) => x.subtype === 4)!;
    // AFI 2, SAFI 1, next hop length 16 right after the attribute header.
    expect(Buffer.from(ipv6Record.message).includes(Buffer.from([0x00, 0x02, 0x01, 0x10, 0x20, 0x01]))).toBe(true);
    expect(readDump(bytes).routes[1]).toEqual({ prefix: '2001:db8:1::/48', entries: [{ peerIndex: 1, originatedTime: T0 / 1000 - 50, attributes: v6 }] });
  });

  it('without mrt.table-dump, an on-demand dump needs a file', async () => {
    const out = new MrtOutput(undefined, () => source(), () => undefined, { wallMs: () => clock.now, timers: clock, baseDir: dir, log: () => {} });
    await expect(out.tableDump()).rejects.toMatchObject({ code: 'mrt.no-table-dump' });
    expect((await out.tableDump('x.mrt')).file).toBe(join(dir, 'x.mrt'));
    out.start();
    expect(out.armed).toBe(false);
  });
});

const update = encodeMessage({ type: 'UPDATE', withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65010] }], nextHop: '192.0.2.2' }, nlri: [{ prefix: '10.1.0.0/24' }] }, CTX);
const keepalive = encodeMessage({ type: 'KEEPALIVE' }, CTX);

function bgp4mp(file: string) {
  return [...readMrtRecords(readFileSync(file))].map((r) => ({ type: r.type, timestamp: r.timestamp, microseconds: r.microseconds, ...decodeBgp4mp(r.subtype, r.message, r.offset) }));
}

describe('MRT output: update logs', () => {
  it('BGP4MP_MESSAGE_AS4 per received message however the bytes are split, state changes, rotation at multiples of rotate', async () => {
    clock.now = Date.UTC(2024, 0, 1, 0, 14, 58);
    const out = output({ updates: { file: 'updates.%Y%m%d.%H%M.mrt', rotate: '15m' } });
    out.start();
    out.stateChange('p1', 'OpenConfirm', 'Established');
    const both = new Uint8Array([...update, ...keepalive]);
    for (let i = 0; i < both.length; i++) out.received('p1', both.subarray(i, i + 1));
    out.sent('p1', keepalive); // not asked for
    clock.advance(2000); // 00:15:00: the rotation timer closes the first file
    await out.idle();
    out.received('p1', keepalive);
    await out.stop();
    expect(out.armed).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['updates.20240101.0000.mrt', 'updates.20240101.0015.mrt']);
    const first = bgp4mp(join(dir, 'updates.20240101.0000.mrt'));
    expect(first.map((r) => [r.type, r.subtype])).toEqual([[16, 5], [16, 4], [16, 4]]);
    expect(first[0]).toMatchObject({ peerAs: 65010, localAs: 65000, afi: 1, state: { old: 5, new: 6 }, timestamp: clock.now / 1000 - 2 });
    expect(Buffer.from(first[1]!.bgpMessage!)).toEqual(Buffer.from(update));
    expect(Buffer.from(first[2]!.bgpMessage!)).toEqual(Buffer.from(keepalive));
    expect(bgp4mp(join(dir, 'updates.20240101.0015.mrt')).map((r) => r.subtype)).toEqual([4]);
    expect(out.counters.updateRecords).toEqual({ written: 4, dropped: 0 });
  });

  it('extended-timestamp: BGP4MP_ET with microseconds; sent: BGP4MP_MESSAGE_AS4_LOCAL; .gz compressed', async () => {
    clock.now = T0 + 123.456;
    const out = output({ updates: { file: 'u.mrt.gz', sent: true }, 'extended-timestamp': true });
    out.sent('p1', new Uint8Array([...keepalive, ...update]));
    out.received('p1', keepalive);
    await out.stop();
    const records = [...readMrtRecords(gunzipSync(readFileSync(join(dir, 'u.mrt.gz'))))];
    expect(records.map((r) => [r.type, r.subtype, r.timestamp, r.microseconds])).toEqual([[17, 7, T0 / 1000, 123456], [17, 7, T0 / 1000, 123456], [17, 4, T0 / 1000, 123456]]);
  });

  it('a .gz update log is readable while it is open: its records reach the file within a second', async () => {
    const out = output({ updates: { file: 'u.mrt.gz', rotate: '1h' } });
    out.start();
    out.received('p1', keepalive);
    out.received('p1', update);
    const file = join(dir, 'u.mrt.gz');
    // Decompress what the file holds so far (an unfinished gzip stream).
    const sofar = () => (existsSync(file) ? gunzipSync(readFileSync(file), { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : new Uint8Array(0));
    await settle();
    expect(sofar().length).toBe(0); // still in the compressor
    clock.advance(1000);
    await until(() => sofar().length > 0);
    expect([...readMrtRecords(sofar())].map((r) => r.subtype)).toEqual([4, 4]);
    out.received('p1', keepalive);
    clock.advance(1000);
    await until(() => [...readMrtRecords(sofar())].length === 3);
    await out.stop();
    expect(clock.pending.size).toBe(0);
    expect([...readMrtRecords(gunzipSync(readFileSync(file)))].length).toBe(3);
  });

  it('a restart within the period appends to the file: a second gzip member, which our reader reads on', async () => {
    for (let i = 0; i < 2; i++) {
      const out = output({ updates: { file: 'u.%H.mrt.gz', rotate: '1h' } });
      out.start();
      out.received('p1', keepalive);
      await out.stop();
    }
    const file = join(dir, 'u.00.mrt.gz');
    const records = [];
    for await (const r of streamMrtRecords(await openMrtFile(file, 'u.00.mrt.gz'))) records.push(r);
    expect(records.map((r) => r.subtype)).toEqual([4, 4]);
  });

  it('an unwritable log is logged and counted, records are dropped, the daemon goes on; the next period tries again', async () => {
    writeFileSync(join(dir, 'blocker'), 'a file where a directory should be');
    const out = output({ updates: { file: 'blocker/u.%H%M.mrt', rotate: 60 } });
    out.start();
    out.received('p1', keepalive);
    await until(() => out.counters.updateWriteErrors === 1);
    out.received('p1', keepalive);
    expect(out.counters.updateWriteErrors).toBe(1);
    expect(out.counters.updateRecords.dropped).toBe(1);
    expect(logged.some((e) => e.msg === 'mrt update log write failed')).toBe(true);
    clock.advance(60_000);
    out.received('p1', keepalive);
    await until(() => out.counters.updateWriteErrors === 2);
    await out.stop();
    expect(existsSync(join(dir, 'blocker'))).toBe(true);
  });

  it('stop clears every timer: none fires afterwards', async () => {
    const out = output({ 'table-dump': { file: 'r.mrt', interval: 60 }, updates: { file: 'u.mrt', rotate: 60 } });
    out.start();
    expect(clock.pending.size).toBe(2);
    await out.stop();
    expect(clock.pending.size).toBe(0);
    clock.advance(3600_000);
    await settle();
    expect(readdirSync(dir)).toEqual([]);
  });
});
