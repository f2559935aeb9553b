/**
 * Capabilities (RFC 5492): code, length, value inside the Capabilities optional parameter.
 * Each module declares the code it handles and a codec for the whole Capability record.
 * A malformed capability value is an OPEN Message Error, subcode 0 (unspecific), as BIRD sends.
 */
import type { Codec } from '../codec.js';
import type { Reader } from '../cursor.js';
import { BgpDecodeError, OPEN_SUBCODE } from '../errors.js';
import type { Capability } from '../types.js';

export interface CapabilitySpec<C extends Capability = Capability> {
  code: number;
  name: C['name'];
  codec: Codec<C>;
}

export function badCapability(r: Reader, name: string, why: string): BgpDecodeError {
  return new BgpDecodeError({
    code: 'bgp.open.malformed-capability',
    message: `${name} capability: ${why}`,
    errorCode: 2,
    errorSubcode: OPEN_SUBCODE.UNSPECIFIC,
    offset: r.pos,
  });
}

export function expectCapabilityLength(r: Reader, len: number, n: number, name: string): void {
  if (len !== n) throw badCapability(r, name, `length is ${len}, must be ${n}`);
}
