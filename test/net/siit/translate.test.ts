import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { embedIpv4, extractIpv4, parseNat64Prefix } from '../../../src/dns/dns64/rfc6052.js';
import { firstMapper, tableMapper, type AddressMapper } from '../../../src/net/siit/address-map.js';
import { SiitError } from '../../../src/net/siit/errors.js';
import { translate4to6 } from '../../../src/net/siit/to-ipv6.js';
import { translate6to4 } from '../../../src/net/siit/to-ipv4.js';
import { cat, echoRest, icmp, ipv4, ipv4HeaderOk, ipv6, tcp, transportChecksumOk, udp, v4, v6 } from './packets.js';

/** RFC 6052 mapping under a prefix (the DNS64 module's embed/extract), as TAYGA's `prefix`. */
function prefixMapper(text: string): AddressMapper {
  const p = parseNat64Prefix(text);
  return { toIpv6: (a) => embedIpv4(p, a), toIpv4: (a) => extractIpv4(p, a) };
}

const wkp = prefixMapper('64:ff9b::/96');
// The lab's client, bound to a pool address as TAYGA's dynamic pool would (stateless here).
const mapper = firstMapper(tableMapper([['192.168.255.2', '2001:db8:1::2']]), wkp);
const client6 = v6('2001:db8:1::2');
const client4 = v4('192.168.255.2');
const web4 = v4('192.0.2.3');
const web6 = v6('64:ff9b::c000:203');

function one(packets: Uint8Array[]): Uint8Array {
  expect(packets).toHaveLength(1);
  return packets[0]!;
}

describe('IPv6 → IPv4 (RFC 7915 §5)', () => {
  it('translates a UDP datagram: addresses, hop limit − 1, protocol, lengths, checksum', () => {
    const seg = udp(client6, web6, 40000, 53, new TextEncoder().encode('hello'));
    const out = one(translate6to4(ipv6({ src: client6, dst: web6, nextHeader: 17, hopLimit: 64, trafficClass: 0x28 }, seg), { mapper }));
    expect(out[0]).toBe(0x45);
    expect(out[1]).toBe(0x28);
    expect((out[2]! << 8) | out[3]!).toBe(20 + seg.length);
    expect(out[6]! & 0x40).toBe(0); // §5.1: DF clear at ≤ 1260 bytes
    expect(out[8]).toBe(63);
    expect(out[9]).toBe(17);
    expect([...out.subarray(12, 16)]).toEqual([...client4]);
    expect([...out.subarray(16, 20)]).toEqual([...web4]);
    expect(ipv4HeaderOk(out)).toBe(true);
    expect(transportChecksumOk(out)).toBe(true);
    expect([...out.subarray(28)]).toEqual([...new TextEncoder().encode('hello')]);
  });

  it('sets DF on packets larger than 1260 bytes', () => {
    const seg = udp(client6, web6, 1, 2, new Uint8Array(1300));
    const out = one(translate6to4(ipv6({ src: client6, dst: web6, nextHeader: 17 }, seg), { mapper }));
    expect(out[6]! & 0x40).toBe(0x40);
  });

  it('echo request 128 → 8 with a valid ICMPv4 checksum', () => {
    const msg = icmp(client6, web6, 128, 0, echoRest(7, 1), new Uint8Array([1, 2, 3]));
    const out = one(translate6to4(ipv6({ src: client6, dst: web6, nextHeader: 58 }, msg), { mapper }));
    expect(out[9]).toBe(1);
    expect(out[20]).toBe(8);
    expect(transportChecksumOk(out)).toBe(true);
  });

  it('carries a Fragment header into the IPv4 fragment fields (§5.1.1)', () => {
    const seg = udp(client6, web6, 1, 2, new Uint8Array(64));
    const out = one(translate6to4(ipv6({ src: client6, dst: web6, nextHeader: 17, fragment: { id: 0x12345678, offset: 0, more: true } }, seg.subarray(0, 40)), { mapper }));
    expect((out[4]! << 8) | out[5]!).toBe(0x5678);
    expect(out[6]! & 0x60).toBe(0x20); // MF, not DF
    expect((out[2]! << 8) | out[3]!).toBe(60);
  });

  it('port unreachable with the packet in error: 1/4 → 3/3, inner header translated without TTL decrement', () => {
    // What the IPv6 side sees of it, and the error the IPv6 world sends back about it.
    const inner6 = ipv6({ src: web6, dst: client6, nextHeader: 17, hopLimit: 63 }, udp(web6, client6, 9, 40000, new Uint8Array(10)));
    const error6 = ipv6({ src: client6, dst: web6, nextHeader: 58 }, icmp(client6, web6, 1, 4, new Uint8Array(4), inner6));
    const out = one(translate6to4(error6, { mapper }));
    expect([out[20], out[21]]).toEqual([3, 3]);
    expect(transportChecksumOk(out)).toBe(true);
    const embedded = out.subarray(28);
    expect(embedded[8]).toBe(63);
    expect([...embedded.subarray(12, 20)]).toEqual([...web4, ...client4]);
    expect(ipv4HeaderOk(embedded)).toBe(true);
    expect(transportChecksumOk(embedded)).toBe(true);
  });

  it('packet too big 2/0 → 3/4 with MTU − 20; parameter problem pointer per Figure 6', () => {
    const inner6 = ipv6({ src: web6, dst: client6, nextHeader: 17 }, udp(web6, client6, 9, 40000, new Uint8Array(10)));
    const ptb = one(translate6to4(ipv6({ src: client6, dst: web6, nextHeader: 58 }, icmp(client6, web6, 2, 0, Uint8Array.of(0, 0, 5, 0xdc), inner6)), { mapper }));
    expect([ptb[20], ptb[21], (ptb[26]! << 8) | ptb[27]!]).toEqual([3, 4, 1480]);
    const pp = one(translate6to4(ipv6({ src: client6, dst: web6, nextHeader: 58 }, icmp(client6, web6, 4, 0, Uint8Array.of(0, 0, 0, 7), inner6)), { mapper }));
    expect([pp[20], pp[21], pp[24]]).toEqual([12, 0, 8]); // hop limit (7) → TTL (8)
    expect(() => translate6to4(ipv6({ src: client6, dst: web6, nextHeader: 58 }, icmp(client6, web6, 4, 0, Uint8Array.of(0, 0, 0, 2), inner6)), { mapper })).toThrow(/pointer 2/);
  });

  it('drops what the RFC says to drop, with typed errors', () => {
    const reason = (p: Uint8Array) => {
      try {
        translate6to4(p, { mapper });
        return 'translated';
      } catch (err) {
        return err instanceof SiitError ? err.reason : `other: ${String(err)}`;
      }
    };
    expect(reason(ipv6({ src: client6, dst: web6, nextHeader: 58 }, icmp(client6, web6, 135, 0, new Uint8Array(4), new Uint8Array(16))))).toBe('untranslatable-icmp');
    expect(reason(ipv6({ src: client6, dst: web6, nextHeader: 17, hopLimit: 1 }, udp(client6, web6, 1, 2, new Uint8Array(1))))).toBe('ttl-exceeded');
    expect(reason(ipv6({ src: client6, dst: v6('2001:db8:99::1'), nextHeader: 17 }, udp(client6, v6('2001:db8:99::1'), 1, 2, new Uint8Array(1))))).toBe('no-mapping');
    expect(reason(ipv6({ src: client6, dst: web6, nextHeader: 17 }, udp(client6, web6, 1, 2, new Uint8Array(1), { zeroChecksum: true })))).toBe('udp-zero-checksum');
    const routing = cat(Uint8Array.of(17, 0, 0, 1), new Uint8Array(4));
    const withRouting = ipv6({ src: client6, dst: web6, nextHeader: 43 }, cat(routing, udp(client6, web6, 1, 2, new Uint8Array(1))));
    expect(reason(withRouting)).toBe('routing-header');
    expect(reason(ipv6({ src: client6, dst: web6, nextHeader: 17 }, udp(client6, web6, 1, 2, new Uint8Array(4))).subarray(0, 45))).toBe('truncated');
  });
});

describe('IPv4 → IPv6 (RFC 7915 §4)', () => {
  it('translates a TCP segment: TTL − 1 as hop limit, TOS as traffic class, checksum for the IPv6 pseudo-header', () => {
    const seg = tcp(web4, client4, 80, 40000, 1000, 0x12, new Uint8Array(0));
    const out = one(translate4to6(ipv4({ src: web4, dst: client4, protocol: 6, ttl: 64, tos: 0xb8, df: true }, seg), { mapper }));
    expect(out[0]! >> 4).toBe(6);
    expect(((out[0]! & 15) << 4) | (out[1]! >> 4)).toBe(0xb8);
    expect(out[6]).toBe(6);
    expect(out[7]).toBe(63);
    expect([...out.subarray(8, 24)]).toEqual([...web6]);
    expect([...out.subarray(24, 40)]).toEqual([...client6]);
    expect(transportChecksumOk(out)).toBe(true);
  });

  it('ignores options but refuses an unexpired source route (§4.1)', () => {
    const seg = udp(web4, client4, 1, 2, new Uint8Array(4));
    const recordRoute = Uint8Array.of(7, 7, 4, 0, 0, 0, 0, 0);
    expect(one(translate4to6(ipv4({ src: web4, dst: client4, protocol: 17, options: recordRoute }, seg), { mapper })).length).toBe(40 + seg.length);
    const lsrr = Uint8Array.of(131, 7, 4, 198, 51, 100, 1, 0);
    expect(() => translate4to6(ipv4({ src: web4, dst: client4, protocol: 17, options: lsrr }, seg), { mapper })).toThrow(SiitError);
  });

  it('computes a checksum for unfragmented UDP without one, refuses fragmented ones (§4.5)', () => {
    const seg = udp(web4, client4, 1, 2, new Uint8Array(5), { zeroChecksum: true });
    expect(transportChecksumOk(one(translate4to6(ipv4({ src: web4, dst: client4, protocol: 17 }, seg), { mapper })))).toBe(true);
    expect(() => translate4to6(ipv4({ src: web4, dst: client4, protocol: 17, mf: true }, seg), { mapper })).toThrow(/without a checksum/);
    expect(() => translate4to6(ipv4({ src: web4, dst: client4, protocol: 17 }, seg), { mapper, udpZeroChecksum: 'drop' })).toThrow(SiitError);
  });

  it('gives fragments a Fragment header with the IPv4 identification, offset and MF', () => {
    const out = one(translate4to6(ipv4({ src: web4, dst: client4, protocol: 17, id: 0xbeef, mf: true, offset: 1480 }, new Uint8Array(16)), { mapper }));
    expect(out[6]).toBe(44);
    expect([out[40], (out[42]! << 8) | out[43]!, (out[44]! << 24) | (out[45]! << 16) | (out[46]! << 8) | out[47]!]).toEqual([17, 1480 | 1, 0xbeef]);
  });

  it('fragments packets without DF to lowest-ipv6-mtu (§4.1)', () => {
    const data = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const packets = translate4to6(ipv4({ src: web4, dst: client4, protocol: 17, id: 42 }, udp(web4, client4, 1, 2, data)), { mapper });
    expect(packets.length).toBe(3);
    for (const p of packets) expect(p.length).toBeLessThanOrEqual(1280);
    const reassembled = cat(...packets.map((p) => p.subarray(48)));
    expect(reassembled.length).toBe(3008);
    expect([...reassembled.subarray(8)]).toEqual([...data]);
    expect(packets.map((p) => p[43]! & 1)).toEqual([1, 1, 0]);
  });

  it('refuses DF packets larger than a known IPv6 next-hop MTU, reporting MTU − 20', () => {
    const big = ipv4({ src: web4, dst: client4, protocol: 17, df: true }, udp(web4, client4, 1, 2, new Uint8Array(1400)));
    try {
      translate4to6(big, { mapper, ipv6NextHopMtu: 1280 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SiitError);
      expect((err as SiitError).mtu).toBe(1260);
    }
  });

  it('ICMPv4 errors: 3/3 → 1/4, 3/4 → 2/0 with MTU + 20 but at least 1280, 12/0 pointer per Figure 3, redirects dropped', () => {
    const inner4 = ipv4({ src: client4, dst: web4, protocol: 17, ttl: 63 }, udp(client4, web4, 40000, 9, new Uint8Array(10)));
    const err = (type: number, code: number, rest: Uint8Array) => ipv4({ src: web4, dst: client4, protocol: 1 }, icmp(web4, client4, type, code, rest, inner4));
    const pu = one(translate4to6(err(3, 3, new Uint8Array(4)), { mapper }));
    expect([pu[40], pu[41]]).toEqual([1, 4]);
    expect(transportChecksumOk(pu)).toBe(true);
    const embedded = pu.subarray(48);
    expect(embedded[7]).toBe(63);
    expect([...embedded.subarray(8, 24)]).toEqual([...client6]);
    expect(transportChecksumOk(embedded)).toBe(true);
    const ptb = one(translate4to6(err(3, 4, Uint8Array.of(0, 0, 0x05, 0x78)), { mapper }));
    expect([ptb[40], ptb[41], (ptb[46]! << 8) | ptb[47]!]).toEqual([2, 0, 1420]);
    const small = one(translate4to6(err(3, 4, Uint8Array.of(0, 0, 0x02, 0x40)), { mapper }));
    expect((small[46]! << 8) | small[47]!).toBe(1280);
    const pp = one(translate4to6(err(12, 0, Uint8Array.of(9, 0, 0, 0)), { mapper }));
    expect([pp[40], pp[41], pp[47]]).toEqual([4, 0, 6]);
    expect(() => translate4to6(err(5, 1, new Uint8Array(4)), { mapper })).toThrow(/no ICMPv6 translation/);
  });
});

// ---------------------------------------------------------------- properties

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const host4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((t) => Uint8Array.from(t));
const anyMapper = fc.constantFrom('64:ff9b::/96', '2001:db8:64::/64', '2001:db8:100::/40', '2001:db8::/32', '64:ff9b:1::/48', '2001:db8:122:300::/56').map(prefixMapper);
const transport = fc.constantFrom('udp', 'tcp', 'echo', 'reply', 'raw');

function build4(kind: string, src: Uint8Array, dst: Uint8Array, data: Uint8Array, ports: [number, number]) {
  switch (kind) {
    case 'udp': return { protocol: 17, payload: udp(src, dst, ports[0], ports[1], data) };
    case 'tcp': return { protocol: 6, payload: tcp(src, dst, ports[0], ports[1], 12345, 0x18, data) };
    case 'echo': return { protocol: 1, payload: icmp(src, dst, 8, 0, echoRest(ports[0], ports[1]), data) };
    case 'reply': return { protocol: 1, payload: icmp(src, dst, 0, 0, echoRest(ports[0], ports[1]), data) };
    default: return { protocol: 253, payload: data };
  }
}

function build6(kind: string, src: Uint8Array, dst: Uint8Array, data: Uint8Array, ports: [number, number]) {
  switch (kind) {
    case 'udp': return { nextHeader: 17, payload: udp(src, dst, ports[0], ports[1], data) };
    case 'tcp': return { nextHeader: 6, payload: tcp(src, dst, ports[0], ports[1], 12345, 0x18, data) };
    case 'echo': return { nextHeader: 58, payload: icmp(src, dst, 128, 0, echoRest(ports[0], ports[1]), data) };
    case 'reply': return { nextHeader: 58, payload: icmp(src, dst, 129, 0, echoRest(ports[0], ports[1]), data) };
    default: return { nextHeader: 253, payload: data };
  }
}

const ports = fc.tuple(fc.nat(65535), fc.nat(65535));

describe('properties', () => {
  propTest.prop([anyMapper, host4, host4, transport, bytes(0, 1200), ports, fc.nat(255), fc.integer({ min: 2, max: 255 }), fc.nat(65535)])(
    '4 → 6 → 4 is the identity for unfragmented packets (ID kept by the translator, DF by size), checksums valid on both sides',
    (m, src, dst, kind, data, pp, tos, ttl, id) => {
      const { protocol, payload } = build4(kind, src, dst, data, pp);
      const total = 20 + payload.length;
      const packet = ipv4({ src, dst, protocol, tos, ttl, id, df: total > 1260 }, payload);
      const six = one(translate4to6(packet, { mapper: m, decrementTtl: false }));
      if (kind !== 'raw') expect(transportChecksumOk(six)).toBe(true);
      const back = one(translate6to4(six, { mapper: m, decrementTtl: false, nextIpv4Id: () => id }));
      expect(ipv4HeaderOk(back)).toBe(true);
      expect(Buffer.from(back).toString('hex')).toBe(Buffer.from(packet).toString('hex'));
    },
  );

  propTest.prop([anyMapper, host4, host4, transport, bytes(0, 1400), ports, fc.nat(255), fc.integer({ min: 2, max: 255 })])(
    '6 → 4 → 6 is the identity for packets without extension headers',
    (m, s4, d4, kind, data, pp, tc, hop) => {
      const mapper6 = m;
      const src = mapper6.toIpv6(s4)!;
      const dst = mapper6.toIpv6(d4)!;
      const { nextHeader, payload } = build6(kind, src, dst, data, pp);
      const packet = ipv6({ src, dst, nextHeader, trafficClass: tc, hopLimit: hop }, payload);
      const four = one(translate6to4(packet, { mapper: mapper6, decrementTtl: false }));
      if (kind !== 'raw') expect(transportChecksumOk(four)).toBe(true);
      expect(ipv4HeaderOk(four)).toBe(true);
      const back = translate4to6(four, { mapper: mapper6, decrementTtl: false, lowestIpv6Mtu: 1500 });
      expect(Buffer.from(one(back)).toString('hex')).toBe(Buffer.from(packet).toString('hex'));
    },
  );

  propTest.prop([host4, host4, fc.constantFrom('udp', 'tcp', 'echo'), bytes(0, 600), ports, fc.constantFrom<[number, number]>([3, 1], [3, 3], [11, 0], [3, 13], [3, 4], [12, 0])])(
    'an ICMPv4 error carries the same translation of the packet in error as the packet itself got (TTL kept), truncated to 1280',
    (a, b, kind, data, pp, [type, code]) => {
      const { protocol, payload } = build4(kind, a, b, data, pp);
      const inner = ipv4({ src: a, dst: b, protocol, ttl: 30 }, payload);
      const rest = type === 12 ? Uint8Array.of(12, 0, 0, 0) : type === 3 && code === 4 ? Uint8Array.of(0, 0, 5, 0xdc) : new Uint8Array(4);
      const error = ipv4({ src: b, dst: a, protocol: 1 }, icmp(b, a, type, code, rest, inner));
      const six = one(translate4to6(error, { mapper: wkp }));
      expect(six.length).toBeLessThanOrEqual(1280);
      expect(transportChecksumOk(six)).toBe(true);
      const alone = one(translate4to6(inner, { mapper: wkp, decrementTtl: false, lowestIpv6Mtu: 65535 }));
      expect(Buffer.from(six.subarray(48)).toString('hex')).toBe(Buffer.from(alone.subarray(0, six.length - 48)).toString('hex'));
    },
  );

  propTest.prop([host4, host4, fc.constantFrom('udp', 'tcp', 'echo'), bytes(0, 900), ports, fc.constantFrom<[number, number]>([1, 0], [1, 4], [3, 0], [2, 0], [4, 0], [4, 1])])(
    'an ICMPv6 error carries the same translation of the packet in error as the packet itself got (hop limit kept), truncated to 576',
    (a4, b4, kind, data, pp, [type, code]) => {
      const a = wkp.toIpv6(a4)!;
      const b = wkp.toIpv6(b4)!;
      const { nextHeader, payload } = build6(kind, a, b, data, pp);
      const inner = ipv6({ src: a, dst: b, nextHeader, hopLimit: 30 }, payload);
      const rest = type === 4 && code === 0 ? Uint8Array.of(0, 0, 0, 24) : type === 2 ? Uint8Array.of(0, 0, 5, 0xdc) : new Uint8Array(4);
      const error = ipv6({ src: b, dst: a, nextHeader: 58 }, icmp(b, a, type, code, rest, inner));
      const four = one(translate6to4(error, { mapper: wkp }));
      expect(four.length).toBeLessThanOrEqual(576);
      expect(transportChecksumOk(four)).toBe(true);
      expect(ipv4HeaderOk(four)).toBe(true);
      const alone = one(translate6to4(inner, { mapper: wkp, decrementTtl: false }));
      expect(Buffer.from(four.subarray(28)).toString('hex')).toBe(Buffer.from(alone.subarray(0, four.length - 28)).toString('hex'));
    },
  );

  propTest.prop([host4, host4, bytes(1500, 4000), fc.nat(65535), fc.integer({ min: 1280, max: 1500 })])(
    'fragmenting to lowest-ipv6-mtu keeps every fragment within it and the payload intact',
    (a, b, data, id, mtu) => {
      const packets = translate4to6(ipv4({ src: a, dst: b, protocol: 17, id }, udp(a, b, 1, 2, data)), { mapper: wkp, lowestIpv6Mtu: mtu });
      let offset = 0;
      for (const p of packets) {
        expect(p.length).toBeLessThanOrEqual(mtu);
        expect(((p[42]! << 8) | p[43]!) & 0xfff8).toBe(offset);
        expect((p[46]! << 8) | p[47]!).toBe(id);
        offset += p.length - 48;
      }
      expect(offset).toBe(8 + data.length);
    },
  );

  const randomPacket = fc.oneof(
    bytes(0, 200),
    bytes(0, 200).map((b) => (b.length ? Uint8Array.of(0x45, ...b.subarray(1)) : b)),
    bytes(40, 200).map((b) => Uint8Array.of(0x60, ...b.subarray(1))),
  );
  propTest.prop([randomPacket, anyMapper])('random bytes never throw anything but SiitError', (p, m) => {
    for (const f of [translate4to6, translate6to4]) {
      try {
        f(p, { mapper: m });
      } catch (err) {
        expect(err).toBeInstanceOf(SiitError);
      }
    }
  });

  propTest.prop([fc.uint8Array({ minLength: 28, maxLength: 120 }), host4, host4])('mutated valid IPv6 packets never throw anything but SiitError', (noise, a4, b4) => {
    const a = wkp.toIpv6(a4)!;
    const b = wkp.toIpv6(b4)!;
    const p = ipv6({ src: a, dst: b, nextHeader: 58 }, icmp(a, b, 1, 4, new Uint8Array(4), noise));
    for (let i = 0; i < p.length; i += 7) {
      const q = p.slice();
      q[i] = noise[i % noise.length]!;
      try {
        translate6to4(q, { mapper: wkp });
      } catch (err) {
        expect(err).toBeInstanceOf(SiitError);
      }
    }
  });
});
