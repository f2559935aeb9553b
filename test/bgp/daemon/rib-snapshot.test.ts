import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ribSnapshot, type RibSource } from '../../../src/bgp/daemon/rib-snapshot.js';
import { ribDumpRecords } from '../../../src/bgp/mrt/rib-dump-writer.js';
import { codecContext, type PathAttributes } from '../../../src/bgp/wire/index.js';
import { ipv4, ipv4Prefix, ipv6, ipv6Prefix, pathAttributes } from '../wire/support/arbitraries.js';
import { readDump } from '../mrt/support/read-dump.js';

const ctx = codecContext({ fourOctetAs: true, ibgp: true });

/** Attributes as the RIB holds them: every family's next hop in nextHop, no MP_* attributes. */
const ribAttributes = (v6: boolean) => fc.tuple(pathAttributes(ctx), ipv4, ipv6).map(([a, nh4, nh6]): PathAttributes => {
  const { mpUnreach: _u, mpReach: _r, nextHop: _n, ...rest } = a;
  return Object.fromEntries(Object.entries({ origin: 0, asPath: [], ...rest, nextHop: v6 ? nh6 : nh4 }).filter(([, v]) => v !== undefined)) as PathAttributes;
});
const route = fc.boolean().chain((v6) => fc.tuple(v6 ? ipv6Prefix : ipv4Prefix, ribAttributes(v6)));

/** Peers with random addresses and ASNs, each with an Adj-RIB-In; the Loc-RIB picks one path per prefix. */
const rib = fc
  .array(fc.tuple(fc.oneof(ipv4, ipv6), fc.integer({ min: 1, max: 0xffffffff }), fc.option(ipv4, { nil: undefined }), fc.uniqueArray(route, { selector: ([p]) => p, maxLength: 6 })), { minLength: 1, maxLength: 4 })
  .chain((peers) => fc.tuple(fc.constant(peers), fc.array(fc.nat(), { minLength: 64, maxLength: 64 })))
  .map(([peers, picks]) => {
    const adj = new Map(peers.map(([, , , routes], i) => [`p${i}`, new Map(routes)]));
    const prefixes = [...new Set(peers.flatMap(([, , , routes]) => routes.map(([p]) => p)))];
    const loc = prefixes.map((prefix, i) => {
      const holders = [...adj].filter(([, m]) => m.has(prefix));
      const [from, m] = holders[picks[i % picks.length]! % holders.length]!;
      return { prefix, from, attributes: m.get(prefix)! };
    });
    const source: RibSource = {
      routerId: '192.0.2.1',
      asn: 65000,
      startedAt: 1_700_000_000,
      localId: 'local',
      peers: peers.map(([address, asn, bgpId], i) => ({ id: `p${i}`, address, asn, bgpId, establishedAt: 1_700_000_000 + i })),
      locRib: () => loc,
      adjRibIn: (id) => adj.get(id)!,
    };
    return source;
  });

describe('RIB snapshot → TABLE_DUMP_V2 → our reader', () => {
  test.prop([rib, fc.constantFrom('rfc6396' as const, 'full' as const)])('any RIB written then read gives the same routes: best first, then every other path, by peer', (source, mpReach) => {
    const dump = ribSnapshot(source, 'all', 1_700_000_100);
    const back = readDump(Uint8Array.from(Buffer.concat([...ribDumpRecords({ ...dump, mpReach })])));
    expect(back.table.peers.map((p) => p.as)).toEqual([65000, ...source.peers.map((p) => p.asn)]);
    const locByPrefix = new Map([...source.locRib()].map((r) => [r.prefix, r]));
    expect(back.routes.map((r) => r.prefix).sort()).toEqual([...locByPrefix.keys()].sort());
    for (const r of back.routes) {
      const best = locByPrefix.get(r.prefix)!;
      expect(r.entries[0]).toEqual({ peerIndex: Number(best.from.slice(1)) + 1, originatedTime: 1_700_000_000 + Number(best.from.slice(1)), attributes: best.attributes });
      const others = source.peers.filter((p) => p.id !== best.from && source.adjRibIn(p.id).has(r.prefix));
      expect(r.entries.slice(1)).toEqual(others.map((p) => ({ peerIndex: Number(p.id.slice(1)) + 1, originatedTime: p.establishedAt, attributes: source.adjRibIn(p.id).get(r.prefix) })));
    }
  });
});
