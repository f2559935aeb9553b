import { describe, expect, it } from 'vitest';
import { checksumValid, pseudoSum4, pseudoSum6, sumWords } from '../../../src/net/siit/checksum.js';
import { buildPacket, checksumsValid, parsePacket, PacketParseError, TCP_ACK, TCP_SYN, type Packet } from '../../../src/runtime/sim/packets.js';

const v6 = (last: number) => Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, last]);
const v4 = (last: number) => Uint8Array.from([93, 184, 216, last]);

const probes: Array<[string, Packet]> = [
  ['ICMPv6 echo', { src: v6(2), dst: v6(3), ttl: 64, transport: { protocol: 'icmp', echo: 'request', id: 7, seq: 1, data: Uint8Array.from([1, 2, 3]) } }],
  ['ICMPv4 echo reply', { src: v4(3), dst: v4(1), ttl: 63, transport: { protocol: 'icmp', echo: 'reply', id: 7, seq: 9, data: new Uint8Array(0) } }],
  ['TCP SYN over IPv6', { src: v6(2), dst: v6(3), ttl: 64, transport: { protocol: 'tcp', srcPort: 40000, dstPort: 80, flags: TCP_SYN, seq: 1, ack: 0 } }],
  ['TCP SYN-ACK over IPv4', { src: v4(3), dst: v4(1), ttl: 64, transport: { protocol: 'tcp', srcPort: 80, dstPort: 40000, flags: TCP_SYN | TCP_ACK, seq: 5, ack: 2 } }],
  ['UDP over IPv4', { src: v4(1), dst: v4(2), ttl: 64, transport: { protocol: 'udp', srcPort: 5353, dstPort: 53, data: Uint8Array.from([0xab, 0xcd, 0xef]) } }],
  ['UDP over IPv6', { src: v6(2), dst: v6(3), ttl: 64, transport: { protocol: 'udp', srcPort: 5353, dstPort: 53, data: Uint8Array.from([0xab]) } }],
];

describe('sim packets', () => {
  it.each(probes)('%s reads back as built, with checksums a receiver accepts', (_name, p) => {
    const bytes = buildPacket(p);
    expect(parsePacket(bytes)).toEqual(p);
    expect(checksumsValid(bytes)).toBe(true);
    // Independently of checksumsValid: the RFC 1071 sums over the packet's own fields.
    const family6 = p.src.length === 16;
    const upper = bytes.subarray(family6 ? 40 : 20);
    const proto = bytes[family6 ? 6 : 9]!;
    if (!family6) expect(checksumValid(sumWords(bytes, 0, 20))).toBe(true);
    const pseudo = family6 ? pseudoSum6(p.src, p.dst, proto, upper.length) : proto === 1 ? 0 : pseudoSum4(p.src, p.dst, proto, upper.length);
    expect(checksumValid(sumWords(upper, 0, upper.length, pseudo))).toBe(true);
  });

  it('notices a flipped bit in the transport data', () => {
    const bytes = buildPacket(probes[2]![1]);
    bytes[bytes.length - 3]! ^= 0x10;
    expect(checksumsValid(bytes)).toBe(false);
  });

  it('refuses what the model does not read', () => {
    const err = (() => {
      try {
        parsePacket(Uint8Array.from([0x50, ...new Array(39).fill(0)]));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PacketParseError);
  });
});
