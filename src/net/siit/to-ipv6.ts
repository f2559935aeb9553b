/**
 * IPv4 → IPv6, RFC 7915 §4: the header (§4.1), ICMPv4 → ICMPv6 (§4.2) with the packet in
 * error translated one level deep (§4.3), transport checksums updated for the new
 * pseudo-header (§4.5), and fragmentation to `lowest-ipv6-mtu` when DF is clear.
 */
import type { AddressMapper } from './address-map.js';
import { adjustChecksum, checksumOf, checksumValid, pseudoSum6, readU16, sumWords, writeU16, writeU32 } from './checksum.js';
import { SiitError } from './errors.js';
import { checkIpv4Options, concat, isFragment4, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, readIpv4, writeIpv6, type Ipv4Header } from './headers.js';
import { mapIcmp4, plateauBelow, pointer4to6 } from './icmp-map.js';
import { resolveOptions, type ResolvedOptions, type SiitOptions } from './options.js';

/** RFC 7915 §4.3 with Linux's limit: a translated ICMPv6 error is at most the minimum IPv6 MTU. */
const ICMPV6_ERROR_MAX = 1280;

/** One IPv4 packet in, one or more IPv6 packets out (several when it had to be fragmented); throws `SiitError` when it must be dropped. */
export function translate4to6(packet: Uint8Array, options: SiitOptions): Uint8Array[] {
  const o = resolveOptions(options);
  const h = readIpv4(packet, false);
  checkIpv4Options(packet, h.headerLength);
  if (o.decrementTtl && h.ttl <= 1) throw new SiitError('ttl-exceeded', `TTL ${h.ttl} expires at the translator`);
  const src = mapTo6(o.mapper, h.src, 'source');
  const dst = mapTo6(o.mapper, h.dst, 'destination');
  const payload = packet.slice(h.headerLength, h.totalLength);
  const translated = translatePayload4(h, payload, src, dst, o);
  const nextHeader = h.protocol === PROTO_ICMP ? PROTO_ICMPV6 : h.protocol;
  const hopLimit = o.decrementTtl ? h.ttl - 1 : h.ttl;
  const fragmented = isFragment4(h);
  const size = 40 + (fragmented ? 8 : 0) + translated.length;
  if (h.df && o.ipv6NextHopMtu !== undefined && size > o.ipv6NextHopMtu) {
    throw new SiitError('packet-too-big', `${size}-byte IPv6 packet exceeds the next hop MTU ${o.ipv6NextHopMtu} and DF is set`, o.ipv6NextHopMtu - 20);
  }
  const base = { trafficClass: h.tos, nextHeader, hopLimit, src, dst };
  if (!h.df && size > o.lowestIpv6Mtu) {
    // §4.1: fragment so that each IPv6 packet, Fragment header included, fits lowest-ipv6-mtu.
    const chunk = Math.floor((o.lowestIpv6Mtu - 48) / 8) * 8;
    const out: Uint8Array[] = [];
    for (let at = 0; at < translated.length; at += chunk) {
      const piece = translated.subarray(at, Math.min(translated.length, at + chunk));
      const more = at + chunk < translated.length || h.mf;
      out.push(concat(writeIpv6({ ...base, payloadLength: 8 + piece.length, fragment: { id: h.id, offset: h.offset + at, more, nextHeader } }), piece));
    }
    return out;
  }
  const fragment = fragmented ? { fragment: { id: h.id, offset: h.offset, more: h.mf, nextHeader } } : {};
  return [concat(writeIpv6({ ...base, payloadLength: (fragmented ? 8 : 0) + translated.length, ...fragment }), translated)];
}

function mapTo6(mapper: AddressMapper, a: Uint8Array, which: string): Uint8Array {
  const r = mapper.toIpv6(a);
  if (!r) throw new SiitError('no-mapping', `no IPv6 mapping for IPv4 ${which} ${a.join('.')}`);
  return r;
}

function translatePayload4(h: Ipv4Header, payload: Uint8Array, src6: Uint8Array, dst6: Uint8Array, o: ResolvedOptions): Uint8Array {
  if (h.offset !== 0) return payload; // a later fragment carries no transport header
  const fragmented = isFragment4(h);
  const addrs4 = sumWords(h.dst, 0, 4, sumWords(h.src, 0, 4));
  const addrs6 = sumWords(dst6, 0, 16, sumWords(src6, 0, 16));
  switch (h.protocol) {
    case PROTO_TCP:
      if (payload.length >= 18) writeU16(payload, 16, adjustChecksum(readU16(payload, 16), addrs4, addrs6));
      return payload;
    case PROTO_UDP: {
      if (payload.length < 8) return payload;
      const old = readU16(payload, 6);
      if (old === 0) {
        if (fragmented) throw new SiitError('udp-zero-checksum', 'fragmented IPv4 UDP datagram without a checksum');
        if (o.udpZeroChecksum === 'drop') throw new SiitError('udp-zero-checksum', 'IPv4 UDP datagram without a checksum (configured to drop)');
        const sum = sumWords(payload, 0, payload.length, pseudoSum6(src6, dst6, PROTO_UDP, payload.length));
        writeU16(payload, 6, checksumOf(sum) || 0xffff);
        return payload;
      }
      // RFC 768: a computed zero is sent as all ones, zero meaning "no checksum".
      writeU16(payload, 6, adjustChecksum(old, addrs4, addrs6) || 0xffff);
      return payload;
    }
    case PROTO_ICMP:
      if (fragmented) throw new SiitError('fragmented-icmp', 'ICMPv4 in fragments');
      return translateIcmp4(payload, src6, dst6, o);
    default:
      return payload;
  }
}

function translateIcmp4(icmp: Uint8Array, src6: Uint8Array, dst6: Uint8Array, o: ResolvedOptions): Uint8Array {
  if (icmp.length < 8) throw new SiitError('truncated', `ICMPv4 message of ${icmp.length} bytes`);
  const map = mapIcmp4(icmp[0]!, icmp[1]!);
  if (!map) throw new SiitError('untranslatable-icmp', `ICMPv4 type ${icmp[0]} code ${icmp[1]} has no ICMPv6 translation`);
  if (map.class === 'echo') {
    const out = icmp.slice();
    out[0] = map.type;
    out[1] = map.code;
    const removed = readU16(icmp, 0);
    const added = readU16(out, 0) + pseudoSum6(src6, dst6, PROTO_ICMPV6, out.length);
    writeU16(out, 2, adjustChecksum(readU16(icmp, 2), removed, added));
    return out;
  }
  if (!checksumValid(sumWords(icmp, 0, icmp.length))) throw new SiitError('bad-checksum', `ICMPv4 type ${icmp[0]} checksum does not verify`);
  const inner = translateEmbedded4(icmp.subarray(8), o);
  const header = new Uint8Array(8);
  header[0] = map.type;
  header[1] = map.code;
  if (map.rest === 'mtu') {
    const embeddedTotal = icmp.length >= 12 ? readU16(icmp, 10) : 0;
    const advertised = readU16(icmp, 6) || plateauBelow(embeddedTotal);
    let mtu = advertised + 20;
    if (o.ipv6NextHopMtu !== undefined) mtu = Math.min(mtu, o.ipv6NextHopMtu);
    if (o.ipv4NextHopMtu !== undefined) mtu = Math.min(mtu, o.ipv4NextHopMtu + 20);
    writeU32(header, 4, Math.max(1280, mtu)); // §4.2: never below the IPv6 minimum MTU
  } else if (map.rest === 'pointer') {
    const p = map.fixedPointer ?? pointer4to6(icmp[4]!);
    if (p === undefined) throw new SiitError('untranslatable-icmp', `ICMPv4 parameter problem pointer ${icmp[4]} has no IPv6 counterpart`);
    writeU32(header, 4, p);
  }
  const room = ICMPV6_ERROR_MAX - 40 - 8;
  const out = concat(header, inner.length > room ? inner.subarray(0, room) : inner);
  writeU16(out, 2, checksumOf(sumWords(out, 0, out.length, pseudoSum6(src6, dst6, PROTO_ICMPV6, out.length))));
  return out;
}

/** The packet in error, translated like a normal packet but with its TTL kept (§4.3) and its lengths as its header says. */
function translateEmbedded4(bytes: Uint8Array, o: ResolvedOptions): Uint8Array {
  const h = readIpv4(bytes, true);
  const src = mapTo6(o.mapper, h.src, 'embedded source');
  const dst = mapTo6(o.mapper, h.dst, 'embedded destination');
  const payload = bytes.slice(h.headerLength, Math.max(h.headerLength, Math.min(bytes.length, h.totalLength)));
  const upperLength = h.totalLength - h.headerLength;
  const fragmented = isFragment4(h);
  if (h.offset === 0) {
    const addrs4 = sumWords(h.dst, 0, 4, sumWords(h.src, 0, 4));
    const addrs6 = sumWords(dst, 0, 16, sumWords(src, 0, 16));
    if (h.protocol === PROTO_TCP && payload.length >= 18) writeU16(payload, 16, adjustChecksum(readU16(payload, 16), addrs4, addrs6));
    if (h.protocol === PROTO_UDP && payload.length >= 8 && readU16(payload, 6) !== 0) writeU16(payload, 6, adjustChecksum(readU16(payload, 6), addrs4, addrs6) || 0xffff);
    if (h.protocol === PROTO_ICMP && payload.length >= 4) {
      const map = mapIcmp4(payload[0]!, payload[1]!);
      if (map?.class === 'error') throw new SiitError('nested-icmp-error', 'an ICMPv4 error inside an ICMPv4 error');
      if (!map) throw new SiitError('untranslatable-icmp', `embedded ICMPv4 type ${payload[0]} has no ICMPv6 translation`);
      const removed = readU16(payload, 0);
      payload[0] = map.type;
      payload[1] = map.code;
      writeU16(payload, 2, adjustChecksum(readU16(payload, 2), removed, readU16(payload, 0) + pseudoSum6(src, dst, PROTO_ICMPV6, upperLength)));
    }
  }
  const nextHeader = h.protocol === PROTO_ICMP ? PROTO_ICMPV6 : h.protocol;
  const header = writeIpv6({
    trafficClass: h.tos,
    payloadLength: upperLength + (fragmented ? 8 : 0),
    nextHeader,
    hopLimit: h.ttl,
    src,
    dst,
    ...(fragmented ? { fragment: { id: h.id, offset: h.offset, more: h.mf, nextHeader } } : {}),
  });
  return concat(header, payload);
}
