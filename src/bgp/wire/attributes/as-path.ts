/**
 * AS_PATH (RFC 4271 §5.1.2, 2- or 4-octet per session, RFC 6793) and AS4_PATH (RFC 6793,
 * always 4-octet). Segment types: AS_SET 1, AS_SEQUENCE 2, AS_CONFED_SEQUENCE 3,
 * AS_CONFED_SET 4 (RFC 5065). A segment holds at most 255 ASNs, so longer ones are split on
 * encode (as BIRD and GoBGP do). Malformed (RFC 7606 §7.2: unknown segment type, zero-length
 * segment, overrun, a lone trailing byte): AS_PATH → treat-as-withdraw; AS4_PATH →
 * attribute-discard (RFC 6793 §6).
 */
import type { Codec } from '../codec.js';
import { u16At, u32At, type Reader, type Writer } from '../cursor.js';
import { BgpEncodeError, UPDATE_SUBCODE } from '../errors.js';
import type { AsPathSegment, AsPathSegmentType, CodecContext } from '../types.js';
import { ATTR, OPTIONAL_TRANSITIVE, WELL_KNOWN, always, malformed, type AttributeSpec } from './attribute.js';

export const SEGMENT_NAMES: Record<AsPathSegmentType, string> = { 1: 'AS_SET', 2: 'AS_SEQUENCE', 3: 'AS_CONFED_SEQUENCE', 4: 'AS_CONFED_SET' };
const MAX_SEGMENT = 255;

/**
 * Two passes: the first checks the segment headers and counts them, so the segment list is
 * allocated at its size. The interned attribute set keeps it, and an array grown by push keeps
 * room for 16 segments where nearly every path has one.
 */
function decodeSegments(r: Reader, fourOctet: boolean, name: string): AsPathSegment[] {
  const size = fourOctet ? 4 : 2;
  const bytes = r.bytes;
  const start = r.pos;
  let count = 0;
  for (let at = start; at < r.end; count++) {
    r.pos = at;
    if (r.end - at < 2) throw malformed(r, UPDATE_SUBCODE.MALFORMED_AS_PATH, `${name}: one byte left where a segment header needs two`, 'bgp.update.malformed-as-path');
    const type = bytes[at]!;
    const asns = bytes[at + 1]!;
    r.pos = at + 2;
    if (type < 1 || type > 4) throw malformed(r, UPDATE_SUBCODE.MALFORMED_AS_PATH, `${name}: unknown segment type ${type}`, 'bgp.update.malformed-as-path');
    if (asns === 0) throw malformed(r, UPDATE_SUBCODE.MALFORMED_AS_PATH, `${name}: segment of length zero`, 'bgp.update.malformed-as-path');
    if (r.end - r.pos < asns * size) {
      throw malformed(r, UPDATE_SUBCODE.MALFORMED_AS_PATH, `${name}: segment of ${asns} ASNs needs ${asns * size} bytes, ${r.end - r.pos} left`, 'bgp.update.malformed-as-path');
    }
    at = r.pos + asns * size;
  }
  const segments = new Array<AsPathSegment>(count);
  let at = start;
  for (let k = 0; k < count; k++) {
    const type = bytes[at]! as AsPathSegmentType;
    const n = bytes[at + 1]!;
    at += 2;
    const asns = new Array<number>(n);
    if (fourOctet) for (let i = 0; i < n; i++, at += 4) asns[i] = u32At(bytes, at);
    else for (let i = 0; i < n; i++, at += 2) asns[i] = u16At(bytes, at);
    segments[k] = { type, asns };
  }
  r.pos = at;
  return segments;
}

function segmentsLength(segments: readonly AsPathSegment[], fourOctet: boolean): number {
  let n = 0;
  for (const s of segments) {
    const chunks = Math.max(1, Math.ceil(s.asns.length / MAX_SEGMENT));
    n += chunks * 2 + s.asns.length * (fourOctet ? 4 : 2);
  }
  return n;
}

function encodeSegments(w: Writer, segments: readonly AsPathSegment[], fourOctet: boolean): void {
  for (const s of segments) {
    if (s.asns.length === 0) throw new BgpEncodeError(`${SEGMENT_NAMES[s.type] ?? `segment type ${s.type}`} with no ASNs cannot be encoded (RFC 7606 §7.2 calls it malformed)`);
    for (let from = 0; from < s.asns.length; from += MAX_SEGMENT) {
      const chunk = Math.min(MAX_SEGMENT, s.asns.length - from);
      w.u8(s.type);
      w.u8(chunk);
      for (let i = from; i < from + chunk; i++) {
        const asn = s.asns[i] as number;
        if (fourOctet) {
          if (!(asn >= 0 && asn <= 0xffffffff && Number.isInteger(asn))) throw new BgpEncodeError(`ASN ${asn} is not a 32-bit unsigned integer`);
          w.u32(asn);
        } else {
          if (!(asn >= 0 && asn <= 0xffff && Number.isInteger(asn))) throw new BgpEncodeError(`ASN ${asn} does not fit a 2-octet AS_PATH`, 'replace it by AS_TRANS (23456) and send AS4_PATH (RFC 6793 §4.2.2)');
          w.u16(asn);
        }
      }
    }
  }
}

function pathCodec(fourOctet: (ctx: CodecContext) => boolean, name: string): Codec<AsPathSegment[]> {
  return {
    encode: (v, w, ctx) => encodeSegments(w, v, fourOctet(ctx)),
    decode: (r, _len, ctx) => decodeSegments(r, fourOctet(ctx), name),
    encodedLength: (v, ctx) => segmentsLength(v, fourOctet(ctx)),
  };
}

export const asPathAttribute: AttributeSpec<'asPath'> = {
  typeCode: ATTR.AS_PATH,
  name: 'AS_PATH',
  field: 'asPath',
  flags: WELL_KNOWN,
  onMalformed: always('treat-as-withdraw'),
  codec: pathCodec((ctx) => ctx.fourOctetAs, 'AS_PATH'),
};

export const as4PathAttribute: AttributeSpec<'as4Path'> = {
  typeCode: ATTR.AS4_PATH,
  name: 'AS4_PATH',
  field: 'as4Path',
  flags: OPTIONAL_TRANSITIVE,
  onMalformed: always('attribute-discard'),
  codec: pathCodec(() => true, 'AS4_PATH'),
};
