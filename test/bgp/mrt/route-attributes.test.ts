import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { decodeRibAttributes, encodeRibAttributes } from '../../../src/bgp/mrt/route-attributes.js';
import { codecContext, type PathAttributes } from '../../../src/bgp/wire/index.js';
import { ipv6, linkLocal, pathAttributes } from '../wire/support/arbitraries.js';

const ctx = codecContext({ fourOctetAs: true, ibgp: true });

/** Attributes a RIB entry holds for a route of `afi`: no MP_UNREACH, MP_REACH only for IPv6 and without NLRI. */
const ribAttributes = fc.tuple(pathAttributes(ctx), fc.constantFrom(1 as const, 2 as const), ipv6, fc.option(linkLocal, { nil: undefined })).map(([a, afi, nh, ll]) => {
  const { mpUnreach: _u, mpReach: _r, ...rest } = a;
  const attrs: PathAttributes = { origin: 0, asPath: [], nextHop: '192.0.2.1', ...rest };
  if (afi === 2) attrs.mpReach = ll === undefined ? { afi: 2, safi: 1, nextHop: nh, nlri: [] } : { afi: 2, safi: 1, nextHop: nh, linkLocalNextHop: ll, nlri: [] };
  return { afi, attrs };
});

function withoutNlri(a: PathAttributes): unknown {
  if (!a.mpReach) return a;
  const { nlri: _n, ...mp } = a.mpReach;
  return { ...a, mpReach: mp };
}

describe('RIB entry attributes (RFC 6396 §4.3.4)', () => {
  test.prop([ribAttributes])('encode → decode gives the attributes back', ({ afi, attrs }) => {
    const raw = encodeRibAttributes(attrs);
    const route = afi === 1 ? { afi, prefixLength: 24, prefix: Uint8Array.from([10, 0, 0]) } : { afi, prefixLength: 32, prefix: Uint8Array.from([0x20, 0x01, 0x0d, 0xb8]) };
    const back = decodeRibAttributes(raw, route);
    expect(back.errors).toEqual([]);
    expect(back.attributes).toEqual(withoutNlri(attrs));
  });

  test('MP_REACH_NLRI is written abbreviated: next hop length and next hop only', () => {
    const raw = encodeRibAttributes({ origin: 0, asPath: [], mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [{ prefix: '2001:db8::/32' }] } });
    // ORIGIN (4 bytes), AS_PATH (3 bytes), then MP_REACH_NLRI: flags 0x80, type 14, length 17, 16, address.
    expect([...raw.subarray(7, 11)]).toEqual([0x80, 14, 17, 16]);
    expect(raw.length).toBe(7 + 3 + 17);
  });

  test('AS_PATH is read with 4-octet ASNs', () => {
    const raw = Uint8Array.from([0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0xfa, 0x56, 0xea, 0x01, 0x40, 3, 4, 192, 0, 2, 1]);
    const back = decodeRibAttributes(raw, { afi: 1, prefixLength: 8, prefix: Uint8Array.from([10]) });
    expect(back.attributes.asPath).toEqual([{ type: 2, asns: [4200000001] }]);
  });

  test('flags written as 0 (BIRD 2.0 for locally set attributes) are read as the attribute\'s own', () => {
    const raw = Uint8Array.from([0, 1, 1, 2, 0, 2, 0, 0, 3, 4, 192, 0, 2, 1, 0, 4, 4, 0, 0, 0, 7]);
    const back = decodeRibAttributes(raw, { afi: 1, prefixLength: 8, prefix: Uint8Array.from([10]) });
    expect(back.errors).toEqual([]);
    expect(back.attributes).toMatchObject({ origin: 2, nextHop: '192.0.2.1', med: 7 });
  });
});
