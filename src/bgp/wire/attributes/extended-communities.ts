/**
 * EXTENDED COMMUNITIES (RFC 4360): 8 bytes each: type, subtype, 6 value bytes. The decoded
 * view names route-target (subtype 2) and route-origin (subtype 3) for the 2-octet-AS (type
 * 0x00/0x40), IPv4-address (0x01/0x41) and 4-octet-AS (0x02/0x42, RFC 5668) types, as
 * `rt:ASN:NN`, `soo:ADDR:NN`, and everything else as `raw:0x` + 16 hex digits.
 * Length not a non-zero multiple of 8: treat-as-withdraw (RFC 7606 §7.14).
 */
import { formatIpv4Bytes } from '../address.js';
import { BgpEncodeError } from '../errors.js';
import type { ExtendedCommunity } from '../types.js';
import { ATTR, OPTIONAL_TRANSITIVE, always, expectMultiple, type AttributeSpec } from './attribute.js';

const HEX = '0123456789abcdef';

export function extendedCommunityText(type: number, subtype: number, value: Uint8Array): string {
  const kind = subtype === 2 ? 'rt' : subtype === 3 ? 'soo' : undefined;
  const base = type & 0xbf; // the transitive bit (0x40) does not change the layout
  if (kind !== undefined && value.length === 6) {
    const v = (i: number): number => value[i] as number;
    if (base === 0x00) return `${kind}:${(v(0) << 8) | v(1)}:${((v(2) << 24) >>> 0) + ((v(3) << 16) | (v(4) << 8) | v(5))}`;
    if (base === 0x01) return `${kind}:${formatIpv4Bytes(value, 0)}:${(v(4) << 8) | v(5)}`;
    if (base === 0x02) return `${kind}:${((v(0) << 24) >>> 0) + ((v(1) << 16) | (v(2) << 8) | v(3))}:${(v(4) << 8) | v(5)}`;
  }
  let raw = 'raw:0x';
  for (const b of [type, subtype, ...value]) raw += (HEX[b >>> 4] as string) + (HEX[b & 15] as string);
  return raw;
}

/** Build the record (with its text) from type, subtype and value bytes. */
export function extendedCommunity(type: number, subtype: number, value: Uint8Array): ExtendedCommunity {
  return { type, subtype, value, text: extendedCommunityText(type, subtype, value) };
}

export const extendedCommunitiesAttribute: AttributeSpec<'extendedCommunities'> = {
  typeCode: ATTR.EXTENDED_COMMUNITIES,
  name: 'EXTENDED_COMMUNITIES',
  field: 'extendedCommunities',
  flags: OPTIONAL_TRANSITIVE,
  onMalformed: always('treat-as-withdraw'),
  codec: {
    encode(v, w) {
      if (v.length === 0) throw new BgpEncodeError('EXTENDED_COMMUNITIES with no communities cannot be encoded; leave the field out');
      for (const c of v) {
        if (c.value.length !== 6) throw new BgpEncodeError(`extended community ${c.text} has ${c.value.length} value bytes, needs 6`);
        w.u8(c.type);
        w.u8(c.subtype);
        w.bytes(c.value);
      }
    },
    decode(r, len) {
      expectMultiple(r, len, 8, 'EXTENDED_COMMUNITIES');
      const out = new Array<ExtendedCommunity>(len / 8);
      for (let i = 0; i < out.length; i++) {
        const type = r.u8();
        const subtype = r.u8();
        out[i] = extendedCommunity(type, subtype, r.copy(6));
      }
      return out;
    },
    encodedLength: (v) => v.length * 8,
  },
};
