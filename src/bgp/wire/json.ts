/**
 * The JSON view of decoded messages, shared by `flatlab bgp decode` and MRT dumps: the records
 * of types.ts as they are (RFC field names), byte arrays as lower-case hex, NOTIFICATION codes
 * with their IANA names, and an UPDATE's RFC 7606 outcome next to it.
 */
import type { AttributeError } from './attributes/path-attributes.js';
import { BgpDecodeError, errorCodeName, errorSubcodeName } from './errors.js';
import type { DecodedMessage } from './message.js';
import type { NotificationMessage } from './types.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Plain JSON data: Uint8Array → hex, Set → array, undefined fields dropped. */
export function toJsonValue(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return hex(v);
  if (v instanceof Set) return [...v].map(toJsonValue);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = toJsonValue(x);
    return out;
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

export function notificationJson(n: Pick<NotificationMessage, 'code' | 'subcode' | 'data'> & { shutdownCommunication?: string }): { [k: string]: Json } {
  return {
    type: 'NOTIFICATION',
    code: n.code,
    codeName: errorCodeName(n.code),
    subcode: n.subcode,
    subcodeName: errorSubcodeName(n.code, n.subcode),
    data: hex(n.data),
    ...(n.shutdownCommunication !== undefined ? { shutdownCommunication: n.shutdownCommunication } : {}),
  };
}

function attributeErrorJson(e: AttributeError): Json {
  const { type: _notification, ...codes } = notificationJson({ code: e.error.errorCode, subcode: e.error.errorSubcode, data: e.error.data });
  return { attribute: e.name, typeCode: e.typeCode, disposition: e.disposition, ...codes, offset: e.error.offset, message: e.error.message };
}

/** One decoded message as JSON: the message record, its length, and for UPDATEs the RFC 7606 outcome. */
export function decodedMessageJson(d: DecodedMessage): { [k: string]: Json } {
  const base = d.message.type === 'NOTIFICATION' ? notificationJson(d.message) : (toJsonValue(d.message) as { [k: string]: Json });
  const out: { [k: string]: Json } = { ...base, length: d.length };
  if (d.message.type === 'UPDATE') {
    out.treatAsWithdraw = d.treatAsWithdraw;
    out.errors = toJsonValue(d.errors.map(attributeErrorJson));
    if (d.otherWithdrawn) out.otherWithdrawn = toJsonValue(d.otherWithdrawn);
  }
  return out;
}

/** The NOTIFICATION a decode error would send, with where and why. */
export function decodeErrorJson(e: BgpDecodeError): { [k: string]: Json } {
  return { ...notificationJson({ code: e.errorCode, subcode: e.errorSubcode, data: e.data }), offset: e.offset, disposition: e.disposition, error: e.code, message: e.message };
}
