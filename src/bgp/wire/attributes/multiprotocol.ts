/**
 * MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760) for IPv4/IPv6 unicast and multicast.
 * Next hop: 4 bytes (IPv4), 16 (IPv6 global, or IPv6 for IPv4 NLRI per RFC 8950), or 32
 * (global + link-local, RFC 2545). Anything malformed here, including the NLRI inside,
 * resets the session with UPDATE/Optional Attribute Error (RFC 4760 §7, RFC 7606 §7.11: we
 * take "session reset" rather than "AFI/SAFI disable", as GoBGP does).
 */
import { formatIpv4Number, formatIpv6Bytes, parseIpv4Number, parseIpv6Into } from '../address.js';
import { u32At, type Reader } from '../cursor.js';
import { BgpEncodeError, UPDATE_SUBCODE } from '../errors.js';
import { decodePrefixes, encodePrefixes, familyOf, prefixesEncodedLength, type NlriErrorSpec } from '../nlri.js';
import { AFI_IPV4, AFI_IPV6, type CodecContext, type MpReach, type MpUnreach } from '../types.js';
import { ATTR, OPTIONAL_NON_TRANSITIVE, always, malformed, type AttributeSpec } from './attribute.js';

const MP_NLRI_ERROR: NlriErrorSpec = { code: 'bgp.update.malformed-mp-nlri', errorCode: 3, errorSubcode: UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, what: 'MP NLRI' };

function checkFamily(r: Reader, afi: number, safi: number, name: string): void {
  if ((afi !== AFI_IPV4 && afi !== AFI_IPV6) || (safi !== 1 && safi !== 2)) {
    throw malformed(r, UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, `${name} for AFI ${afi} SAFI ${safi}, which flatlab does not decode`, 'bgp.update.unsupported-family');
  }
}

function addPathReceive(ctx: CodecContext, afi: number, safi: number): boolean {
  const f = familyOf(afi, safi);
  return f !== undefined && ctx.addPathReceive.has(f);
}

function addPathSend(ctx: CodecContext, afi: number, safi: number): boolean {
  const f = familyOf(afi, safi);
  return f !== undefined && ctx.addPathSend.has(f);
}

function nextHopLength(v: MpReach): number {
  if (!v.nextHop.includes(':')) return 4;
  return v.linkLocalNextHop === undefined ? 16 : 32;
}

export const mpReachAttribute: AttributeSpec<'mpReach'> = {
  typeCode: ATTR.MP_REACH_NLRI,
  name: 'MP_REACH_NLRI',
  field: 'mpReach',
  flags: OPTIONAL_NON_TRANSITIVE,
  onMalformed: always('session-reset'),
  codec: {
    encode(v, w, ctx) {
      w.u16(v.afi);
      w.u8(v.safi);
      const nhLen = nextHopLength(v);
      w.u8(nhLen);
      if (nhLen === 4) {
        const nh = parseIpv4Number(v.nextHop);
        if (nh === undefined) throw new BgpEncodeError(`MP_REACH_NLRI next hop "${v.nextHop}" is not an IPv4 or IPv6 address`);
        w.u32(nh);
      } else {
        const buf = new Uint8Array(16);
        if (!parseIpv6Into(v.nextHop, buf, 0)) throw new BgpEncodeError(`MP_REACH_NLRI next hop "${v.nextHop}" is not an IPv6 address`);
        w.bytes(buf);
        if (v.linkLocalNextHop !== undefined) {
          if (!parseIpv6Into(v.linkLocalNextHop, buf, 0)) throw new BgpEncodeError(`MP_REACH_NLRI link-local next hop "${v.linkLocalNextHop}" is not an IPv6 address`);
          w.bytes(buf);
        }
      }
      w.u8(0); // reserved (RFC 4760 §3)
      encodePrefixes(w, v.nlri, v.afi, addPathSend(ctx, v.afi, v.safi));
    },
    decode(r, len, ctx) {
      if (len < 5) throw malformed(r, UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, `MP_REACH_NLRI length ${len} is shorter than its fixed part (5)`, 'bgp.update.malformed-mp-reach');
      const afi = r.u16();
      const safi = r.u8();
      checkFamily(r, afi, safi, 'MP_REACH_NLRI');
      const nhLen = r.u8();
      const okLength = afi === AFI_IPV4 ? nhLen === 4 || nhLen === 16 || nhLen === 32 : nhLen === 16 || nhLen === 32;
      if (!okLength) throw malformed(r, UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, `MP_REACH_NLRI next hop length ${nhLen} is not valid for AFI ${afi}`, 'bgp.update.malformed-mp-reach');
      if (r.remaining < nhLen + 1) throw malformed(r, UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, `MP_REACH_NLRI next hop of ${nhLen} bytes runs past the attribute`, 'bgp.update.malformed-mp-reach');
      let nextHop: string;
      let linkLocal: string | undefined;
      const texts = ctx.addressTexts;
      if (nhLen === 4) {
        const v = u32At(r.bytes, r.pos);
        nextHop = texts === undefined ? formatIpv4Number(v) : texts.ipv4(v);
      } else {
        nextHop = texts === undefined ? formatIpv6Bytes(r.bytes, r.pos) : texts.ipv6(r.bytes, r.pos);
        if (nhLen === 32) linkLocal = texts === undefined ? formatIpv6Bytes(r.bytes, r.pos + 16) : texts.ipv6(r.bytes, r.pos + 16);
      }
      r.pos += nhLen;
      r.u8(); // reserved: ignored on receipt (RFC 4760 §3)
      const nlri = decodePrefixes(r.bytes, r.pos, r.end, afi, addPathReceive(ctx, afi, safi), MP_NLRI_ERROR);
      r.pos = r.end;
      return linkLocal === undefined ? { afi, safi, nextHop, nlri } : { afi, safi, nextHop, linkLocalNextHop: linkLocal, nlri };
    },
    encodedLength: (v, ctx) => 5 + nextHopLength(v) + prefixesEncodedLength(v.nlri, addPathSend(ctx, v.afi, v.safi)),
  },
};

export const mpUnreachAttribute: AttributeSpec<'mpUnreach'> = {
  typeCode: ATTR.MP_UNREACH_NLRI,
  name: 'MP_UNREACH_NLRI',
  field: 'mpUnreach',
  flags: OPTIONAL_NON_TRANSITIVE,
  onMalformed: always('session-reset'),
  codec: {
    encode(v: MpUnreach, w, ctx) {
      w.u16(v.afi);
      w.u8(v.safi);
      encodePrefixes(w, v.withdrawn, v.afi, addPathSend(ctx, v.afi, v.safi));
    },
    decode(r, len, ctx) {
      if (len < 3) throw malformed(r, UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, `MP_UNREACH_NLRI length ${len} is shorter than its fixed part (3)`, 'bgp.update.malformed-mp-unreach');
      const afi = r.u16();
      const safi = r.u8();
      checkFamily(r, afi, safi, 'MP_UNREACH_NLRI');
      const withdrawn = decodePrefixes(r.bytes, r.pos, r.end, afi, addPathReceive(ctx, afi, safi), MP_NLRI_ERROR);
      r.pos = r.end;
      return { afi, safi, withdrawn };
    },
    encodedLength: (v, ctx) => 3 + prefixesEncodedLength(v.withdrawn, addPathSend(ctx, v.afi, v.safi)),
  },
};
