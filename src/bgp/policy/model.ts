/**
 * The vendor-neutral route policy model.
 *
 * One model, three consumers: the topology schema (users write it), the emitters (BIRD
 * filters, FRR route-maps, GoBGP policy definitions) and flatlab's own policy engine
 * (`evaluate.ts`), which evaluates it natively. Semantics (see docs/policy.md):
 *
 * - A policy is an ordered list of terms. A term matches when every condition in its
 *   `match` holds (AND); a condition given as a list matches when any element does (OR).
 * - A matching term applies its `set` actions, then its `action`:
 *   `accept` and `reject` end evaluation; `next` continues with the following term.
 * - A chain of policies (`import: [a, b]`) evaluates them in order; a policy that ends
 *   without `accept`/`reject` hands the (modified) route to the next one.
 * - Falling off the end of the chain rejects (implicit deny, as BIRD filters and FRR
 *   route-maps do).
 * - The names `all` and `none` are built-in policies: accept everything / reject everything.
 */
import { z } from 'zod';

/** `203.0.113.0/24`, `203.0.113.0/24 le 28`, `10.0.0.0/8 ge 16 le 24`, `2001:db8::/32 le 48`. */
export const prefixMatchPattern = /^\s*([0-9a-fA-F:.]+\/\d{1,3})(?:\s+ge\s+(\d{1,3}))?(?:\s+le\s+(\d{1,3}))?\s*$/;

/** `65000:100` (RFC 1997), or a well-known name. */
export const wellKnownCommunities = {
  'no-export': 0xffffff01,
  'no-advertise': 0xffffff02,
  'no-export-subconfed': 0xffffff03,
  'no-peer': 0xffffff04,
  'blackhole': 0xffff029a,
  'graceful-shutdown': 0xffff0000,
} as const;

const community = z.string().regex(/^(\d{1,5}:\d{1,5}|no-export|no-advertise|no-export-subconfed|no-peer|blackhole|graceful-shutdown)$/, 'a community is "ASN:VALUE" (each 0-65535) or a well-known name such as no-export');
/** Community match patterns may use `*` for one half: `65000:*`. */
const communityPattern = z.string().regex(/^((\d{1,5}|\*):(\d{1,5}|\*)|no-export|no-advertise|no-export-subconfed|no-peer|blackhole|graceful-shutdown)$/, 'a community pattern is "ASN:VALUE", either half may be *');
/** RFC 8092: `GLOBAL:LOCAL1:LOCAL2`, each a 32-bit number. */
const largeCommunity = z.string().regex(/^\d{1,10}:\d{1,10}:\d{1,10}$/, 'a large community is "GLOBAL:DATA1:DATA2" (each 0-4294967295)');
const largeCommunityPattern = z.string().regex(/^(\d{1,10}|\*):(\d{1,10}|\*):(\d{1,10}|\*)$/, 'a large community pattern is "G:D1:D2", any part may be *');
const prefixMatch = z.string().regex(prefixMatchPattern, 'a prefix match is "PREFIX/LEN [ge N] [le M]"');
const asn = z.number().int().min(0).max(4294967295);
const origin = z.enum(['igp', 'egp', 'incomplete']);
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

export const policyMatchSchema = z.strictObject({
  /** Prefix-list semantics: exact prefix unless ge/le widen the length range. Any element matches. */
  prefix: oneOrMany(prefixMatch).optional(),
  family: z.enum(['ipv4', 'ipv6']).optional(),
  /** Route carries any of these communities. */
  community: oneOrMany(communityPattern).optional(),
  'large-community': oneOrMany(largeCommunityPattern).optional(),
  /** Any of these ASNs appears anywhere in AS_PATH. */
  'as-path-contains': oneOrMany(asn).optional(),
  /** The rightmost (originating) AS is one of these. */
  'origin-as': oneOrMany(asn).optional(),
  /** The leftmost (neighbouring) AS is one of these. */
  'neighbor-as': oneOrMany(asn).optional(),
  /** AS_PATH length bounds (AS_SET counts 1, confederation segments 0, as RFC 4271 §9.1.2.2). */
  'as-path-length': z.strictObject({ ge: z.number().int().min(0).optional(), le: z.number().int().min(0).optional() }).optional(),
  /**
   * Regular expression over the AS path written as space-separated ASNs (`65002 65001`),
   * with `_` matching a boundary as in FRR/GoBGP. Not expressible in BIRD (the BIRD emitter reports it).
   */
  'as-path-regex': z.string().min(1).optional(),
  origin: origin.optional(),
  /** Next hop inside any of these prefixes. */
  'next-hop': oneOrMany(z.string().regex(prefixMatchPattern)).optional(),
}).describe('conditions; all must hold, a list matches if any element does');

export const policySetSchema = z.strictObject({
  'local-pref': z.number().int().min(0).max(4294967295).optional(),
  med: z.number().int().min(0).max(4294967295).optional(),
  origin: origin.optional(),
  /** `self` or an address. */
  'next-hop': z.string().min(1).optional(),
  /** Prepend the node's own ASN `count` times, or the given `asn`. */
  prepend: z.union([z.number().int().min(1).max(32), z.strictObject({ asn: asn.optional(), count: z.number().int().min(1).max(32) })]).optional(),
  'community-add': oneOrMany(community).optional(),
  'community-remove': oneOrMany(communityPattern).optional(),
  /** Replace all communities (an empty list removes all). */
  'community-set': z.array(community).optional(),
  'large-community-add': oneOrMany(largeCommunity).optional(),
  'large-community-remove': oneOrMany(largeCommunityPattern).optional(),
  'large-community-set': z.array(largeCommunity).optional(),
}).describe('actions applied when the term matches, before its action');

export const policyTermSchema = z.strictObject({
  /** Optional label, used in emitted config comments and in evaluation traces. */
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  match: policyMatchSchema.optional(),
  set: policySetSchema.optional(),
  action: z.enum(['accept', 'reject', 'next']),
});

export const policySchema = z.array(policyTermSchema).min(1);

/** Name of a policy, or a chain of them; `all`/`none` are built in. */
export const policyRefSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export type PolicyMatch = z.infer<typeof policyMatchSchema>;
export type PolicySet = z.infer<typeof policySetSchema>;
export type PolicyTerm = z.infer<typeof policyTermSchema>;
export type Policy = z.infer<typeof policySchema>;
export type PolicyRef = z.infer<typeof policyRefSchema>;
export type PolicyAction = PolicyTerm['action'];

export const BUILTIN_POLICIES = ['all', 'none'] as const;

/** Normalise a policy reference to a chain of names. */
export function policyChain(ref: PolicyRef | undefined, fallback: string): string[] {
  if (ref === undefined) return [fallback];
  return typeof ref === 'string' ? [ref] : [...ref];
}

export interface ParsedPrefixMatch {
  prefix: string;
  length: number;
  ge: number;
  le: number;
}

/** Parse `P/L [ge N] [le M]` into an inclusive length range (exact when neither is given). */
export function parsePrefixMatch(text: string): ParsedPrefixMatch | undefined {
  const m = prefixMatchPattern.exec(text);
  if (!m) return undefined;
  const prefix = m[1]!;
  const length = Number(prefix.slice(prefix.indexOf('/') + 1));
  const max = prefix.includes(':') ? 128 : 32;
  const ge = m[2] !== undefined ? Number(m[2]) : length;
  const le = m[3] !== undefined ? Number(m[3]) : m[2] !== undefined ? max : length;
  return { prefix, length, ge, le };
}
