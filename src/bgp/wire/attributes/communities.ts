/**
 * COMMUNITIES (RFC 1997): a list of 32-bit values, ASN << 16 | value; the well-known ones
 * (NO_EXPORT 0xFFFFFF01, NO_ADVERTISE, NO_EXPORT_SUBCONFED, NOPEER, …) are plain values too.
 * Length not a non-zero multiple of 4: treat-as-withdraw (RFC 7606 §7.8).
 */
import { BgpEncodeError } from '../errors.js';
import { ATTR, OPTIONAL_TRANSITIVE, always, expectMultiple, type AttributeSpec } from './attribute.js';

export const WELL_KNOWN_COMMUNITIES: Readonly<Record<number, string>> = {
  0xffff0000: 'GRACEFUL_SHUTDOWN',
  0xffff0001: 'ACCEPT_OWN',
  0xffff029a: 'BLACKHOLE',
  0xffffff01: 'NO_EXPORT',
  0xffffff02: 'NO_ADVERTISE',
  0xffffff03: 'NO_EXPORT_SUBCONFED',
  0xffffff04: 'NOPEER',
};

/** `65000:100`, or the RFC name for a well-known community. */
export function communityText(c: number): string {
  return WELL_KNOWN_COMMUNITIES[c] ?? `${c >>> 16}:${c & 0xffff}`;
}

export const communitiesAttribute: AttributeSpec<'communities'> = {
  typeCode: ATTR.COMMUNITIES,
  name: 'COMMUNITIES',
  field: 'communities',
  flags: OPTIONAL_TRANSITIVE,
  onMalformed: always('treat-as-withdraw'),
  codec: {
    encode(v, w) {
      if (v.length === 0) throw new BgpEncodeError('COMMUNITIES with no communities cannot be encoded (RFC 7606 §7.8 calls it malformed); leave the field out');
      for (const c of v) {
        if (!(Number.isInteger(c) && c >= 0 && c <= 0xffffffff)) throw new BgpEncodeError(`community ${c} is not a 32-bit unsigned integer`);
        w.u32(c);
      }
    },
    decode(r, len) {
      expectMultiple(r, len, 4, 'COMMUNITIES');
      const out = new Array<number>(len / 4);
      for (let i = 0; i < out.length; i++) out[i] = r.u32();
      return out;
    },
    encodedLength: (v) => v.length * 4,
  },
};
