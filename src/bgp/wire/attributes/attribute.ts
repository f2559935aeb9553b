/**
 * What every path attribute module declares: its type code and RFC name, the PathAttributes
 * field it fills, the Optional/Transitive flags it must carry (RFC 4271 §5), and what a
 * malformed instance means for the UPDATE (RFC 7606 §7, per attribute).
 */
import type { Codec } from '../codec.js';
import type { Reader } from '../cursor.js';
import { BgpDecodeError, UPDATE_SUBCODE } from '../errors.js';
import type { CodecContext, ErrorDisposition, PathAttributes } from '../types.js';

export const FLAG_OPTIONAL = 0x80;
export const FLAG_TRANSITIVE = 0x40;
export const FLAG_PARTIAL = 0x20;
export const FLAG_EXTENDED_LENGTH = 0x10;

export const WELL_KNOWN = FLAG_TRANSITIVE;
export const OPTIONAL_TRANSITIVE = FLAG_OPTIONAL | FLAG_TRANSITIVE;
export const OPTIONAL_NON_TRANSITIVE = FLAG_OPTIONAL;

export const ATTR = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITY: 32,
} as const;

export type AttributeField = Exclude<keyof PathAttributes, 'unknown'>;

export interface AttributeSpec<K extends AttributeField = AttributeField> {
  typeCode: number;
  /** The RFC's name, used in error messages and JSON. */
  name: string;
  field: K;
  /** Required Optional|Transitive bits. */
  flags: number;
  /** RFC 7606 handling of a malformed instance; may depend on the session (iBGP/eBGP). */
  onMalformed(ctx: CodecContext): ErrorDisposition;
  codec: Codec<NonNullable<PathAttributes[K]>>;
}

/** Throw from an attribute codec: the UPDATE decoder adds the attribute bytes and disposition. */
export function malformed(r: Reader, subcode: number, message: string, code = 'bgp.update.malformed-attribute'): BgpDecodeError {
  return new BgpDecodeError({ code, message, errorCode: 3, errorSubcode: subcode, offset: r.pos });
}

/** The common length rule: exactly `n` bytes (RFC 4271 §6.3 Attribute Length Error). */
export function expectLength(r: Reader, len: number, n: number, name: string): void {
  if (len !== n) throw malformed(r, UPDATE_SUBCODE.ATTRIBUTE_LENGTH_ERROR, `${name} length is ${len}, must be ${n}`, 'bgp.update.attribute-length');
}

/** Non-zero multiple of `unit` (COMMUNITIES, CLUSTER_LIST, extended and large communities). */
export function expectMultiple(r: Reader, len: number, unit: number, name: string): void {
  if (len === 0 || len % unit !== 0) {
    throw malformed(r, UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, `${name} length is ${len}, must be a non-zero multiple of ${unit}`, 'bgp.update.attribute-length');
  }
}

export const always =
  (d: ErrorDisposition) =>
  (): ErrorDisposition =>
    d;
