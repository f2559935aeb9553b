/**
 * (bytes, value) vectors assembled by hand from RFC 4271, 4760, 1997, 4360, 8092, 6793, 7911,
 * 2918, 8203/9003 and 4724, independent of the encoder: each is checked both ways (decode the
 * bytes to the value, encode the value to the bytes) with a hex diff on mismatch.
 */
import { describe, expect, test } from 'vitest';
import { codecContext, decodeMessage, encodeMessage, isEndOfRib, endOfRibFamily } from '../../../src/bgp/wire/index.js';
import type { BgpMessage, CodecContext } from '../../../src/bgp/wire/index.js';
import { expectBytes, fromHex } from './support/hex.js';

const MARKER = 'ffffffffffffffffffffffffffffffff';
const ebgp = codecContext();
const ibgp = codecContext({ ibgp: true });

interface Vector {
  name: string;
  hex: string;
  value: BgpMessage;
  ctx?: CodecContext;
}

const vectors: Vector[] = [
  { name: 'KEEPALIVE', hex: `${MARKER} 0013 04`, value: { type: 'KEEPALIVE' } },
  {
    name: 'OPEN with multiprotocol, route refresh, 4-octet AS (one capability per parameter)',
    hex: `${MARKER} 0031 01  04 fde9 00b4 0a000001  14
          02 06 01 04 0001 00 01   # multiprotocol IPv4 unicast
          02 02 02 00              # route refresh
          02 06 41 04 0000fde9     # 4-octet AS 65001`,
    value: {
      type: 'OPEN',
      version: 4,
      myAs: 65001,
      holdTime: 180,
      bgpIdentifier: '10.0.0.1',
      capabilities: [
        { code: 1, name: 'multiprotocol', afi: 1, safi: 1 },
        { code: 2, name: 'route-refresh' },
        { code: 65, name: 'four-octet-as', asn: 65001 },
      ],
    },
  },
  {
    name: 'OPEN with all capabilities in one parameter (BIRD layout), AS_TRANS, GR, add-path, FQDN',
    hex: `${MARKER} 003e 01  04 5ba0 005a c0000201  21
          02 1f
            41 04 fa56ea00           # 4-octet AS 4200000000
            40 06 8078 0001 01 80    # graceful restart: R flag, 120 s, IPv4 unicast forwarding kept
            45 04 0002 01 03         # add-path IPv6 unicast send+receive
            49 05 02 7231 01 78      # fqdn r1.x
            06 00                    # extended message
            46 00                    # enhanced route refresh`,
    value: {
      type: 'OPEN',
      version: 4,
      myAs: 23456,
      holdTime: 90,
      bgpIdentifier: '192.0.2.1',
      capabilities: [
        { code: 65, name: 'four-octet-as', asn: 4200000000 },
        { code: 64, name: 'graceful-restart', restartFlags: 8, restartTime: 120, families: [{ afi: 1, safi: 1, flags: 0x80 }] },
        { code: 69, name: 'add-path', families: [{ afi: 2, safi: 1, sendReceive: 3 }] },
        { code: 73, name: 'fqdn', hostname: 'r1', domain: 'x' },
        { code: 6, name: 'extended-message' },
        { code: 70, name: 'enhanced-route-refresh' },
      ],
      capabilityGroups: [6],
    },
  },
  {
    name: 'UPDATE IPv4 with ORIGIN, AS_PATH, NEXT_HOP, MED, COMMUNITIES, LARGE_COMMUNITY',
    hex: `${MARKER} 0050 02  0000  0035
          40 01 01 00                              # ORIGIN IGP
          40 02 0a 02 02 0000fde9 0000fdea         # AS_PATH AS_SEQUENCE 65001 65002
          40 03 04 c0000201                        # NEXT_HOP 192.0.2.1
          80 04 04 00000064                        # MED 100
          c0 08 04 fde80064                        # COMMUNITIES 65000:100
          c0 20 0c 0000fde8 00000001 00000002      # LARGE_COMMUNITY 65000:1:2
          18 cb0071                                # 203.0.113.0/24`,
    value: {
      type: 'UPDATE',
      withdrawn: [],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns: [65001, 65002] }],
        nextHop: '192.0.2.1',
        med: 100,
        communities: [((65000 << 16) | 100) >>> 0],
        largeCommunities: [[65000, 1, 2]],
      },
      nlri: [{ prefix: '203.0.113.0/24' }],
    },
  },
  {
    name: 'UPDATE IPv6 via MP_REACH_NLRI with a 32-byte next hop (global + link-local), iBGP LOCAL_PREF',
    ctx: ibgp,
    hex: `${MARKER} 0054 02  0000  003d
          40 01 01 00                              # ORIGIN IGP
          40 02 00                                 # empty AS_PATH (iBGP)
          40 05 04 00000064                        # LOCAL_PREF 100
          80 0e 2c 0002 01 20
             20010db8000000000000000000000001       # 2001:db8::1
             fe800000000000000000000000000001       # fe80::1
             00
             30 20010db80001                        # 2001:db8:1::/48`,
    value: {
      type: 'UPDATE',
      withdrawn: [],
      attributes: {
        origin: 0,
        asPath: [],
        localPref: 100,
        mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1', nlri: [{ prefix: '2001:db8:1::/48' }] },
      },
      nlri: [],
    },
  },
  {
    name: 'UPDATE to a 2-octet session: AS_TRANS in AS_PATH, real path in AS4_PATH (RFC 6793 §4.2.2)',
    ctx: codecContext({ fourOctetAs: false }),
    hex: `${MARKER} 003a 02  0000  0021
          40 01 01 00
          40 02 06 02 02 fde9 5ba0                 # AS_SEQUENCE 65001 AS_TRANS
          40 03 04 c0000201
          c0 11 0a 02 02 0000fde9 fa56ea00         # AS4_PATH 65001 4200000000
          08 0a                                    # 10.0.0.0/8`,
    value: {
      type: 'UPDATE',
      withdrawn: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [65001, 4200000000] }], nextHop: '192.0.2.1' },
      nlri: [{ prefix: '10.0.0.0/8' }],
    },
  },
  {
    name: 'UPDATE with ADD-PATH path identifiers in the NLRI (RFC 7911 §3)',
    ctx: codecContext({ addPathReceive: new Set(['ipv4-unicast']), addPathSend: new Set(['ipv4-unicast']) }),
    hex: `${MARKER} 002c 02  0000  000e
          40 01 01 00  40 02 00  40 03 04 c0000201
          00000001 10 0a01                         # path 1: 10.1.0.0/16`,
    value: {
      type: 'UPDATE',
      withdrawn: [],
      attributes: { origin: 0, asPath: [], nextHop: '192.0.2.1' },
      nlri: [{ prefix: '10.1.0.0/16', pathId: 1 }],
    },
  },
  {
    name: 'UPDATE with confederation segment, AS_SET, ATOMIC_AGGREGATE, AGGREGATOR, ORIGINATOR_ID, CLUSTER_LIST',
    ctx: ibgp,
    hex: `${MARKER} 004c 02  0000  0035
          40 02 16  03 01 0000fc00  02 01 0000fde9  01 02 0000fdea 0000fdeb
          40 06 00
          c0 07 08 0000fde9 c0000201
          80 09 04 0a000001
          80 0a 04 0a000002`,
    value: {
      type: 'UPDATE',
      withdrawn: [],
      attributes: {
        asPath: [
          { type: 3, asns: [64512] },
          { type: 2, asns: [65001] },
          { type: 1, asns: [65002, 65003] },
        ],
        atomicAggregate: true,
        aggregator: { asn: 65001, address: '192.0.2.1' },
        originatorId: '10.0.0.1',
        clusterList: ['10.0.0.2'],
      },
      nlri: [],
    },
  },
  {
    name: 'UPDATE with EXTENDED_COMMUNITIES route-target and route-origin',
    hex: `${MARKER} 002a 02  0000  0013
          c0 10 10  0002 fde8 00000064  0103 c0000201 0007`,
    value: {
      type: 'UPDATE',
      withdrawn: [],
      attributes: {
        extendedCommunities: [
          { type: 0, subtype: 2, value: fromHex('fde800000064'), text: 'rt:65000:100' },
          { type: 1, subtype: 3, value: fromHex('c00002010007'), text: 'soo:192.0.2.1:7' },
        ],
      },
      nlri: [],
    },
  },
  {
    name: 'UPDATE withdrawing two IPv4 prefixes',
    hex: `${MARKER} 001e 02  0007 18c63364 10c612  0000`,
    value: { type: 'UPDATE', withdrawn: [{ prefix: '198.51.100.0/24' }, { prefix: '198.18.0.0/16' }], attributes: {}, nlri: [] },
  },
  { name: 'End-of-RIB IPv4 unicast', hex: `${MARKER} 0017 02 0000 0000`, value: { type: 'UPDATE', withdrawn: [], attributes: {}, nlri: [] } },
  {
    name: 'End-of-RIB IPv6 unicast (empty MP_UNREACH_NLRI)',
    hex: `${MARKER} 001d 02 0000 0006 80 0f 03 0002 01`,
    value: { type: 'UPDATE', withdrawn: [], attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [] } }, nlri: [] },
  },
  {
    name: 'NOTIFICATION Cease/Administrative Shutdown with a shutdown communication (RFC 9003)',
    hex: `${MARKER} 0019 03 06 02 03 627965`,
    value: { type: 'NOTIFICATION', code: 6, subcode: 2, data: fromHex('03627965'), shutdownCommunication: 'bye' },
  },
  {
    name: 'NOTIFICATION UPDATE/Malformed AS_PATH without data',
    hex: `${MARKER} 0015 03 03 0b`,
    value: { type: 'NOTIFICATION', code: 3, subcode: 11, data: new Uint8Array(0) },
  },
  { name: 'ROUTE-REFRESH IPv6 unicast', hex: `${MARKER} 0017 05 0002 00 01`, value: { type: 'ROUTE_REFRESH', afi: 2, subtype: 0, safi: 1 } },
  { name: 'ROUTE-REFRESH BoRR (RFC 7313)', hex: `${MARKER} 0017 05 0001 01 01`, value: { type: 'ROUTE_REFRESH', afi: 1, subtype: 1, safi: 1 } },
];

describe('hand-assembled vectors', () => {
  for (const v of vectors) {
    const ctx = v.ctx ?? ebgp;
    test(`decode: ${v.name}`, () => {
      const d = decodeMessage(fromHex(v.hex), ctx);
      expect(d.errors).toEqual([]);
      expect(d.message).toEqual(v.value);
    });
    test(`encode: ${v.name}`, () => {
      expectBytes(encodeMessage(v.value, ctx), fromHex(v.hex), v.name);
    });
  }
});

describe('details', () => {
  test('IPv6 text is RFC 5952 canonical whatever the input spelling', () => {
    const m = decodeMessage(fromHex(`${MARKER} 003f 02 0000 0028 40 01 01 00 40 02 00 80 0e 1e 0002 01 10 20010db8000000000001000000000001 00 40 20010db800000000`), ebgp).message;
    expect(m.type === 'UPDATE' && m.attributes.mpReach).toEqual({ afi: 2, safi: 1, nextHop: '2001:db8::1:0:0:1', nlri: [{ prefix: '2001:db8::/64' }] });
  });

  test('host bits in a received prefix are zeroed', () => {
    const m = decodeMessage(fromHex(`${MARKER} 0029 02 0000 000e 40 01 01 00 40 02 00 40 03 04 c0000201 17 c00003`), ebgp).message; // 192.0.3.0/23
    expect(m.type === 'UPDATE' && m.nlri).toEqual([{ prefix: '192.0.2.0/23' }]);
  });

  test('an AS_SEQUENCE longer than 255 ASNs is split into segments of at most 255', () => {
    const asns = Array.from({ length: 300 }, (_, i) => 64512 + i);
    const u: BgpMessage = { type: 'UPDATE', withdrawn: [], attributes: { asPath: [{ type: 2, asns }] }, nlri: [] };
    const bytes = encodeMessage(u, ebgp);
    // Extended length: 2 + 255*4 + 2 + 45*4 = 1204 > 255.
    expect(bytes[23]).toBe(0x50); // well-known transitive + extended length
    expect(bytes.subarray(25, 27)).toEqual(Uint8Array.of(0x04, 0xb4));
    expect(bytes.subarray(27, 29)).toEqual(Uint8Array.of(2, 255));
    const back = decodeMessage(bytes, ebgp).message;
    expect(back.type === 'UPDATE' && back.attributes.asPath?.map((s) => s.asns.length)).toEqual([255, 45]);
  });

  test('the extended-length flag is used exactly when a value exceeds 255 bytes', () => {
    const attrs = (n: number): BgpMessage => ({ type: 'UPDATE', withdrawn: [], attributes: { communities: Array.from({ length: n }, (_, i) => i) }, nlri: [] });
    expect(encodeMessage(attrs(63), ebgp)[23]).toBe(0xc0); // 252 bytes
    expect(encodeMessage(attrs(64), ebgp)[23]).toBe(0xd0); // 256 bytes
  });

  test('an unknown optional transitive attribute is kept and passed on with Partial set, value byte for byte', () => {
    const d = decodeMessage(fromHex(`${MARKER} 001c 02 0000 0005 c0 63 02 abcd`), ebgp);
    expect(d.message.type === 'UPDATE' && d.message.attributes.unknown).toEqual([{ flags: 0xc0, typeCode: 99, value: fromHex('abcd') }]);
    expectBytes(encodeMessage(d.message, ebgp), fromHex(`${MARKER} 001c 02 0000 0005 e0 63 02 abcd`));
  });

  test('an unknown optional non-transitive attribute is dropped', () => {
    const d = decodeMessage(fromHex(`${MARKER} 001c 02 0000 0005 80 63 02 abcd`), ebgp);
    expect(d.message).toEqual({ type: 'UPDATE', withdrawn: [], attributes: {}, nlri: [] });
    expect(d.errors).toEqual([]);
  });

  test('End-of-RIB is recognised for IPv4 and MP families, and nothing else', () => {
    expect(endOfRibFamily({ type: 'UPDATE', withdrawn: [], attributes: {}, nlri: [] })).toEqual({ afi: 1, safi: 1 });
    expect(endOfRibFamily({ type: 'UPDATE', withdrawn: [], attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [] } }, nlri: [] })).toEqual({ afi: 2, safi: 1 });
    expect(isEndOfRib({ type: 'UPDATE', withdrawn: [{ prefix: '10.0.0.0/8' }], attributes: {}, nlri: [] })).toBe(false);
    expect(isEndOfRib({ type: 'UPDATE', withdrawn: [], attributes: { origin: 0, mpUnreach: { afi: 2, safi: 1, withdrawn: [] } }, nlri: [] })).toBe(false);
    expect(isEndOfRib({ type: 'UPDATE', withdrawn: [], attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [{ prefix: '2001:db8::/32' }] } }, nlri: [] })).toBe(false);
  });
});
