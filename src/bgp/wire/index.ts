/**
 * flatlab's BGP wire codec: the public API (import from here, not from the files behind it).
 *
 * Messages
 *   encodeMessage(msg, ctx, { attributeLayout?, writer? }) → Uint8Array
 *                                                  one message with marker and header; pass the
 *                                                  decoded attributeLayout to reproduce a peer's bytes
 *   messageEncodedLength(msg, ctx) → number        the same length without encoding (update packing)
 *   decodeMessage(bytes, ctx, offset?) → DecodedMessage
 *       { message, errors, treatAsWithdraw, otherWithdrawn?, length }. Throws only
 *       BgpDecodeError, and for an UPDATE only when RFC 7606 says "session reset"; survivable
 *       attribute errors are in `errors` (with disposition), and a treat-as-withdraw UPDATE
 *       arrives with every announced prefix moved to `withdrawn` / `mpUnreach.withdrawn`.
 *   decodeHeader(bytes, offset, ctx)               header checks alone (code 1 errors)
 *   maxMessageLength(ctx, type?)                   4096, or 65535 with RFC 8654 negotiated
 *   new BgpFramer(() => ctx).push(chunk) → Uint8Array[]   TCP stream → whole messages
 *
 * Errors (errors.ts)
 *   BgpDecodeError { errorCode, errorSubcode, data, offset, disposition, attributeType? }
 *   notificationFor(err) → NotificationMessage     what to send for any decode error
 *   BgpEncodeError                                 a value that cannot go on the wire
 *   errorCodeName / errorSubcodeName               IANA names, for logs and JSON
 *
 * OPEN helpers: checkOpen(open, expectation) (bad peer AS / identifier / hold time / missing
 * capability → code 2 errors), peerAsOf(open). NOTIFICATION: shutdownNotification(subcode, text).
 * UPDATE helpers: isEndOfRib(update), endOfRibFamily(update), endOfRib(afi, safi).
 * Context: codecContext({ fourOctetAs, addPath*, extendedMessage, ibgp }) fills defaults.
 *
 * Text conventions are those of types.ts (addresses as text, prefixes `addr/len`).
 * Element codecs ({ encode, decode, encodedLength }) are reachable for tests and MRT via
 * ATTRIBUTE_SPECS and CAPABILITY_SPECS.
 */
import { AddressTexts } from './address.js';
import { DEFAULT_CONTEXT, type CodecContext, type Family } from './types.js';

export * from './types.js';
export { BgpDecodeError, BgpEncodeError, notificationFor, errorCodeName, errorSubcodeName, MESSAGE_HEADER_SUBCODE, OPEN_SUBCODE, UPDATE_SUBCODE, CEASE_SUBCODE } from './errors.js';
export { encodeMessage, decodeMessage, decodeHeader, messageEncodedLength, maxMessageLength, type DecodedMessage, type MessageHeader, type EncodeOptions } from './message.js';
export { BgpFramer } from './framer.js';
export { checkOpen, peerAsOf, type OpenExpectation } from './messages/open.js';
export { shutdownNotification, shutdownCommunicationOf } from './messages/notification.js';
export { isEndOfRib, endOfRibFamily, endOfRib, type DecodedUpdate } from './messages/update.js';
export { ROUTE_REFRESH_SUBTYPE } from './messages/route-refresh.js';
export { LAYOUT_EXTENDED, type AttributeError, type AttributeLayout } from './attributes/path-attributes.js';
export { ATTRIBUTE_SPECS, attributeSpec } from './attributes/registry.js';
export { ATTR } from './attributes/attribute.js';
export { CAPABILITY_SPECS } from './capabilities/registry.js';
export { communityText, WELL_KNOWN_COMMUNITIES } from './attributes/communities.js';
export { extendedCommunity, extendedCommunityText } from './attributes/extended-communities.js';
export { mergeAs4Path, asPathCount } from './as4.js';
export { familyOf } from './nlri.js';
export type { Codec } from './codec.js';
export { Reader, Writer } from './cursor.js';
export { AddressTexts } from './address.js';

/** A CodecContext with the defaults (4-octet AS, no ADD-PATH, 4096-byte messages, eBGP) overridden, and its own memo of address texts. */
export function codecContext(overrides: Partial<CodecContext> = {}): CodecContext {
  return {
    fourOctetAs: overrides.fourOctetAs ?? DEFAULT_CONTEXT.fourOctetAs,
    addPathReceive: overrides.addPathReceive ?? new Set<Family>(),
    addPathSend: overrides.addPathSend ?? new Set<Family>(),
    extendedMessage: overrides.extendedMessage ?? DEFAULT_CONTEXT.extendedMessage,
    ibgp: overrides.ibgp ?? DEFAULT_CONTEXT.ibgp,
    addressTexts: overrides.addressTexts ?? new AddressTexts(),
  };
}
export { decodedMessageJson, decodeErrorJson, notificationJson, toJsonValue, type Json } from './json.js';
