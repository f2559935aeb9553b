/**
 * The path attribute section of an UPDATE: decode with RFC 7606 error handling, encode in
 * ascending type-code order with the extended-length flag only when a value exceeds 255 bytes.
 *
 * Decoding never throws for an error RFC 7606 lets us survive: attribute-discard drops the
 * attribute, treat-as-withdraw is recorded for the UPDATE decoder, and only session-reset
 * errors are thrown (always as BgpDecodeError).
 */
import { as4ForTwoOctetSession } from '../as4.js';
import { Reader, u16At, type Writer } from '../cursor.js';
import { BgpDecodeError, BgpEncodeError, UPDATE_SUBCODE } from '../errors.js';
import type { CodecContext, ErrorDisposition, PathAttributes, UnknownAttribute } from '../types.js';
import {
  ATTR,
  FLAG_EXTENDED_LENGTH,
  FLAG_OPTIONAL,
  FLAG_PARTIAL,
  FLAG_TRANSITIVE,
  type AttributeField,
  type AttributeSpec,
} from './attribute.js';
import { ATTRIBUTE_SPECS, attributeSpec } from './registry.js';

/** One attribute problem the UPDATE survived (or the one that reset the session). */
export interface AttributeError {
  /** Type code of the attribute, or 0 for a problem with the attribute list itself. */
  typeCode: number;
  name: string;
  disposition: ErrorDisposition;
  error: BgpDecodeError;
}

export interface DecodedAttributes {
  attributes: PathAttributes;
  errors: AttributeError[];
  /** Some error asks for the whole UPDATE to be treated as a withdrawal (RFC 7606 §2). */
  treatAsWithdraw: boolean;
  /** The list could not be parsed to its end (RFC 7606 §4); later attributes were not seen. */
  framingError: boolean;
  /** How the attributes were laid out on the wire; see AttributeLayout. */
  layout: AttributeLayout;
}

/**
 * Wire layout of an attribute list, for byte-exact re-encoding of what a peer sent: type codes
 * in the order received, with LAYOUT_EXTENDED added where the extended-length flag was set
 * (BIRD, for one, sends MP_REACH_NLRI first and always with extended length). Not part of the
 * attribute record: routes with equal attributes stay equal whoever encoded them.
 */
export type AttributeLayout = number[];
export const LAYOUT_EXTENDED = 0x100;

const SHORT_ATTRIBUTE = { code: 'bgp.update.malformed-attribute', errorCode: 3, errorSubcode: UPDATE_SUBCODE.ATTRIBUTE_LENGTH_ERROR, what: 'attribute' };

function nameOf(typeCode: number): string {
  return attributeSpec(typeCode)?.name ?? `attribute ${typeCode}`;
}

/** Attributes an eBGP peer must not send us; dropped whatever they hold (RFC 7606 §7.5, §7.9, §7.10). */
const IBGP_ONLY = new Set<number>([ATTR.LOCAL_PREF, ATTR.ORIGINATOR_ID, ATTR.CLUSTER_LIST]);

/**
 * Note a survivable attribute error in `errors`; a session-reset one is thrown. Returns
 * whether it makes the UPDATE a withdrawal.
 */
function survive(errors: AttributeError[], typeCode: number, disposition: ErrorDisposition, error: BgpDecodeError): boolean {
  const e = error.withDisposition(disposition);
  if (disposition === 'session-reset') throw e;
  errors.push({ typeCode, name: typeCode === 0 ? 'attribute list' : nameOf(typeCode), disposition, error: e });
  return disposition === 'treat-as-withdraw';
}

/**
 * Type codes seen so far in the list being decoded, as a 256-bit set. Scratch: cleared when
 * decodePathAttributes starts (nothing re-enters it), it holds nothing between calls; an array
 * per UPDATE was one more allocation per message.
 */
const seen = new Int32Array(8);

/** How many attributes of bytes[start..end) have a header and a value that fit: the layout's length. */
function countAttributes(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let at = start; at < end; n++) {
    const headerLen = bytes[at]! & FLAG_EXTENDED_LENGTH ? 4 : 3;
    if (end - at < headerLen) break;
    at += headerLen + (headerLen === 4 ? u16At(bytes, at + 2) : bytes[at + 2]!);
    if (at > end) break;
  }
  return n;
}

/** Decode the attribute list in bytes[start..end). */
export function decodePathAttributes(bytes: Uint8Array, start: number, end: number, ctx: CodecContext): DecodedAttributes {
  const attributes: PathAttributes = {};
  const errors: AttributeError[] = [];
  let treatAsWithdraw = false;
  let framingError = false;
  for (let i = 0; i < 8; i++) seen[i] = 0;
  // Sized first: grown by push it had room for 16.
  const layout: AttributeLayout = new Array<number>(countAttributes(bytes, start, end));
  let attributeCount = 0;
  // One reader for every attribute value in turn (`window` moves it): codecs do not keep it.
  let value: Reader | undefined;

  let at = start;
  while (at < end) {
    const attrStart = at;
    const left = end - attrStart;
    const flags = bytes[attrStart]!;
    const headerLen = flags & FLAG_EXTENDED_LENGTH ? 4 : 3;
    if (left < headerLen) {
      // RFC 7606 §4: too few bytes for an attribute header → treat-as-withdraw; the Total
      // Attribute Length still locates the NLRI.
      treatAsWithdraw = survive(errors, 0, 'treat-as-withdraw', listError(attrStart, `${left} byte${left === 1 ? '' : 's'} left where an attribute header needs ${headerLen}`)) || treatAsWithdraw;
      framingError = true;
      break;
    }
    const typeCode = bytes[attrStart + 1]!;
    const len = headerLen === 4 ? u16At(bytes, attrStart + 2) : bytes[attrStart + 2]!;
    const valueStart = attrStart + headerLen;
    const valueEnd = valueStart + len;
    if (valueEnd > end) {
      treatAsWithdraw = survive(errors, typeCode, 'treat-as-withdraw', listError(attrStart, `${nameOf(typeCode)} length ${len} runs past the attribute list (${end - valueStart} bytes left)`)) || treatAsWithdraw;
      framingError = true;
      break;
    }
    at = valueEnd;
    layout[attributeCount++] = headerLen === 4 ? typeCode | LAYOUT_EXTENDED : typeCode;

    if ((seen[typeCode >>> 5]! >>> (typeCode & 31)) & 1) {
      // RFC 7606 §3(g): a repeated MP attribute is a Malformed Attribute List; other repeats
      // are discarded after the first.
      const dup = new BgpDecodeError({
        code: 'bgp.update.duplicate-attribute',
        message: `${nameOf(typeCode)} appears more than once`,
        errorCode: 3,
        errorSubcode: UPDATE_SUBCODE.MALFORMED_ATTRIBUTE_LIST,
        offset: attrStart,
        attributeType: typeCode,
      });
      treatAsWithdraw = survive(errors, typeCode, typeCode === ATTR.MP_REACH_NLRI || typeCode === ATTR.MP_UNREACH_NLRI ? 'session-reset' : 'attribute-discard', dup) || treatAsWithdraw;
      continue;
    }
    seen[typeCode >>> 5]! |= 1 << (typeCode & 31);

    const spec = attributeSpec(typeCode);
    if (spec === undefined) {
      if (!(flags & FLAG_OPTIONAL)) {
        throw new BgpDecodeError({
          code: 'bgp.update.unrecognized-well-known',
          message: `unrecognized well-known attribute ${typeCode}`,
          errorCode: 3,
          errorSubcode: UPDATE_SUBCODE.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
          data: bytes.slice(attrStart, valueEnd),
          offset: attrStart,
          attributeType: typeCode,
        });
      }
      // RFC 4271 §5: keep an unrecognised optional transitive attribute (passed on with
      // Partial set); quietly drop an optional non-transitive one.
      if (flags & FLAG_TRANSITIVE) {
        const unknown: UnknownAttribute = { flags: flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE | FLAG_PARTIAL), typeCode, value: bytes.slice(valueStart, valueEnd) };
        (attributes.unknown ??= []).push(unknown);
      }
      continue;
    }

    if (!ctx.ibgp && IBGP_ONLY.has(typeCode)) {
      treatAsWithdraw = survive(errors, typeCode, 'attribute-discard', attributeError(spec, attrStart, bytes.slice(attrStart, valueEnd), 'bgp.update.ebgp-attribute', UPDATE_SUBCODE.MALFORMED_ATTRIBUTE_LIST, `${spec.name} from an external peer is discarded`)) || treatAsWithdraw;
      continue;
    }
    if (ctx.fourOctetAs && (typeCode === ATTR.AS4_PATH || typeCode === ATTR.AS4_AGGREGATOR)) {
      // RFC 6793 §3: a NEW speaker does not send AS4_* to a NEW speaker; one that does is ignored.
      treatAsWithdraw = survive(errors, typeCode, 'attribute-discard', attributeError(spec, attrStart, bytes.slice(attrStart, valueEnd), 'bgp.update.as4-on-four-octet-session', UPDATE_SUBCODE.OPTIONAL_ATTRIBUTE_ERROR, `${spec.name} on a 4-octet-AS session is ignored`)) || treatAsWithdraw;
      continue;
    }
    if ((flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE)) !== spec.flags) {
      // RFC 7606 §3(c): conflicting Optional/Transitive bits make the attribute malformed →
      // treat-as-withdraw; MP attributes that cannot be trusted reset the session (§7.11).
      const disposition: ErrorDisposition = spec.onMalformed(ctx) === 'session-reset' ? 'session-reset' : 'treat-as-withdraw';
      treatAsWithdraw = survive(errors, typeCode, disposition, attributeError(spec, attrStart, bytes.slice(attrStart, valueEnd), 'bgp.update.attribute-flags', UPDATE_SUBCODE.ATTRIBUTE_FLAGS_ERROR, `${spec.name} has flags 0x${flags.toString(16)}, expected 0x${spec.flags.toString(16)}`)) || treatAsWithdraw;
      continue;
    }

    if (value === undefined) value = new Reader(bytes, valueStart, valueEnd, SHORT_ATTRIBUTE);
    else value.window(valueStart, valueEnd);
    try {
      const decoded = spec.codec.decode(value, len, ctx);
      if (value.pos !== valueEnd) throw attributeError(spec, value.pos, undefined, 'bgp.update.attribute-length', UPDATE_SUBCODE.ATTRIBUTE_LENGTH_ERROR, `${spec.name} has ${valueEnd - value.pos} trailing bytes`);
      (attributes as Record<AttributeField, unknown>)[spec.field] = decoded;
    } catch (e) {
      if (!(e instanceof BgpDecodeError)) throw e;
      const withData = new BgpDecodeError({
        code: e.code,
        message: e.message.replace(/ \(at byte \d+\)$/, ''),
        errorCode: e.errorCode,
        errorSubcode: e.errorSubcode,
        data: bytes.slice(attrStart, valueEnd),
        offset: e.offset,
        attributeType: typeCode,
      });
      treatAsWithdraw = survive(errors, typeCode, spec.onMalformed(ctx), withData) || treatAsWithdraw;
    }
  }
  return { attributes, errors, treatAsWithdraw, framingError, layout };
}

function listError(offset: number, message: string): BgpDecodeError {
  return new BgpDecodeError({ code: 'bgp.update.malformed-attribute-list', message, errorCode: 3, errorSubcode: UPDATE_SUBCODE.MALFORMED_ATTRIBUTE_LIST, offset });
}

function attributeError(spec: AttributeSpec, offset: number, data: Uint8Array | undefined, code: string, subcode: number, message: string): BgpDecodeError {
  return new BgpDecodeError({ code, message, errorCode: 3, errorSubcode: subcode, ...(data ? { data } : {}), offset, attributeType: spec.typeCode });
}

// ---------------------------------------------------------------- encoding

/** Fields encoded from the record; AS4_* are generated for 2-octet sessions, never taken as given. */
function encodable(spec: AttributeSpec, attrs: PathAttributes): unknown {
  const v = attrs[spec.field];
  if (spec.field === 'atomicAggregate' && v === false) return undefined;
  return v;
}

function sessionView(attrs: PathAttributes, ctx: CodecContext): PathAttributes {
  if (ctx.fourOctetAs) {
    if (attrs.as4Path === undefined && attrs.as4Aggregator === undefined) return attrs;
    // RFC 6793 §3: AS4_* are never sent between NEW speakers.
    const copy = { ...attrs };
    delete copy.as4Path;
    delete copy.as4Aggregator;
    return copy;
  }
  return as4ForTwoOctetSession(attrs);
}

function headerLength(valueLength: number, extended: boolean): number {
  return extended || valueLength > 255 ? 4 : 3;
}

function sortedUnknown(attrs: PathAttributes): readonly UnknownAttribute[] {
  const u = attrs.unknown;
  if (!u || u.length === 0) return [];
  if (u.length === 1) return u;
  return [...u].sort((a, b) => a.typeCode - b.typeCode);
}

function checkUnknown(u: UnknownAttribute): void {
  if (attributeSpec(u.typeCode) !== undefined) throw new BgpEncodeError(`unknown attribute with type code ${u.typeCode}, which flatlab interprets; set the typed field instead`);
  if (!(u.flags & FLAG_OPTIONAL)) throw new BgpEncodeError(`unknown attribute ${u.typeCode} is flagged well-known; only optional attributes can be carried opaquely`);
}

/** One attribute to write: known (spec + value) or unknown (raw). */
interface Planned {
  typeCode: number;
  extended: boolean;
  spec?: AttributeSpec;
  value?: unknown;
  unknown?: UnknownAttribute;
}

/** The attributes to write, in order: the layout's order first (when given), then ascending type code. */
function plan(attrs: PathAttributes, ctx: CodecContext, layout: readonly number[] | undefined): Planned[] {
  const view = sessionView(attrs, ctx);
  const all: Planned[] = [];
  const unknown = sortedUnknown(view);
  let ui = 0;
  const takeUnknownBelow = (code: number): void => {
    while (ui < unknown.length && (unknown[ui] as UnknownAttribute).typeCode < code) {
      const u = unknown[ui++] as UnknownAttribute;
      checkUnknown(u);
      all.push({ typeCode: u.typeCode, extended: false, unknown: u });
    }
  };
  for (const spec of ATTRIBUTE_SPECS) {
    const v = encodable(spec, view);
    if (v === undefined) continue;
    takeUnknownBelow(spec.typeCode);
    all.push({ typeCode: spec.typeCode, extended: false, spec, value: v });
  }
  takeUnknownBelow(256);
  if (!layout || layout.length === 0) return all;
  const ordered: Planned[] = [];
  const used = new Uint8Array(256);
  for (const entry of layout) {
    const code = entry & 0xff;
    if (used[code]) continue;
    const p = all.find((x) => x.typeCode === code);
    if (!p) continue;
    used[code] = 1;
    ordered.push({ ...p, extended: (entry & LAYOUT_EXTENDED) !== 0 });
  }
  for (const p of all) if (!used[p.typeCode]) ordered.push(p);
  return ordered;
}

function plannedLength(p: Planned, ctx: CodecContext): number {
  return p.unknown ? p.unknown.value.length : (p.spec as AttributeSpec).codec.encodedLength(p.value as never, ctx);
}

export function pathAttributesEncodedLength(attrs: PathAttributes, ctx: CodecContext, layout?: readonly number[]): number {
  let n = 0;
  for (const p of plan(attrs, ctx, layout)) {
    const len = plannedLength(p, ctx);
    n += headerLength(len, p.extended) + len;
  }
  return n;
}

export function encodePathAttributes(w: Writer, attrs: PathAttributes, ctx: CodecContext, layout?: readonly number[]): void {
  for (const p of plan(attrs, ctx, layout)) {
    const len = plannedLength(p, ctx);
    if (p.unknown) {
      const u = p.unknown;
      // RFC 4271 §5: an unrecognised optional transitive attribute is passed on with Partial set.
      const flags = (u.flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE | FLAG_PARTIAL)) | (u.flags & FLAG_TRANSITIVE ? FLAG_PARTIAL : 0);
      writeHeader(w, flags, u.typeCode, len, p.extended);
      w.bytes(u.value);
      continue;
    }
    const spec = p.spec as AttributeSpec;
    writeHeader(w, spec.flags, spec.typeCode, len, p.extended);
    const before = w.pos;
    spec.codec.encode(p.value as never, w, ctx);
    if (w.pos - before !== len) throw new BgpEncodeError(`internal: ${spec.name} wrote ${w.pos - before} bytes, expected ${len}`);
  }
}

function writeHeader(w: Writer, flags: number, typeCode: number, len: number, extended: boolean): void {
  if (len > 0xffff) throw new BgpEncodeError(`attribute ${nameOf(typeCode)} is ${len} bytes, more than an attribute can hold (65535)`);
  if (extended || len > 255) {
    w.u8(flags | FLAG_EXTENDED_LENGTH);
    w.u8(typeCode);
    w.u16(len);
  } else {
    w.u8(flags & ~FLAG_EXTENDED_LENGTH);
    w.u8(typeCode);
    w.u8(len);
  }
}
