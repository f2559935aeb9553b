/**
 * The packets the sim's reachability model sends and answers (ICMP/ICMPv6 echo, TCP
 * segments, UDP datagrams), built byte for byte with valid checksums, so that the NAT64 stage
 * runs the real RFC 7915 translator (src/net/siit) on them and the receiver can check what a
 * kernel checks before it answers.
 */
import { checksumOf, checksumValid, pseudoSum4, pseudoSum6, readU16, readU32, sumWords, writeU16, writeU32 } from '../../net/siit/checksum.js';
import { concat, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, readIpv4, readIpv6, writeIpv4, writeIpv6 } from '../../net/siit/headers.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** The transport part of a packet; `icmp` is ICMP on IPv4 and ICMPv6 on IPv6. */
export type Transport =
  | { protocol: 'icmp'; echo: 'request' | 'reply'; id: number; seq: number; data: Uint8Array }
  | { protocol: 'tcp'; srcPort: number; dstPort: number; flags: number; seq: number; ack: number }
  | { protocol: 'udp'; srcPort: number; dstPort: number; data: Uint8Array };

export interface Packet {
  /** 4 bytes (IPv4) or 16 bytes (IPv6). */
  src: Uint8Array;
  dst: Uint8Array;
  /** TTL or Hop Limit. */
  ttl: number;
  transport: Transport;
}

/** A packet the model cannot read (not one of the kinds above). */
export class PacketParseError extends Error {
  readonly code = 'sim.packet-unreadable';
}

const ECHO = { ipv4: { request: 8, reply: 0 }, ipv6: { request: 128, reply: 129 } } as const;

export function buildPacket(p: Packet): Uint8Array {
  const v6 = p.src.length === 16;
  const proto = p.transport.protocol === 'tcp' ? PROTO_TCP : p.transport.protocol === 'udp' ? PROTO_UDP : v6 ? PROTO_ICMPV6 : PROTO_ICMP;
  const upper = transportBytes(p.transport, v6);
  const pseudo = v6 ? pseudoSum6(p.src, p.dst, proto, upper.length) : pseudoSum4(p.src, p.dst, proto, upper.length);
  // ICMPv4 alone has no pseudo-header in its checksum (RFC 792); ICMPv6 does (RFC 4443 §2.3).
  const at = checksumOffset(p.transport.protocol);
  let sum = checksumOf(sumWords(upper, 0, upper.length, p.transport.protocol === 'icmp' && !v6 ? 0 : pseudo));
  if (p.transport.protocol === 'udp' && sum === 0) sum = 0xffff;
  writeU16(upper, at, sum);
  const header = v6
    ? writeIpv6({ trafficClass: 0, payloadLength: upper.length, nextHeader: proto, hopLimit: p.ttl, src: p.src, dst: p.dst })
    : writeIpv4({ tos: 0, totalLength: 20 + upper.length, id: 0, df: true, mf: false, offset: 0, ttl: p.ttl, protocol: proto, src: p.src, dst: p.dst });
  return concat(header, upper);
}

function transportBytes(t: Transport, v6: boolean): Uint8Array {
  switch (t.protocol) {
    case 'icmp': {
      const out = new Uint8Array(8 + t.data.length);
      out[0] = (v6 ? ECHO.ipv6 : ECHO.ipv4)[t.echo];
      writeU16(out, 4, t.id);
      writeU16(out, 6, t.seq);
      out.set(t.data, 8);
      return out;
    }
    case 'tcp': {
      const out = new Uint8Array(20);
      writeU16(out, 0, t.srcPort);
      writeU16(out, 2, t.dstPort);
      writeU32(out, 4, t.seq);
      writeU32(out, 8, t.ack);
      out[12] = 5 << 4; // data offset: 5 words, no options
      out[13] = t.flags;
      writeU16(out, 14, t.flags & TCP_RST ? 0 : 64240);
      return out;
    }
    case 'udp': {
      const out = new Uint8Array(8 + t.data.length);
      writeU16(out, 0, t.srcPort);
      writeU16(out, 2, t.dstPort);
      writeU16(out, 4, out.length);
      out.set(t.data, 8);
      return out;
    }
  }
}

function checksumOffset(protocol: Transport['protocol']): number {
  return protocol === 'tcp' ? 16 : protocol === 'udp' ? 6 : 2;
}

/** The packet as the model reads it; throws `PacketParseError` for anything else. */
export function parsePacket(bytes: Uint8Array): Packet {
  const version = (bytes[0] ?? 0) >> 4;
  let src: Uint8Array;
  let dst: Uint8Array;
  let ttl: number;
  let proto: number;
  let upper: Uint8Array;
  if (version === 4) {
    const h = readIpv4(bytes, false);
    ({ src, dst, ttl } = h);
    proto = h.protocol;
    upper = bytes.subarray(h.headerLength, h.totalLength);
  } else if (version === 6) {
    const h = readIpv6(bytes, false);
    ({ src, dst } = h);
    ttl = h.hopLimit;
    proto = h.nextHeader;
    upper = bytes.subarray(h.headerEnd, 40 + h.payloadLength);
  } else throw new PacketParseError(`IP version ${version}`);
  const v6 = version === 6;
  if ((proto === PROTO_ICMP && !v6) || (proto === PROTO_ICMPV6 && v6)) {
    if (upper.length < 8) throw new PacketParseError('ICMP message shorter than 8 bytes');
    const types = v6 ? ECHO.ipv6 : ECHO.ipv4;
    const echo = upper[0] === types.request ? 'request' : upper[0] === types.reply ? 'reply' : undefined;
    if (!echo) throw new PacketParseError(`ICMP type ${upper[0]} is not an echo`);
    return { src, dst, ttl, transport: { protocol: 'icmp', echo, id: readU16(upper, 4), seq: readU16(upper, 6), data: upper.slice(8) } };
  }
  if (proto === PROTO_TCP) {
    if (upper.length < 20) throw new PacketParseError('TCP header shorter than 20 bytes');
    return { src, dst, ttl, transport: { protocol: 'tcp', srcPort: readU16(upper, 0), dstPort: readU16(upper, 2), seq: readU32(upper, 4), ack: readU32(upper, 8), flags: upper[13]! } };
  }
  if (proto === PROTO_UDP) {
    if (upper.length < 8) throw new PacketParseError('UDP header shorter than 8 bytes');
    return { src, dst, ttl, transport: { protocol: 'udp', srcPort: readU16(upper, 0), dstPort: readU16(upper, 2), data: upper.slice(8) } };
  }
  throw new PacketParseError(`protocol ${proto}`);
}

/**
 * Whether the checksums a receiving host verifies are right: the IPv4 header checksum, and
 * the transport checksum over its pseudo-header (none for ICMPv4).
 */
export function checksumsValid(bytes: Uint8Array): boolean {
  const version = (bytes[0] ?? 0) >> 4;
  if (version === 4) {
    const h = readIpv4(bytes, false);
    if (!checksumValid(sumWords(bytes, 0, h.headerLength))) return false;
    const upper = bytes.subarray(h.headerLength, h.totalLength);
    if (h.protocol === PROTO_ICMP) return checksumValid(sumWords(upper, 0, upper.length));
    if (h.protocol === PROTO_UDP && readU16(upper, 6) === 0) return true; // IPv4 UDP may go without (RFC 768)
    return checksumValid(sumWords(upper, 0, upper.length, pseudoSum4(h.src, h.dst, h.protocol, upper.length)));
  }
  const h = readIpv6(bytes, false);
  const upper = bytes.subarray(h.headerEnd, 40 + h.payloadLength);
  return checksumValid(sumWords(upper, 0, upper.length, pseudoSum6(h.src, h.dst, h.nextHeader, upper.length)));
}
