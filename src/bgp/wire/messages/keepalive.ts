/** KEEPALIVE (RFC 4271 §4.4): the header alone; any body is a Bad Message Length (checked by the header). */
import type { Codec } from '../codec.js';
import type { KeepaliveMessage } from '../types.js';

export const keepaliveCodec: Codec<KeepaliveMessage> = {
  encode: () => undefined,
  decode: () => ({ type: 'KEEPALIVE' }),
  encodedLength: () => 0,
};
