/**
 * Typed BGP wire errors that know their consequence (style.md shape 4): each carries the
 * NOTIFICATION code/subcode/data it maps to, the byte offset where it was found, and its
 * RFC 7606 disposition. `notificationFor` turns any of them into the NOTIFICATION to send.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import type { ErrorDisposition, NotificationMessage } from './types.js';

export const MESSAGE_HEADER_SUBCODE = { CONNECTION_NOT_SYNCHRONIZED: 1, BAD_MESSAGE_LENGTH: 2, BAD_MESSAGE_TYPE: 3 } as const;

export const OPEN_SUBCODE = {
  UNSPECIFIC: 0,
  UNSUPPORTED_VERSION: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
} as const;

export const UPDATE_SUBCODE = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN_ATTRIBUTE: 6,
  INVALID_NEXT_HOP_ATTRIBUTE: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

export const CEASE_SUBCODE = { ADMINISTRATIVE_SHUTDOWN: 2, ADMINISTRATIVE_RESET: 4 } as const;
export const ROUTE_REFRESH_SUBCODE = { INVALID_MESSAGE_LENGTH: 1 } as const;

const CODE_NAMES: Record<number, string> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
};

/** IANA "BGP Error Subcodes" names, per error code. */
const SUBCODE_NAMES: Record<number, Record<number, string>> = {
  1: { 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
    11: 'Role Mismatch',
  },
  3: {
    0: 'Unspecific',
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  5: { 0: 'Unspecified Error', 1: 'Receive Unexpected Message in OpenSent State', 2: 'Receive Unexpected Message in OpenConfirm State', 3: 'Receive Unexpected Message in Established State' },
  6: {
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
    9: 'Hard Reset',
    10: 'BFD Down',
  },
  7: { 0: 'Reserved', 1: 'Invalid Message Length' },
};

export function errorCodeName(code: number): string {
  return CODE_NAMES[code] ?? `Unknown error code ${code}`;
}

export function errorSubcodeName(code: number, subcode: number): string {
  return SUBCODE_NAMES[code]?.[subcode] ?? (subcode === 0 ? 'Unspecific' : `Unknown subcode ${subcode}`);
}

export interface BgpDecodeErrorInit {
  /** Stable flatlab error code, e.g. `bgp.update.malformed-as-path`. */
  code: string;
  message: string;
  errorCode: number;
  errorSubcode: number;
  data?: Uint8Array;
  offset: number;
  disposition?: ErrorDisposition;
  /** Path attribute type code, for attribute errors. */
  attributeType?: number;
  hint?: string;
}

const EMPTY = new Uint8Array(0);

/** The only error a BGP decoder throws. */
export class BgpDecodeError extends FlatlabError {
  /** NOTIFICATION error code (RFC 4271 §4.5). */
  readonly errorCode: number;
  readonly errorSubcode: number;
  /** NOTIFICATION data, as the RFC for this error says. */
  readonly data: Uint8Array;
  /** Byte offset in the decoded buffer where the problem was found. */
  readonly offset: number;
  readonly disposition: ErrorDisposition;
  readonly attributeType: number | undefined;

  constructor(init: BgpDecodeErrorInit) {
    super(init.code, `${init.message} (at byte ${init.offset})`, init.hint === undefined ? {} : { hint: init.hint });
    this.errorCode = init.errorCode;
    this.errorSubcode = init.errorSubcode;
    this.data = init.data ?? EMPTY;
    this.offset = init.offset;
    this.disposition = init.disposition ?? 'session-reset';
    this.attributeType = init.attributeType;
  }

  /** The same error with another disposition (the per-attribute rule decides, RFC 7606 §7). */
  withDisposition(disposition: ErrorDisposition): BgpDecodeError {
    if (disposition === this.disposition) return this;
    return new BgpDecodeError({
      code: this.code,
      message: this.message.replace(/ \(at byte \d+\)$/, ''),
      errorCode: this.errorCode,
      errorSubcode: this.errorSubcode,
      data: this.data,
      offset: this.offset,
      disposition,
      ...(this.attributeType === undefined ? {} : { attributeType: this.attributeType }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    });
  }
}

/** A value that cannot be put on the wire (bad address text, ASN out of range, message too long). */
export class BgpEncodeError extends FlatlabError {
  constructor(message: string, hint?: string) {
    super('bgp.encode', message, hint === undefined ? {} : { hint });
  }
}

/** The NOTIFICATION to send for a decode error (RFC 4271 §6, RFC 7606 §2 "session reset"). */
export function notificationFor(err: BgpDecodeError): NotificationMessage {
  return { type: 'NOTIFICATION', code: err.errorCode, subcode: err.errorSubcode, data: err.data };
}
