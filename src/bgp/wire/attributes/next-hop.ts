/** NEXT_HOP (RFC 4271 §5.1.3). Length ≠ 4: treat-as-withdraw (RFC 7606 §7.3); semantic checks belong to the speaker. */
import { readIpv4, writeIpv4 } from '../address.js';
import { ATTR, WELL_KNOWN, always, expectLength, type AttributeSpec } from './attribute.js';

export const nextHopAttribute: AttributeSpec<'nextHop'> = {
  typeCode: ATTR.NEXT_HOP,
  name: 'NEXT_HOP',
  field: 'nextHop',
  flags: WELL_KNOWN,
  onMalformed: always('treat-as-withdraw'),
  codec: {
    encode: (v, w) => writeIpv4(w, v, 'NEXT_HOP'),
    decode(r, len, ctx) {
      expectLength(r, len, 4, 'NEXT_HOP');
      return readIpv4(r, ctx.addressTexts);
    },
    encodedLength: () => 4,
  },
};
