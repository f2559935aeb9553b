/** ORIGIN (RFC 4271 §5.1.1). Malformed (length ≠ 1, value > 2): treat-as-withdraw (RFC 7606 §7.1). */
import { UPDATE_SUBCODE } from '../errors.js';
import type { Origin } from '../types.js';
import { ATTR, WELL_KNOWN, always, expectLength, malformed, type AttributeSpec } from './attribute.js';

export const ORIGIN_NAMES = ['IGP', 'EGP', 'INCOMPLETE'] as const;

export const originAttribute: AttributeSpec<'origin'> = {
  typeCode: ATTR.ORIGIN,
  name: 'ORIGIN',
  field: 'origin',
  flags: WELL_KNOWN,
  onMalformed: always('treat-as-withdraw'),
  codec: {
    encode: (v, w) => w.u8(v),
    decode(r, len) {
      expectLength(r, len, 1, 'ORIGIN');
      const v = r.u8();
      if (v > 2) throw malformed(r, UPDATE_SUBCODE.INVALID_ORIGIN_ATTRIBUTE, `ORIGIN value ${v} is not IGP(0), EGP(1) or INCOMPLETE(2)`, 'bgp.update.invalid-origin');
      return v as Origin;
    },
    encodedLength: () => 1,
  },
};
