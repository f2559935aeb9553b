/**
 * MULTI_EXIT_DISC and LOCAL_PREF (RFC 4271 §5.1.4, §5.1.5): 4-octet unsigned.
 * MED length ≠ 4: treat-as-withdraw (RFC 7606 §7.4). LOCAL_PREF length ≠ 4 from iBGP:
 * treat-as-withdraw; from eBGP the attribute is discarded whatever it holds (§7.5, done by
 * the UPDATE decoder so even a well-formed one goes).
 */
import type { Codec } from '../codec.js';
import { BgpEncodeError } from '../errors.js';
import { ATTR, OPTIONAL_NON_TRANSITIVE, WELL_KNOWN, always, expectLength, type AttributeSpec } from './attribute.js';

function u32Codec(name: string): Codec<number> {
  return {
    encode(v, w) {
      if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) throw new BgpEncodeError(`${name} ${v} is not a 32-bit unsigned integer`);
      w.u32(v);
    },
    decode(r, len) {
      expectLength(r, len, 4, name);
      return r.u32();
    },
    encodedLength: () => 4,
  };
}

export const medAttribute: AttributeSpec<'med'> = {
  typeCode: ATTR.MULTI_EXIT_DISC,
  name: 'MULTI_EXIT_DISC',
  field: 'med',
  flags: OPTIONAL_NON_TRANSITIVE,
  onMalformed: always('treat-as-withdraw'),
  codec: u32Codec('MULTI_EXIT_DISC'),
};

export const localPrefAttribute: AttributeSpec<'localPref'> = {
  typeCode: ATTR.LOCAL_PREF,
  name: 'LOCAL_PREF',
  field: 'localPref',
  flags: WELL_KNOWN,
  onMalformed: (ctx) => (ctx.ibgp ? 'treat-as-withdraw' : 'attribute-discard'),
  codec: u32Codec('LOCAL_PREF'),
};
