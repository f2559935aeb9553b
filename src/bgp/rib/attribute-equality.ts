/**
 * Equality and hashing of attribute sets for the interner, without building a key string per
 * set: a 32-bit hash picks the bucket and `sameAttributes` settles it. Both agree with
 * `attributeKey` (intern.ts): two sets are the same exactly when their keys are equal, and the
 * same sets hash alike (test/bgp/rib/attribute-equality.test.ts checks both against it).
 * Per-UPDATE NLRI inside MP_REACH/MP_UNREACH count by their number only, as in the key.
 */
import type { Aggregator, AsPathSegment, ExtendedCommunity, LargeCommunity, PathAttributes, UnknownAttribute } from '../wire/types.js';

// FNV-1a over 32-bit words and string char codes (Math.imul keeps it in int32), with a shift
// after each step so high-bit differences (the ASN half of a community) reach the low bits too.
const SEED = 0x811c9dc5;
const PRIME = 0x01000193;

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, PRIME);
  return h ^ (h >>> 15);
}

function mixNumber(h: number, v: number): number {
  // ASNs and communities reach 2^32-1; `| 0` keeps their low 32 bits, the rest (MED, LOCAL_PREF) are in range too.
  return mix(h, v | 0);
}

function mixString(h: number, s: string): number {
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

function mixBytes(h: number, b: Uint8Array): number {
  h = mix(h, b.length);
  for (let i = 0; i < b.length; i++) h = mix(h, b[i]!);
  return h;
}

function mixSegments(h: number, segs: readonly AsPathSegment[]): number {
  h = mix(h, segs.length);
  for (const s of segs) {
    h = mix(h, s.type);
    h = mix(h, s.asns.length);
    for (const a of s.asns) h = mixNumber(h, a);
  }
  return h;
}

function mixNumbers(h: number, xs: readonly number[]): number {
  h = mix(h, xs.length);
  for (const x of xs) h = mixNumber(h, x);
  return h;
}

/** A hash equal for any two sets `sameAttributes` calls the same. */
export function attributeHash(a: PathAttributes): number {
  let h = SEED;
  // Each present field adds its tag first, so absent and empty differ as they do in the key.
  if (a.origin !== undefined) h = mix(mix(h, 1), a.origin);
  if (a.asPath) h = mixSegments(mix(h, 2), a.asPath);
  if (a.nextHop !== undefined) h = mixString(mix(h, 3), a.nextHop);
  if (a.med !== undefined) h = mixNumber(mix(h, 4), a.med);
  if (a.localPref !== undefined) h = mixNumber(mix(h, 5), a.localPref);
  if (a.atomicAggregate) h = mix(h, 6);
  if (a.aggregator) h = mixString(mixNumber(mix(h, 7), a.aggregator.asn), a.aggregator.address);
  if (a.communities) h = mixNumbers(mix(h, 8), a.communities);
  if (a.originatorId !== undefined) h = mixString(mix(h, 9), a.originatorId);
  if (a.clusterList) {
    h = mix(mix(h, 10), a.clusterList.length);
    for (const c of a.clusterList) h = mixString(h, c);
  }
  if (a.mpReach) {
    const r = a.mpReach;
    h = mixString(mix(mix(mix(h, 14), r.afi), r.safi), r.nextHop);
    h = mix(mixString(h, r.linkLocalNextHop ?? ''), r.nlri.length);
  }
  if (a.mpUnreach) h = mix(mix(mix(mix(h, 15), a.mpUnreach.afi), a.mpUnreach.safi), a.mpUnreach.withdrawn.length);
  if (a.extendedCommunities) {
    h = mix(mix(h, 16), a.extendedCommunities.length);
    for (const e of a.extendedCommunities) h = mixBytes(mix(mix(h, e.type), e.subtype), e.value);
  }
  if (a.largeCommunities) {
    h = mix(mix(h, 32), a.largeCommunities.length);
    for (const c of a.largeCommunities) h = mixNumbers(h, c);
  }
  if (a.as4Path) h = mixSegments(mix(h, 17), a.as4Path);
  if (a.as4Aggregator) h = mixString(mixNumber(mix(h, 18), a.as4Aggregator.asn), a.as4Aggregator.address);
  if (a.unknown) {
    h = mix(mix(h, 255), a.unknown.length);
    for (const u of a.unknown) h = mixBytes(mix(mix(h, u.flags), u.typeCode), u.value);
  }
  return h >>> 0;
}

function sameNumbers(x: readonly number[] | undefined, y: readonly number[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameStrings(x: readonly string[] | undefined, y: readonly string[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameSegments(x: readonly AsPathSegment[] | undefined, y: readonly AsPathSegment[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.type !== y[i]!.type || !sameNumbers(x[i]!.asns, y[i]!.asns)) return false;
  return true;
}

function sameAggregator(x: Aggregator | undefined, y: Aggregator | undefined): boolean {
  if (x === y) return true;
  return !!x && !!y && x.asn === y.asn && x.address === y.address;
}

function sameExtended(x: readonly ExtendedCommunity[] | undefined, y: readonly ExtendedCommunity[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.type !== y[i]!.type || x[i]!.subtype !== y[i]!.subtype || !sameBytes(x[i]!.value, y[i]!.value)) return false;
  return true;
}

function sameLarge(x: readonly LargeCommunity[] | undefined, y: readonly LargeCommunity[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!sameNumbers(x[i], y[i])) return false;
  return true;
}

function sameUnknown(x: readonly UnknownAttribute[] | undefined, y: readonly UnknownAttribute[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.flags !== y[i]!.flags || x[i]!.typeCode !== y[i]!.typeCode || !sameBytes(x[i]!.value, y[i]!.value)) return false;
  return true;
}

/** True exactly when `attributeKey(a) === attributeKey(b)`. */
export function sameAttributes(a: PathAttributes, b: PathAttributes): boolean {
  if (a === b) return true;
  if (a.origin !== b.origin || a.nextHop !== b.nextHop || a.med !== b.med || a.localPref !== b.localPref) return false;
  if (!a.atomicAggregate !== !b.atomicAggregate || a.originatorId !== b.originatorId) return false;
  if (!sameSegments(a.asPath, b.asPath) || !sameNumbers(a.communities, b.communities)) return false;
  if (!sameAggregator(a.aggregator, b.aggregator) || !sameStrings(a.clusterList, b.clusterList)) return false;
  const r = a.mpReach;
  const s = b.mpReach;
  if (r !== s) {
    if (!r || !s || r.afi !== s.afi || r.safi !== s.safi || r.nextHop !== s.nextHop || (r.linkLocalNextHop ?? '') !== (s.linkLocalNextHop ?? '') || r.nlri.length !== s.nlri.length) return false;
  }
  const u = a.mpUnreach;
  const v = b.mpUnreach;
  if (u !== v && (!u || !v || u.afi !== v.afi || u.safi !== v.safi || u.withdrawn.length !== v.withdrawn.length)) return false;
  return (
    sameExtended(a.extendedCommunities, b.extendedCommunities) &&
    sameLarge(a.largeCommunities, b.largeCommunities) &&
    sameSegments(a.as4Path, b.as4Path) &&
    sameAggregator(a.as4Aggregator, b.as4Aggregator) &&
    sameUnknown(a.unknown, b.unknown)
  );
}
