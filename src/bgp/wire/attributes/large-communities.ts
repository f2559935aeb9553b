/**
 * LARGE_COMMUNITY (RFC 8092): 12 bytes each, [global administrator, local 1, local 2].
 * Length not a non-zero multiple of 12: treat-as-withdraw (RFC 8092 §6 / RFC 7606).
 */
import { BgpEncodeError } from '../errors.js';
import type { LargeCommunity } from '../types.js';
import { ATTR, OPTIONAL_TRANSITIVE, always, expectMultiple, type AttributeSpec } from './attribute.js';

export const largeCommunitiesAttribute: AttributeSpec<'largeCommunities'> = {
  typeCode: ATTR.LARGE_COMMUNITY,
  name: 'LARGE_COMMUNITY',
  field: 'largeCommunities',
  flags: OPTIONAL_TRANSITIVE,
  onMalformed: always('treat-as-withdraw'),
  codec: {
    encode(v, w) {
      if (v.length === 0) throw new BgpEncodeError('LARGE_COMMUNITY with no communities cannot be encoded; leave the field out');
      for (const c of v) {
        for (const part of c) {
          if (!(Number.isInteger(part) && part >= 0 && part <= 0xffffffff)) throw new BgpEncodeError(`large community ${c.join(':')} has a part that is not a 32-bit unsigned integer`);
          w.u32(part);
        }
      }
    },
    decode(r, len) {
      expectMultiple(r, len, 12, 'LARGE_COMMUNITY');
      const out = new Array<LargeCommunity>(len / 12);
      for (let i = 0; i < out.length; i++) out[i] = [r.u32(), r.u32(), r.u32()] as const;
      return out;
    },
    encodedLength: (v) => v.length * 12,
  },
};
