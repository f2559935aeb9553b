/** ADD-PATH capability (RFC 7911 §4, code 69): per family AFI (2), SAFI (1), Send/Receive (1: receive, 2: send, 3: both). */
import { BgpEncodeError } from '../errors.js';
import type { Capability } from '../types.js';
import { badCapability, type CapabilitySpec } from './capability.js';

type AddPath = Extract<Capability, { name: 'add-path' }>;

export const addPathCapability: CapabilitySpec<AddPath> = {
  code: 69,
  name: 'add-path',
  codec: {
    encode(v, w) {
      for (const f of v.families) {
        if (f.sendReceive < 1 || f.sendReceive > 3) throw new BgpEncodeError(`add-path Send/Receive ${f.sendReceive} must be 1, 2 or 3`);
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.sendReceive);
      }
    },
    decode(r, len) {
      if (len % 4 !== 0) throw badCapability(r, 'add-path', `length ${len} is not a multiple of 4`);
      const families: AddPath['families'] = [];
      for (let i = 0; i < len / 4; i++) {
        const afi = r.u16();
        const safi = r.u8();
        const sendReceive = r.u8();
        if (sendReceive < 1 || sendReceive > 3) throw badCapability(r, 'add-path', `Send/Receive value ${sendReceive} for AFI ${afi} SAFI ${safi} is not 1, 2 or 3`);
        families.push({ afi, safi, sendReceive: sendReceive as 1 | 2 | 3 });
      }
      return { code: 69, name: 'add-path', families };
    },
    encodedLength: (v) => v.families.length * 4,
  },
};
