import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { ribDumpRecords, type RibDumpRoute } from '../../../src/bgp/mrt/rib-dump-writer.js';
import { ribRoutes } from '../../../src/bgp/mrt/rib-routes.js';
import { streamMrtRecords } from '../../../src/bgp/mrt/stream.js';
import { codecContext, type PathAttributes } from '../../../src/bgp/wire/index.js';
import { ipv4Prefix, ipv6, ipv6Prefix, pathAttributes } from '../wire/support/arbitraries.js';

const ctx = codecContext({ fourOctetAs: true, ibgp: true });

const route = fc.tuple(fc.oneof(ipv4Prefix, ipv6Prefix), pathAttributes(ctx), ipv6).map(([prefix, a, nh6]) => {
  const { mpUnreach: _u, mpReach: _r, ...rest } = a;
  const attributes: PathAttributes = { origin: 0, asPath: [], ...rest, nextHop: prefix.includes(':') ? nh6 : (rest.nextHop ?? '192.0.2.1') };
  return { prefix, attributes };
});

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

describe('TABLE_DUMP_V2 writer', () => {
  test.prop([fc.uniqueArray(route, { selector: (r) => r.prefix, maxLength: 8 })])('our writer → our reader gives the same routes', async (routes) => {
    const dumpRoutes: RibDumpRoute[] = routes.map((r) => ({ prefix: r.prefix, entries: [{ peerIndex: 0, originatedTime: 1, attributes: r.attributes.nextHop?.includes(':') ? { ...r.attributes, nextHop: undefined, mpReach: { afi: 2, safi: 1, nextHop: r.attributes.nextHop, nlri: [] } } : r.attributes }] }));
    const parts = [...ribDumpRecords({ timestamp: 1700000000, collectorBgpId: '192.0.2.1', viewName: 'loc-rib', peers: [{ bgpId: '192.0.2.1', address: Uint8Array.from([192, 0, 2, 1]), as: 65000, as4: true }], routes: dumpRoutes })];
    const bytes = Uint8Array.from(parts.flatMap((p) => [...p]));
    const back = [];
    for await (const r of ribRoutes(streamMrtRecords(once(bytes)), { kind: 'first' })) back.push(r);
    expect(back).toEqual(routes.map((r) => ({ prefix: r.prefix, attributes: Object.fromEntries(Object.entries(r.attributes).filter(([, v]) => v !== undefined)) })));
  });
});
