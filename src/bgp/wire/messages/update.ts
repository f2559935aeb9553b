/**
 * UPDATE (RFC 4271 §4.3) with RFC 7606 revised error handling.
 *
 * `decodeUpdateBody` never throws anything but BgpDecodeError, and throws only for errors that
 * reset the session: lengths that cannot locate the NLRI (§4 → 3/1), a syntactically wrong
 * NLRI or withdrawn field (§5.3 → 3/10), malformed or repeated MP attributes (§7.11, §3(g)),
 * an unrecognized well-known attribute. Everything else is survived: attribute-discard drops
 * the attribute, treat-as-withdraw turns every announced prefix of the UPDATE into a
 * withdrawal (§2), and both are listed in `errors`.
 */
import type { AttributeError, AttributeLayout } from '../attributes/path-attributes.js';
import { ATTR } from '../attributes/attribute.js';
import { decodePathAttributes, encodePathAttributes, pathAttributesEncodedLength } from '../attributes/path-attributes.js';
import { mergeAs4Attributes } from '../as4.js';
import type { Codec } from '../codec.js';
import { u16At, type Reader, type Writer } from '../cursor.js';
import { BgpDecodeError, UPDATE_SUBCODE } from '../errors.js';
import { decodePrefixes, encodePrefixes, prefixesEncodedLength, type NlriErrorSpec } from '../nlri.js';
import { AFI_IPV4, type CodecContext, type MpUnreach, type PathAttributes, type UpdateMessage } from '../types.js';

const NLRI_ERROR: NlriErrorSpec = { code: 'bgp.update.invalid-network-field', errorCode: 3, errorSubcode: UPDATE_SUBCODE.INVALID_NETWORK_FIELD, what: 'NLRI' };
const WITHDRAWN_ERROR: NlriErrorSpec = { code: 'bgp.update.invalid-network-field', errorCode: 3, errorSubcode: UPDATE_SUBCODE.INVALID_NETWORK_FIELD, what: 'Withdrawn Routes' };

export interface DecodedUpdate {
  /**
   * The UPDATE as it should be applied: attributes minus discarded ones; when
   * `treatAsWithdraw`, no attributes but MP_UNREACH, and every announced prefix moved to
   * `withdrawn` / `attributes.mpUnreach.withdrawn`.
   */
  message: UpdateMessage;
  errors: AttributeError[];
  treatAsWithdraw: boolean;
  /**
   * Only when treat-as-withdraw meets MP_REACH and MP_UNREACH of different families in one
   * UPDATE (legal, rarely sent): the MP_REACH prefixes to withdraw.
   */
  otherWithdrawn?: MpUnreach;
  /** The attribute order and length flags as received, to re-encode byte for byte. */
  attributeLayout: AttributeLayout;
}

function listError(offset: number, message: string): BgpDecodeError {
  return new BgpDecodeError({ code: 'bgp.update.malformed-attribute-list', message, errorCode: 3, errorSubcode: UPDATE_SUBCODE.MALFORMED_ATTRIBUTE_LIST, offset });
}

const addPathIpv4 = (set: ReadonlySet<string>): boolean => set.has('ipv4-unicast');

/** Well-known mandatory attributes an UPDATE that announces must carry (RFC 4271 §5). */
const MANDATORY = [
  { typeCode: ATTR.ORIGIN, name: 'ORIGIN', field: 'origin' },
  { typeCode: ATTR.AS_PATH, name: 'AS_PATH', field: 'asPath' },
  { typeCode: ATTR.NEXT_HOP, name: 'NEXT_HOP', field: 'nextHop' },
] as const;

function hasErrorFor(errors: readonly AttributeError[], typeCode: number): boolean {
  for (const e of errors) if (e.typeCode === typeCode) return true;
  return false;
}

/** Decode an UPDATE body (after the 19-byte header); `r` is limited to the body. */
export function decodeUpdateBody(r: Reader, ctx: CodecContext): DecodedUpdate {
  const bytes = r.bytes;
  const bodyStart = r.pos;
  const end = r.end;
  if (end - bodyStart < 4) throw listError(bodyStart, `UPDATE body is ${end - bodyStart} bytes, at least 4 needed`);
  const withdrawnLen = u16At(bytes, bodyStart);
  const withdrawnStart = bodyStart + 2;
  // RFC 4271 §6.3: lengths that do not fit the message → Malformed Attribute List.
  if (withdrawnLen + 4 > end - bodyStart) throw listError(bodyStart, `Withdrawn Routes Length ${withdrawnLen} does not fit the ${end - bodyStart - 4} bytes left`);
  const attrLenAt = withdrawnStart + withdrawnLen;
  const attrLen = u16At(bytes, attrLenAt);
  const attrStart = attrLenAt + 2;
  if (attrLen > end - attrStart) throw listError(attrLenAt, `Total Path Attribute Length ${attrLen} does not fit the ${end - attrStart} bytes left`);
  const nlriStart = attrStart + attrLen;
  r.pos = end;

  const addPath = addPathIpv4(ctx.addPathReceive);
  const withdrawn = decodePrefixes(bytes, withdrawnStart, attrLenAt, AFI_IPV4, addPath, WITHDRAWN_ERROR);
  const decoded = decodePathAttributes(bytes, attrStart, nlriStart, ctx);
  const nlri = decodePrefixes(bytes, nlriStart, end, AFI_IPV4, addPath, NLRI_ERROR);
  const { attributes, errors } = decoded;
  let treatAsWithdraw = decoded.treatAsWithdraw;

  if (decoded.framingError && nlri.length === 0 && withdrawn.length === 0 && !attributes.mpReach && !attributes.mpUnreach) {
    // RFC 7606 §4: treat-as-withdraw needs the NLRI located; a broken list may hide an MP
    // attribute we cannot locate, so fall back to session reset.
    const first = errors.find((e) => e.typeCode === 0 || e.error.code === 'bgp.update.malformed-attribute-list');
    throw listError(first?.error.offset ?? attrLenAt, 'attribute list is malformed and no NLRI can be located for treat-as-withdraw');
  }

  if (!ctx.fourOctetAs) mergeAs4Attributes(attributes);

  // RFC 7606 §3(d): a missing well-known mandatory attribute when NLRI are announced →
  // treat-as-withdraw (NEXT_HOP only for the IPv4 NLRI field, RFC 4760 §3).
  const announces = nlri.length > 0 || (attributes.mpReach !== undefined && attributes.mpReach.nlri.length > 0);
  if (announces && !decoded.framingError) {
    for (const { typeCode, name, field } of MANDATORY) {
      if (attributes[field] !== undefined || (field === 'nextHop' && nlri.length === 0) || hasErrorFor(errors, typeCode)) continue;
      const error = new BgpDecodeError({
        code: 'bgp.update.missing-well-known',
        message: `UPDATE announces NLRI without the well-known mandatory ${name}`,
        errorCode: 3,
        errorSubcode: UPDATE_SUBCODE.MISSING_WELL_KNOWN_ATTRIBUTE,
        data: Uint8Array.of(typeCode),
        offset: attrLenAt,
        disposition: 'treat-as-withdraw',
        attributeType: typeCode,
      });
      errors.push({ typeCode, name, disposition: 'treat-as-withdraw', error });
      treatAsWithdraw = true;
    }
  }

  const message: UpdateMessage = { type: 'UPDATE', withdrawn, attributes, nlri };
  if (!treatAsWithdraw) return { message, errors, treatAsWithdraw, attributeLayout: decoded.layout };
  return asWithdrawal(message, errors);
}

function asWithdrawal(m: UpdateMessage, errors: AttributeError[]): DecodedUpdate {
  const attributeLayout: AttributeLayout = [];
  const { mpReach, mpUnreach } = m.attributes;
  const attributes: PathAttributes = {};
  let otherWithdrawn: MpUnreach | undefined;
  if (mpUnreach) attributes.mpUnreach = mpUnreach;
  if (mpReach && mpReach.nlri.length > 0) {
    if (!mpUnreach) attributes.mpUnreach = { afi: mpReach.afi, safi: mpReach.safi, withdrawn: mpReach.nlri };
    else if (mpUnreach.afi === mpReach.afi && mpUnreach.safi === mpReach.safi) attributes.mpUnreach = { afi: mpUnreach.afi, safi: mpUnreach.safi, withdrawn: [...mpUnreach.withdrawn, ...mpReach.nlri] };
    else otherWithdrawn = { afi: mpReach.afi, safi: mpReach.safi, withdrawn: mpReach.nlri };
  }
  const message: UpdateMessage = { type: 'UPDATE', withdrawn: [...m.withdrawn, ...m.nlri], attributes, nlri: [] };
  return otherWithdrawn ? { message, errors, treatAsWithdraw: true, otherWithdrawn, attributeLayout } : { message, errors, treatAsWithdraw: true, attributeLayout };
}

export function encodeUpdateBody(v: UpdateMessage, w: Writer, ctx: CodecContext, layout?: readonly number[]): void {
  const addPath = addPathIpv4(ctx.addPathSend);
  const wAt = w.reserve(2);
  encodePrefixes(w, v.withdrawn, AFI_IPV4, addPath);
  w.patchLength(wAt, 2);
  const aAt = w.reserve(2);
  encodePathAttributes(w, v.attributes, ctx, layout);
  w.patchLength(aAt, 2);
  encodePrefixes(w, v.nlri, AFI_IPV4, addPath);
}

export function updateBodyLength(v: UpdateMessage, ctx: CodecContext, layout?: readonly number[]): number {
  const addPath = addPathIpv4(ctx.addPathSend);
  return 4 + prefixesEncodedLength(v.withdrawn, addPath) + pathAttributesEncodedLength(v.attributes, ctx, layout) + prefixesEncodedLength(v.nlri, addPath);
}

export const updateCodec: Codec<UpdateMessage> = {
  encode: (v, w, ctx) => encodeUpdateBody(v, w, ctx),
  decode: (r, _len, ctx) => decodeUpdateBody(r, ctx).message,
  encodedLength: (v, ctx) => updateBodyLength(v, ctx),
};

/**
 * End-of-RIB marker (RFC 4724 §2): for IPv4 unicast an UPDATE with nothing in it; for other
 * families an UPDATE whose only attribute is an MP_UNREACH_NLRI with no withdrawn routes.
 * Returns the family's AFI/SAFI, or undefined when the UPDATE is not an End-of-RIB.
 */
export function endOfRibFamily(u: UpdateMessage): { afi: number; safi: number } | undefined {
  if (u.withdrawn.length > 0 || u.nlri.length > 0) return undefined;
  const keys = Object.keys(u.attributes).filter((k) => (u.attributes as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) return { afi: 1, safi: 1 };
  if (keys.length === 1 && u.attributes.mpUnreach && u.attributes.mpUnreach.withdrawn.length === 0) return { afi: u.attributes.mpUnreach.afi, safi: u.attributes.mpUnreach.safi };
  return undefined;
}

export function isEndOfRib(u: UpdateMessage): boolean {
  return endOfRibFamily(u) !== undefined;
}

/** The End-of-RIB UPDATE for a family. */
export function endOfRib(afi: number, safi: number): UpdateMessage {
  if (afi === 1 && safi === 1) return { type: 'UPDATE', withdrawn: [], attributes: {}, nlri: [] };
  return { type: 'UPDATE', withdrawn: [], attributes: { mpUnreach: { afi, safi, withdrawn: [] } }, nlri: [] };
}
