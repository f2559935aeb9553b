/**
 * AS_PATH views the policy engine matches on. Segment types: 1 AS_SET, 2 AS_SEQUENCE,
 * 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET (RFC 4271 §4.3, RFC 5065 §3).
 */
import type { AsPathSegment } from '../wire/types.js';

const AS_SET = 1;
const AS_SEQUENCE = 2;
const AS_CONFED_SEQUENCE = 3;
/** RFC 4271 §4.3: a segment's length field is one octet. */
const MAX_SEGMENT_ASNS = 255;

/** RFC 4271 §9.1.2.2 a): an AS_SET counts 1 whatever its size; confederation segments count 0 (RFC 5065 §5.3). */
export function asPathLength(path: readonly AsPathSegment[] | undefined): number {
  let n = 0;
  for (const s of path ?? []) {
    if (s.type === AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AS_SET) n += 1;
  }
  return n;
}

/**
 * The path as FRR prints it for `bgp as-path access-list` matching: sequence ASNs separated by
 * spaces, `{a,b}` for an AS_SET, `(a b)` for a confederation sequence, `[a,b]` for a
 * confederation set. FRR's `_` (see compile.ts) treats `,{}()` and space as boundaries.
 */
export function asPathText(path: readonly AsPathSegment[] | undefined): string {
  const parts: string[] = [];
  for (const s of path ?? []) {
    switch (s.type) {
      case AS_SEQUENCE: parts.push(s.asns.join(' ')); break;
      case AS_SET: parts.push(`{${s.asns.join(',')}}`); break;
      case AS_CONFED_SEQUENCE: parts.push(`(${s.asns.join(' ')})`); break;
      default: parts.push(`[${s.asns.join(',')}]`); break;
    }
  }
  return parts.filter((p) => p !== '').join(' ');
}

/**
 * The originating AS: the last ASN of a path whose final segment is an AS_SEQUENCE. A path
 * ending in an AS_SET has no single origin (RFC 6811 §2 treats it as NONE, and BIRD's
 * `bgp_path.last` likewise yields no ASN); an empty path (locally originated) has none either.
 */
export function originAs(path: readonly AsPathSegment[] | undefined): number | undefined {
  const last = path?.[path.length - 1];
  if (!last || last.type !== AS_SEQUENCE) return undefined;
  return last.asns[last.asns.length - 1];
}

/** The neighbouring AS (RFC 4271 §9.1.2.2 c): the first ASN of the first non-confederation segment, when it is a sequence. */
export function neighborAs(path: readonly AsPathSegment[] | undefined): number | undefined {
  for (const s of path ?? []) {
    if (s.type === AS_CONFED_SEQUENCE || s.type === 4) continue;
    return s.type === AS_SEQUENCE ? s.asns[0] : undefined;
  }
  return undefined;
}

/** Every ASN appearing anywhere in the path, sets and confederation segments included. */
export function* asPathAsns(path: readonly AsPathSegment[] | undefined): Iterable<number> {
  for (const s of path ?? []) yield* s.asns;
}

/** A new path with `asn` prepended `count` times, filling the leading AS_SEQUENCE up to 255 ASNs before opening a new segment. */
export function prependAsPath(path: readonly AsPathSegment[] | undefined, asn: number, count: number): AsPathSegment[] {
  const rest = [...(path ?? [])];
  let lead: number[] = [];
  const first = rest[0];
  if (first && first.type === AS_SEQUENCE) {
    lead = [...first.asns];
    rest.shift();
  }
  for (let i = 0; i < count; i++) lead.unshift(asn);
  const segments: AsPathSegment[] = [];
  // Split from the right so the original leading ASNs stay together with the segment that follows.
  while (lead.length > MAX_SEGMENT_ASNS) segments.unshift({ type: AS_SEQUENCE, asns: lead.splice(lead.length - MAX_SEGMENT_ASNS) });
  segments.unshift({ type: AS_SEQUENCE, asns: lead });
  return [...segments, ...rest];
}

/** The ASNs of a path as one flat list (AS_SET members included in order); what the shared policy table states. */
export function flatAsPath(path: readonly AsPathSegment[] | undefined): number[] {
  return [...asPathAsns(path)];
}
