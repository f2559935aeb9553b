/** bgpd metrics: the message tally over arbitrary chunking, and the Prometheus rendering. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { MessageTally, PeerCounters, renderBgpdMetrics } from '../../../src/bgp/daemon/metrics.js';
import { codecContext, encodeMessage, type BgpMessage } from '../../../src/bgp/wire/index.js';

const ctx = codecContext();
const MESSAGES: Record<string, BgpMessage> = {
  keepalive: { type: 'KEEPALIVE' },
  update: { type: 'UPDATE', withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '192.0.2.1' }, nlri: [{ prefix: '203.0.113.0/24' }] },
  notification: { type: 'NOTIFICATION', code: 6, subcode: 2, data: new Uint8Array([3, 0x61, 0x62, 0x63]) },
  route_refresh: { type: 'ROUTE_REFRESH', afi: 1, subtype: 0, safi: 1 },
};

/** A tally fed `stream` in pieces of the given sizes, cycling through them. */
function tallyInChunks(stream: Buffer, cuts: readonly number[]): MessageTally {
  const tally = new MessageTally();
  for (let i = 0, at = 0; at < stream.length; i++) {
    const n = cuts[i % cuts.length]!;
    tally.push(stream.subarray(at, at + n));
    at += n;
  }
  return tally;
}

describe('MessageTally', () => {
  test('property: counts by type are the same however the stream is split', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...Object.keys(MESSAGES)), { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (types, cuts) => {
        const stream = Buffer.concat(types.map((t) => encodeMessage(MESSAGES[t]!, ctx)));
        const tally = tallyInChunks(stream, cuts);
        const expected: Record<string, number> = {};
        for (const t of types) expected[t] = (expected[t] ?? 0) + 1;
        expect(Object.fromEntries(tally.counts)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  test('property: any type code and length, any split: counts by name (unknown codes together), listed in the order first seen', () => {
    const names: Record<number, string> = { 1: 'open', 2: 'update', 3: 'notification', 4: 'keepalive', 5: 'route_refresh' };
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.integer({ min: 0, max: 300 }) }), { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }), (messages, cuts) => {
        const stream = Buffer.concat(messages.map(({ type, body }) => {
          const m = Buffer.alloc(19 + body, 0xab);
          m.fill(0xff, 0, 16);
          m.writeUInt16BE(19 + body, 16);
          m[18] = type;
          return m;
        }));
        const tally = tallyInChunks(stream, cuts);
        const expected = new Map<string, number>();
        for (const { type } of messages) expected.set(names[type] ?? 'unknown', (expected.get(names[type] ?? 'unknown') ?? 0) + 1);
        expect([...tally.counts]).toEqual([...expected]);
        for (const name of [...Object.values(names), 'unknown']) expect(tally.get(name)).toBe(expected.get(name) ?? 0);
      }),
      { numRuns: 300 },
    );
  });

  test('restart drops a partial message from a closed connection', () => {
    const t = new MessageTally();
    const ka = encodeMessage({ type: 'KEEPALIVE' }, ctx);
    t.push(ka.subarray(0, 10));
    t.restart();
    t.push(ka);
    expect(t.get('keepalive')).toBe(1);
  });
});

describe('renderBgpdMetrics', () => {
  test('per-peer state, messages, updates, prefixes, uptime; Loc-RIB size and reloads', () => {
    const c = new PeerCounters();
    c.received.push(encodeMessage(MESSAGES.update!, ctx));
    c.received.push(encodeMessage(MESSAGES.update!, ctx));
    c.sent.push(encodeMessage(MESSAGES.keepalive!, ctx));
    c.establishedTransitions = 2;
    const text = renderBgpdMetrics({
      peers: [{ name: 'r2', address: '10.0.0.2', remoteAs: 65002, state: 'Established', uptime: 42, prefixes: { received: 5, accepted: 4, advertised: 3 }, counters: c }],
      locRibRoutes: 9,
      reloads: { ok: 1, failed: 0 },
    });
    const lines = text.split('\n');
    for (const l of [
      'flatlab_bgp_peer_state{peer="r2",state="Established"} 1',
      'flatlab_bgp_peer_state{peer="r2",state="Active"} 0',
      'flatlab_bgp_peer_up{address="10.0.0.2",peer="r2",remote_as="65002"} 1',
      'flatlab_bgp_peer_uptime_seconds{peer="r2"} 42',
      'flatlab_bgp_peer_established_total{peer="r2"} 2',
      'flatlab_bgp_messages_received_total{peer="r2",type="update"} 2',
      'flatlab_bgp_messages_sent_total{peer="r2",type="keepalive"} 1',
      'flatlab_bgp_messages_sent_total{peer="r2",type="update"} 0',
      'flatlab_bgp_updates_received_total{peer="r2"} 2',
      'flatlab_bgp_prefixes_received{peer="r2"} 5',
      'flatlab_bgp_prefixes_accepted{peer="r2"} 4',
      'flatlab_bgp_prefixes_advertised{peer="r2"} 3',
      'flatlab_bgp_loc_rib_routes 9',
      'flatlab_bgp_reloads_total{result="ok"} 1',
      '# TYPE flatlab_bgp_messages_received_total counter',
      '# TYPE flatlab_bgp_prefixes_received gauge',
    ]) expect(lines).toContain(l);
    // Every sample line is NAME{labels} VALUE or NAME VALUE (Prometheus text format 0.0.4).
    for (const l of lines.filter((x) => x && !x.startsWith('#'))) expect(l).toMatch(/^flatlab_bgp_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? \d+$/);
  });
});
