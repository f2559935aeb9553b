/** Multiprotocol extensions capability (RFC 4760 §8): AFI (2), reserved (1), SAFI (1). */
import { BgpEncodeError } from '../errors.js';
import type { Capability } from '../types.js';
import { expectCapabilityLength, type CapabilitySpec } from './capability.js';

type Multiprotocol = Extract<Capability, { name: 'multiprotocol' }>;

export const multiprotocolCapability: CapabilitySpec<Multiprotocol> = {
  code: 1,
  name: 'multiprotocol',
  codec: {
    encode(v, w) {
      if (!(v.afi >= 0 && v.afi <= 0xffff && v.safi >= 0 && v.safi <= 255)) throw new BgpEncodeError(`multiprotocol capability AFI ${v.afi} / SAFI ${v.safi} out of range`);
      w.u16(v.afi);
      w.u8(0);
      w.u8(v.safi);
    },
    decode(r, len) {
      expectCapabilityLength(r, len, 4, 'multiprotocol');
      const afi = r.u16();
      r.u8(); // reserved, ignored on receipt
      return { code: 1, name: 'multiprotocol', afi, safi: r.u8() };
    },
    encodedLength: () => 4,
  },
};
