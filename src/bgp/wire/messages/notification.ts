/**
 * NOTIFICATION (RFC 4271 §4.5): error code, subcode, data. For Cease / Administrative
 * Shutdown (2) and Administrative Reset (4) the data may hold a shutdown communication
 * (RFC 8203, extended to 255 bytes by RFC 9003): length (1) + UTF-8 text; decoding adds it as
 * `shutdownCommunication` when it is well-formed.
 */
import type { Codec } from '../codec.js';
import { CEASE_SUBCODE } from '../errors.js';
import type { NotificationMessage } from '../types.js';

export const notificationCodec: Codec<NotificationMessage> = {
  encode(v, w) {
    w.u8(v.code);
    w.u8(v.subcode);
    w.bytes(v.data);
  },
  decode(r, len) {
    const code = r.u8();
    const subcode = r.u8();
    const data = r.copy(len - 2);
    const msg: NotificationMessage = { type: 'NOTIFICATION', code, subcode, data };
    const text = code === 6 && (subcode === CEASE_SUBCODE.ADMINISTRATIVE_SHUTDOWN || subcode === CEASE_SUBCODE.ADMINISTRATIVE_RESET) ? shutdownCommunicationOf(data) : undefined;
    if (text !== undefined) msg.shutdownCommunication = text;
    return msg;
  },
  encodedLength: (v) => 2 + v.data.length,
};

/** The RFC 9003 text in Cease data, or undefined when the data is not exactly length + UTF-8. */
export function shutdownCommunicationOf(data: Uint8Array): string | undefined {
  if (data.length < 1) return undefined;
  const n = data[0] as number;
  if (n === 0 || data.length !== n + 1) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1));
  } catch {
    return undefined;
  }
}

/** A Cease NOTIFICATION with a shutdown communication (RFC 9003 §2: at most 255 bytes of UTF-8). */
export function shutdownNotification(subcode: 2 | 4, text: string): NotificationMessage {
  const bytes = new TextEncoder().encode(text);
  let cut = Math.min(bytes.length, 255);
  // Do not split a UTF-8 sequence when truncating.
  while (cut > 0 && cut < bytes.length && ((bytes[cut] as number) & 0xc0) === 0x80) cut--;
  const data = new Uint8Array(cut + 1);
  data[0] = cut;
  data.set(bytes.subarray(0, cut), 1);
  const msg: NotificationMessage = { type: 'NOTIFICATION', code: 6, subcode, data };
  if (cut > 0) msg.shutdownCommunication = new TextDecoder().decode(data.subarray(1));
  return msg;
}
