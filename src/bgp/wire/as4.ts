/**
 * 4-octet AS numbers across a 2-octet session (RFC 6793 §4.2.2, §4.2.3): AS_TRANS in
 * AS_PATH/AGGREGATOR with the real numbers in AS4_PATH/AS4_AGGREGATOR, and the merge back.
 */
import type { AsPathSegment, PathAttributes } from './types.js';
import { AS_TRANS } from './types.js';

const isConfed = (s: AsPathSegment): boolean => s.type === 3 || s.type === 4;

/** Number of ASNs for RFC 6793 §4.2.3: an AS_SET counts 1, confederation segments 0 (RFC 5065 §5.3). */
export function asPathCount(path: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of path) n += s.type === 2 ? s.asns.length : s.type === 1 ? 1 : 0;
  return n;
}

/** The AS path from AS_PATH and AS4_PATH received from a 2-octet peer (RFC 6793 §4.2.3). */
export function mergeAs4Path(asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] {
  const n2 = asPathCount(asPath);
  const n4 = asPathCount(as4Path);
  if (n2 < n4) return asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  let need = n2 - n4;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (isConfed(s)) {
      // A leading confederation segment, or one next to a prepended segment, is kept.
      out.push({ type: s.type, asns: [...s.asns] });
      continue;
    }
    if (need === 0) break;
    if (s.type === 1) {
      out.push({ type: 1, asns: [...s.asns] });
      need -= 1;
    } else {
      const take = Math.min(need, s.asns.length);
      out.push({ type: s.type, asns: s.asns.slice(0, take) });
      need -= take;
    }
  }
  for (const s of as4Path) out.push({ type: s.type, asns: [...s.asns] });
  return out;
}

/** RFC 6793 §4.2.3 on decoded attributes from a 2-octet session: fold AS4_* into AS_PATH/AGGREGATOR. */
export function mergeAs4Attributes(attrs: PathAttributes): void {
  const { as4Path, as4Aggregator } = attrs;
  delete attrs.as4Path;
  delete attrs.as4Aggregator;
  // "If the AGGREGATOR attribute contains an AS number other than AS_TRANS, then AS4_AGGREGATOR
  // and AS4_PATH SHALL be ignored."
  if (attrs.aggregator !== undefined && attrs.aggregator.asn !== AS_TRANS) return;
  if (attrs.aggregator !== undefined && as4Aggregator !== undefined) attrs.aggregator = as4Aggregator;
  if (as4Path !== undefined && attrs.asPath !== undefined) attrs.asPath = mergeAs4Path(attrs.asPath, as4Path);
}

function needsAs4(path: readonly AsPathSegment[] | undefined): boolean {
  if (!path) return false;
  for (const s of path) for (const a of s.asns) if (a > 0xffff) return true;
  return false;
}

/**
 * What a 2-octet session gets (RFC 6793 §4.2.2): AS_TRANS for every 4-octet ASN in AS_PATH and
 * AGGREGATOR, and AS4_PATH (without confederation segments) / AS4_AGGREGATOR with the real
 * numbers, only when needed. Returns the input unchanged when nothing needs 4 octets.
 */
export function as4ForTwoOctetSession(attrs: PathAttributes): PathAttributes {
  const pathNeeds = needsAs4(attrs.asPath);
  const aggNeeds = attrs.aggregator !== undefined && attrs.aggregator.asn > 0xffff;
  if (!pathNeeds && !aggNeeds && attrs.as4Path === undefined && attrs.as4Aggregator === undefined) return attrs;
  const out: PathAttributes = { ...attrs };
  delete out.as4Path;
  delete out.as4Aggregator;
  if (pathNeeds && attrs.asPath) {
    out.asPath = attrs.asPath.map((s) => ({ type: s.type, asns: s.asns.map((a) => (a > 0xffff ? AS_TRANS : a)) }));
    const as4 = attrs.asPath.filter((s) => !isConfed(s)).map((s) => ({ type: s.type, asns: [...s.asns] }));
    if (as4.length > 0) out.as4Path = as4;
  }
  if (aggNeeds && attrs.aggregator) {
    out.aggregator = { asn: AS_TRANS, address: attrs.aggregator.address };
    out.as4Aggregator = { ...attrs.aggregator };
  }
  return out;
}
