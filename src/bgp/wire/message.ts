/**
 * Whole BGP messages: the 19-byte header (RFC 4271 §4.1) and dispatch to the per-type codecs.
 * Header errors are code 1 (Connection Not Synchronized, Bad Message Length with the length
 * field as data, Bad Message Type with the type as data).
 */
import type { AttributeError, AttributeLayout } from './attributes/path-attributes.js';
import type { Codec } from './codec.js';
import { Reader, Writer } from './cursor.js';
import { BgpDecodeError, BgpEncodeError, MESSAGE_HEADER_SUBCODE, ROUTE_REFRESH_SUBCODE } from './errors.js';
import { keepaliveCodec } from './messages/keepalive.js';
import { notificationCodec } from './messages/notification.js';
import { openCodec } from './messages/open.js';
import { routeRefreshCodec } from './messages/route-refresh.js';
import { decodeUpdateBody, encodeUpdateBody, updateBodyLength, updateCodec } from './messages/update.js';
import {
  HEADER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MESSAGE_TYPE,
  type BgpMessage,
  type CodecContext,
  type MpUnreach,
} from './types.js';

export interface DecodedMessage {
  message: BgpMessage;
  /** UPDATE only: attribute errors the UPDATE survived (RFC 7606), in the order found. */
  errors: AttributeError[];
  /** UPDATE only: the UPDATE was treated as a withdrawal (its NLRI are in the withdrawn lists). */
  treatAsWithdraw: boolean;
  /** See DecodedUpdate.otherWithdrawn. */
  otherWithdrawn?: MpUnreach;
  /** Bytes consumed (the header's length field). */
  length: number;
  /** UPDATE only: attribute order and length flags as received (pass to encodeMessage to re-encode byte for byte). */
  attributeLayout?: AttributeLayout;
}

export interface EncodeOptions {
  /** Write into this writer (at its position) instead of a new buffer. */
  writer?: Writer;
  /** UPDATE only: attribute order and extended-length flags to reproduce (from DecodedMessage). */
  attributeLayout?: readonly number[];
}

const TYPE_CODE: Record<BgpMessage['type'], number> = {
  OPEN: MESSAGE_TYPE.OPEN,
  UPDATE: MESSAGE_TYPE.UPDATE,
  NOTIFICATION: MESSAGE_TYPE.NOTIFICATION,
  KEEPALIVE: MESSAGE_TYPE.KEEPALIVE,
  ROUTE_REFRESH: MESSAGE_TYPE.ROUTE_REFRESH,
};

/** Smallest legal length per type (RFC 4271 §6.1, RFC 2918 §3). */
const MIN_LENGTH: Record<number, number> = { 1: 29, 2: 23, 3: 21, 4: 19, 5: 23 };

function codecFor(m: BgpMessage): Codec<BgpMessage> {
  switch (m.type) {
    case 'OPEN':
      return openCodec as Codec<BgpMessage>;
    case 'UPDATE':
      return updateCodec as Codec<BgpMessage>;
    case 'NOTIFICATION':
      return notificationCodec as Codec<BgpMessage>;
    case 'KEEPALIVE':
      return keepaliveCodec as Codec<BgpMessage>;
    case 'ROUTE_REFRESH':
      return routeRefreshCodec as Codec<BgpMessage>;
  }
}

/** Largest message the session allows (RFC 8654: 65535 once negotiated; OPEN and KEEPALIVE stay ≤ 4096). */
export function maxMessageLength(ctx: CodecContext, type?: number): number {
  if (type === MESSAGE_TYPE.OPEN || type === MESSAGE_TYPE.KEEPALIVE) return MAX_MESSAGE_LENGTH;
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

export function messageEncodedLength(m: BgpMessage, ctx: CodecContext, opts: EncodeOptions = {}): number {
  if (m.type === 'UPDATE' && opts.attributeLayout) return HEADER_LENGTH + updateBodyLength(m, ctx, opts.attributeLayout);
  return HEADER_LENGTH + codecFor(m).encodedLength(m, ctx);
}

/** Encode one message with marker and header; throws BgpEncodeError when it exceeds the session's limit. */
export function encodeMessage(m: BgpMessage, ctx: CodecContext, opts: EncodeOptions = {}): Uint8Array {
  const codec = codecFor(m);
  const w = opts.writer;
  const length = messageEncodedLength(m, ctx, opts);
  const max = maxMessageLength(ctx, TYPE_CODE[m.type]);
  if (length > max) throw new BgpEncodeError(`${m.type} of ${length} bytes exceeds the ${max}-byte limit of this session`, m.type === 'UPDATE' ? 'split the NLRI over several UPDATEs' : undefined);
  const writer = w ?? new Writer(length);
  const start = writer.pos;
  writer.fill(0xff, 16);
  const lenAt = writer.pos;
  writer.u16(0);
  writer.u8(TYPE_CODE[m.type]);
  if (m.type === 'UPDATE' && opts.attributeLayout) encodeUpdateBody(m, writer, ctx, opts.attributeLayout);
  else codec.encode(m, writer, ctx);
  const written = writer.pos - start;
  if (written !== length) throw new BgpEncodeError(`internal: ${m.type} encoded to ${written} bytes, encodedLength said ${length}`);
  writer.set16(lenAt, written);
  return w ? writer.result().subarray(start) : writer.result();
}

function headerError(subcode: number, code: string, message: string, offset: number, data: Uint8Array): BgpDecodeError {
  return new BgpDecodeError({ code, message, errorCode: 1, errorSubcode: subcode, offset, data });
}

export interface MessageHeader {
  length: number;
  type: number;
}

/**
 * Check the header at `offset` (at least 19 bytes must be there): marker, length against the
 * type's minimum and the session maximum, known type. Returns length and type.
 */
export function decodeHeader(bytes: Uint8Array, offset: number, ctx: CodecContext): MessageHeader {
  return { length: checkHeader(bytes, offset, ctx), type: bytes[offset + 18]! };
}

/** decodeHeader's checks, returning the length alone (the type is the byte at offset + 18): no object per message. */
export function checkHeader(bytes: Uint8Array, offset: number, ctx: CodecContext): number {
  if (bytes.length - offset < HEADER_LENGTH) {
    throw headerError(MESSAGE_HEADER_SUBCODE.BAD_MESSAGE_LENGTH, 'bgp.header.truncated', `${bytes.length - offset} bytes is shorter than a BGP header (19)`, offset, new Uint8Array(0));
  }
  for (let i = 0; i < 16; i++) {
    if (bytes[offset + i] !== 0xff) throw headerError(MESSAGE_HEADER_SUBCODE.CONNECTION_NOT_SYNCHRONIZED, 'bgp.header.marker', 'marker is not all ones (RFC 4271 §4.1)', offset + i, new Uint8Array(0));
  }
  const length = ((bytes[offset + 16] as number) << 8) | (bytes[offset + 17] as number);
  const type = bytes[offset + 18] as number;
  const min = MIN_LENGTH[type];
  if (min === undefined) throw headerError(MESSAGE_HEADER_SUBCODE.BAD_MESSAGE_TYPE, 'bgp.header.type', `message type ${type} is not OPEN(1), UPDATE(2), NOTIFICATION(3), KEEPALIVE(4) or ROUTE-REFRESH(5)`, offset + 18, Uint8Array.of(type));
  const max = maxMessageLength(ctx, type);
  if (length < min || length > max || (type === MESSAGE_TYPE.KEEPALIVE && length !== HEADER_LENGTH)) {
    throw headerError(MESSAGE_HEADER_SUBCODE.BAD_MESSAGE_LENGTH, 'bgp.header.length', `length ${length} is not valid for message type ${type} (${min}..${type === MESSAGE_TYPE.KEEPALIVE ? HEADER_LENGTH : max})`, offset + 16, bytes.slice(offset + 16, offset + 18));
  }
  return length;
}

function decodedOther(message: BgpMessage, length: number): DecodedMessage {
  return { message, errors: [], treatAsWithdraw: false, length };
}

/**
 * Decode one message starting at `offset` (default 0). Throws only BgpDecodeError; an UPDATE's
 * survivable errors come back in `errors`/`treatAsWithdraw`.
 */
export function decodeMessage(bytes: Uint8Array, ctx: CodecContext, offset = 0): DecodedMessage {
  const length = checkHeader(bytes, offset, ctx);
  const type = bytes[offset + 18]!;
  if (bytes.length - offset < length) {
    throw headerError(MESSAGE_HEADER_SUBCODE.BAD_MESSAGE_LENGTH, 'bgp.header.length', `header says ${length} bytes, only ${bytes.length - offset} present`, offset + 16, bytes.slice(offset + 16, offset + 18));
  }
  const bodyLen = length - HEADER_LENGTH;
  const body = new Reader(bytes, offset + HEADER_LENGTH, offset + length);
  switch (type) {
    case MESSAGE_TYPE.UPDATE: {
      const u = decodeUpdateBody(body, ctx);
      if (u.otherWithdrawn) return { message: u.message, errors: u.errors, treatAsWithdraw: u.treatAsWithdraw, otherWithdrawn: u.otherWithdrawn, length, attributeLayout: u.attributeLayout };
      return { message: u.message, errors: u.errors, treatAsWithdraw: u.treatAsWithdraw, length, attributeLayout: u.attributeLayout };
    }
    case MESSAGE_TYPE.OPEN:
      return decodedOther(openCodec.decode(body, bodyLen, ctx), length);
    case MESSAGE_TYPE.NOTIFICATION:
      return decodedOther(notificationCodec.decode(body, bodyLen, ctx), length);
    case MESSAGE_TYPE.KEEPALIVE:
      return decodedOther(keepaliveCodec.decode(body, bodyLen, ctx), length);
    default: {
      if (length !== 23) {
        const subtype = length >= 22 ? (bytes[offset + 21] as number) : 0;
        // RFC 7313 §5: a BoRR/EoRR of the wrong length is a ROUTE-REFRESH Message Error with the message as data.
        if (subtype === 1 || subtype === 2) {
          throw new BgpDecodeError({ code: 'bgp.route-refresh.length', message: `ROUTE-REFRESH subtype ${subtype} is ${length} bytes, must be 23`, errorCode: 7, errorSubcode: ROUTE_REFRESH_SUBCODE.INVALID_MESSAGE_LENGTH, offset: offset + 16, data: bytes.slice(offset, offset + length) });
        }
        throw headerError(MESSAGE_HEADER_SUBCODE.BAD_MESSAGE_LENGTH, 'bgp.header.length', `ROUTE-REFRESH is ${length} bytes, must be 23`, offset + 16, bytes.slice(offset + 16, offset + 18));
      }
      return decodedOther(routeRefreshCodec.decode(body, bodyLen, ctx), length);
    }
  }
}
