/**
 * Graceful restart capability (RFC 4724 §3, code 64): Restart Flags (4 bits) and Restart Time
 * in seconds (12 bits), then per family AFI (2), SAFI (1), flags (1; 0x80 forwarding state kept).
 */
import { BgpEncodeError } from '../errors.js';
import type { Capability } from '../types.js';
import { badCapability, type CapabilitySpec } from './capability.js';

type GracefulRestart = Extract<Capability, { name: 'graceful-restart' }>;

export const gracefulRestartCapability: CapabilitySpec<GracefulRestart> = {
  code: 64,
  name: 'graceful-restart',
  codec: {
    encode(v, w) {
      if (!(v.restartFlags >= 0 && v.restartFlags <= 15)) throw new BgpEncodeError(`graceful-restart flags ${v.restartFlags} do not fit 4 bits`);
      if (!(v.restartTime >= 0 && v.restartTime <= 4095)) throw new BgpEncodeError(`graceful-restart time ${v.restartTime} does not fit 12 bits (0..4095 s)`);
      w.u16((v.restartFlags << 12) | v.restartTime);
      for (const f of v.families) {
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.flags);
      }
    },
    decode(r, len) {
      if (len < 2 || (len - 2) % 4 !== 0) throw badCapability(r, 'graceful-restart', `length ${len} is not 2 + a multiple of 4`);
      const head = r.u16();
      const families: GracefulRestart['families'] = [];
      for (let i = 0; i < (len - 2) / 4; i++) families.push({ afi: r.u16(), safi: r.u8(), flags: r.u8() });
      return { code: 64, name: 'graceful-restart', restartFlags: head >>> 12, restartTime: head & 0x0fff, families };
    },
    encodedLength: (v) => 2 + v.families.length * 4,
  },
};
