/** Support for 4-octet AS numbers (RFC 6793 §3, code 65): the speaker's real ASN. */
import { BgpEncodeError } from '../errors.js';
import type { Capability } from '../types.js';
import { expectCapabilityLength, type CapabilitySpec } from './capability.js';

type FourOctetAs = Extract<Capability, { name: 'four-octet-as' }>;

export const fourOctetAsCapability: CapabilitySpec<FourOctetAs> = {
  code: 65,
  name: 'four-octet-as',
  codec: {
    encode(v, w) {
      if (!(Number.isInteger(v.asn) && v.asn >= 0 && v.asn <= 0xffffffff)) throw new BgpEncodeError(`four-octet-as capability ASN ${v.asn} is not a 32-bit unsigned integer`);
      w.u32(v.asn);
    },
    decode(r, len) {
      expectCapabilityLength(r, len, 4, 'four-octet-as');
      return { code: 65, name: 'four-octet-as', asn: r.u32() };
    },
    encodedLength: () => 4,
  },
};
