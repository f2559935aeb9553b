/**
 * The policy engine: applies a chain of vendor-neutral policies to one route, as a pure
 * function (style.md shape 9). Semantics are those in model.ts's header; the decisions the
 * model leaves open are in docs/policy-engine.md.
 *
 * Next hop: the engine reads and writes `attributes.nextHop` for both families. The speaker
 * keeps the IPv6 next hop there too (taken out of MP_REACH_NLRI on receipt, put back on send),
 * so a policy never has to know which attribute carried it.
 */
import type { LargeCommunity, PathAttributes } from '../wire/types.js';
import type { Policy } from './model.js';
import { BUILTIN_POLICIES } from './model.js';
import { FAMILY_BITS, parseAddress, parsePrefix, type ParsedAddress, type ParsedPrefix } from './address.js';
import { asPathAsns, asPathLength, asPathText, neighborAs, originAs, prependAsPath } from './as-path.js';
import { compilePolicy, type Action, type CommunityPattern, type Condition, type LargeCommunityPattern, type PrefixRange } from './compile.js';
import { UnknownPolicyError } from './errors.js';

export interface PolicyRoute {
  /** `203.0.113.0/24` or `2001:db8::/32`, host bits zero. */
  prefix: string;
  attributes: PathAttributes;
}

export interface PolicyContext {
  /** The evaluating router's ASN: what `prepend: N` prepends. */
  localAsn: number;
  /** Our address on the session the route is sent over: what `next-hop: self` sets. */
  sessionAddress?: string;
}

export interface NamedPolicy {
  name: string;
  policy: Policy;
}

export interface TraceStep {
  policy: string;
  /** 0-based term index. */
  term: number;
  matched: boolean;
  /** The term's action, when it matched. */
  action?: 'accept' | 'reject' | 'next';
}

export interface PolicyResult {
  verdict: 'accept' | 'reject';
  /** The route as modified by the chain when accepted; the input route, untouched, when rejected. */
  route: PolicyRoute;
  trace: TraceStep[];
}

export const BUILTIN_POLICY_DEFINITIONS: Readonly<Record<(typeof BUILTIN_POLICIES)[number], Policy>> = Object.freeze({
  all: Object.freeze([Object.freeze({ action: 'accept' as const })]) as Policy,
  none: Object.freeze([Object.freeze({ action: 'reject' as const })]) as Policy,
});

/** Names → policies, with the built-ins; throws UnknownPolicyError (with did-you-mean) for a name that is neither. */
export function resolvePolicyChain(names: readonly string[], policies: Readonly<Record<string, Policy>>): NamedPolicy[] {
  return names.map((name) => {
    const own = Object.hasOwn(policies, name) ? policies[name] : undefined;
    if (own) return { name, policy: own };
    if (name === 'all' || name === 'none') return { name, policy: BUILTIN_POLICY_DEFINITIONS[name] };
    throw new UnknownPolicyError(name, [...Object.keys(policies), ...BUILTIN_POLICIES]);
  });
}

/** Facts about the route computed at most once per evaluation, on first use. */
class RouteFacts {
  private prefixParsed: ParsedPrefix | null | undefined;
  private nextHopParsed: ParsedAddress | null | undefined;
  private pathText: string | undefined;
  constructor(readonly route: PolicyRoute) {}
  prefix(): ParsedPrefix | null {
    if (this.prefixParsed === undefined) this.prefixParsed = parsePrefix(this.route.prefix) ?? null;
    return this.prefixParsed;
  }
  nextHop(): ParsedAddress | null {
    if (this.nextHopParsed === undefined) {
      const nh = this.route.attributes.nextHop;
      this.nextHopParsed = nh === undefined ? null : parseAddress(nh) ?? null;
    }
    return this.nextHopParsed;
  }
  asPathText(): string {
    this.pathText ??= asPathText(this.route.attributes.asPath);
    return this.pathText;
  }
  /** Called when an action changed the attributes: later terms see the modified route. */
  update(route: PolicyRoute): RouteFacts {
    const next = new RouteFacts(route);
    next.prefixParsed = this.prefixParsed;
    if (route.attributes.nextHop === this.route.attributes.nextHop) next.nextHopParsed = this.nextHopParsed;
    if (route.attributes.asPath === this.route.attributes.asPath) next.pathText = this.pathText;
    return next;
  }
}

function inRanges(ranges: readonly PrefixRange[], addr: ParsedAddress, length: number): boolean {
  const bits = FAMILY_BITS[addr.family];
  for (const r of ranges) {
    if (r.family !== addr.family || length < r.ge || length > r.le || length < r.length) continue;
    if (addr.value >> BigInt(bits - r.length) === r.top) return true;
  }
  return false;
}

function communityMatches(c: number, p: CommunityPattern): boolean {
  return (p.asn === undefined || c >>> 16 === p.asn) && (p.value === undefined || (c & 0xffff) === p.value);
}

function largeMatches(c: LargeCommunity, p: LargeCommunityPattern): boolean {
  return (p[0] === undefined || c[0] === p[0]) && (p[1] === undefined || c[1] === p[1]) && (p[2] === undefined || c[2] === p[2]);
}

function holds(cond: Condition, facts: RouteFacts): boolean {
  const a = facts.route.attributes;
  switch (cond.kind) {
    case 'prefix': {
      const p = facts.prefix();
      return p !== null && inRanges(cond.ranges, p, p.length);
    }
    case 'family': return facts.prefix()?.family === cond.family;
    case 'community': return (a.communities ?? []).some((c) => cond.patterns.some((p) => communityMatches(c, p)));
    case 'large-community': return (a.largeCommunities ?? []).some((c) => cond.patterns.some((p) => largeMatches(c, p)));
    case 'as-path-contains': {
      for (const asn of asPathAsns(a.asPath)) if (cond.asns.has(asn)) return true;
      return false;
    }
    case 'origin-as': {
      const o = originAs(a.asPath);
      return o !== undefined && cond.asns.has(o);
    }
    case 'neighbor-as': {
      const n = neighborAs(a.asPath);
      return n !== undefined && cond.asns.has(n);
    }
    case 'as-path-length': {
      const n = asPathLength(a.asPath);
      return n >= cond.ge && n <= cond.le;
    }
    case 'as-path-regex': return cond.regex.test(facts.asPathText());
    // RFC 4271 §5.1.1: ORIGIN is well-known mandatory; a route without one is treated as INCOMPLETE would be a guess, so it matches nothing.
    case 'origin': return a.origin === cond.origin;
    case 'next-hop': {
      const nh = facts.nextHop();
      return nh !== null && inRanges(cond.ranges, nh, FAMILY_BITS[nh.family]);
    }
    default: return unreachable(cond);
  }
}

function unreachable(x: never): never {
  throw new Error(`policy engine: unhandled case ${JSON.stringify(x)}`);
}

function withoutUndefined(a: PathAttributes): PathAttributes {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = v;
  return out as PathAttributes;
}

function addUnique(list: readonly number[], add: readonly number[]): number[] {
  const out = [...list];
  for (const c of add) if (!out.includes(c)) out.push(c);
  return out;
}

function addUniqueLarge(list: readonly LargeCommunity[], add: readonly LargeCommunity[]): LargeCommunity[] {
  const out = [...list];
  for (const c of add) if (!out.some((x) => x[0] === c[0] && x[1] === c[1] && x[2] === c[2])) out.push(c);
  return out;
}

/** Apply one action to a working copy of the attributes (the copy is the function's own; the input is never touched). */
function apply(action: Action, a: PathAttributes, ctx: PolicyContext): void {
  switch (action.kind) {
    case 'local-pref': a.localPref = action.value; return;
    case 'med': a.med = action.value; return;
    case 'origin': a.origin = action.origin; return;
    // Without a session address (an import policy evaluated outside a session) `self` has nothing to point at: unchanged, as BIRD leaves it.
    case 'next-hop-self': if (ctx.sessionAddress !== undefined) a.nextHop = ctx.sessionAddress; return;
    case 'next-hop': a.nextHop = action.address; return;
    case 'prepend': a.asPath = prependAsPath(a.asPath, action.asn ?? ctx.localAsn, action.count); return;
    case 'community-set': a.communities = addUnique([], action.communities); return;
    case 'community-remove': a.communities = (a.communities ?? []).filter((c) => !action.patterns.some((p) => communityMatches(c, p))); return;
    case 'community-add': a.communities = addUnique(a.communities ?? [], action.communities); return;
    case 'large-community-set': a.largeCommunities = addUniqueLarge([], action.communities); return;
    case 'large-community-remove': a.largeCommunities = (a.largeCommunities ?? []).filter((c) => !action.patterns.some((p) => largeMatches(c, p))); return;
    case 'large-community-add': a.largeCommunities = addUniqueLarge(a.largeCommunities ?? [], action.communities); return;
    default: unreachable(action);
  }
}

/**
 * Freeze what the actions built: the attributes record and the arrays they replaced. Values
 * carried over from the input stay as they were (freezing them would change the caller's objects).
 */
function freezeAttributes(a: PathAttributes, replaced: ReadonlySet<Action['kind']>): PathAttributes {
  if (a.communities && a.communities.length === 0) delete a.communities;
  if (a.largeCommunities && a.largeCommunities.length === 0) delete a.largeCommunities;
  const touched = (...kinds: Array<Action['kind']>) => kinds.some((k) => replaced.has(k));
  if (a.communities && touched('community-set', 'community-add', 'community-remove')) Object.freeze(a.communities);
  if (a.largeCommunities && touched('large-community-set', 'large-community-add', 'large-community-remove')) Object.freeze(a.largeCommunities);
  if (a.asPath && touched('prepend')) Object.freeze(a.asPath);
  return Object.freeze(a);
}

/**
 * Evaluate `chain` on `route`. Terms run in order; a matching term applies its `set` then its
 * action; `next` (or no matching term) moves on; a policy that ends without a verdict hands
 * the modified route to the next policy; the end of the chain rejects.
 */
export function applyPolicyChain(chain: readonly NamedPolicy[], route: PolicyRoute, ctx: PolicyContext): PolicyResult {
  const trace: TraceStep[] = [];
  let facts = new RouteFacts(route);
  let current = route;
  for (const { name, policy } of chain) {
    const compiled = compilePolicy(policy);
    for (let t = 0; t < compiled.terms.length; t++) {
      const term = compiled.terms[t]!;
      const matched = term.conditions.every((c) => holds(c, facts));
      if (!matched) {
        trace.push({ policy: name, term: t, matched: false });
        continue;
      }
      trace.push({ policy: name, term: t, matched: true, action: term.verdict });
      if (term.actions.length > 0 && term.verdict !== 'reject') {
        const attrs = withoutUndefined({ ...current.attributes });
        for (const action of term.actions) apply(action, attrs, ctx);
        current = Object.freeze({ prefix: current.prefix, attributes: freezeAttributes(attrs, new Set(term.actions.map((x) => x.kind))) });
        facts = facts.update(current);
      }
      if (term.verdict === 'accept') return { verdict: 'accept', route: current, trace };
      if (term.verdict === 'reject') return { verdict: 'reject', route, trace };
    }
  }
  return { verdict: 'reject', route, trace };
}
