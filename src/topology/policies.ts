/**
 * Policy checks: names usable in every emitted dialect, references that resolve, prefix
 * matches that are network addresses with sane ge/le, and AS-path regexes that compile.
 */
import type { DataPath } from '../config/yaml-source.js';
import { didYouMean } from '../config/suggest.js';
import { BUILTIN_POLICIES, parsePrefixMatch, type Policy, type PolicyRef } from '../bgp/policy/model.js';
import { FAMILY_BITS } from '../net/ip.js';
import type { CompileContext } from './context.js';
import { checkNetwork } from './nodes.js';
import type { Topology } from './schema.js';

/** Usable as a BIRD filter name, an FRR route-map name and a GoBGP policy name alike. */
const POLICY_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

/** Check the policies and every reference to one; return the names referenced (built-ins included). */
export function checkPolicies(topo: Topology, ctx: CompileContext): Set<string> {
  const badNames = new Set<string>();
  for (const [name, policy] of Object.entries(topo.policies ?? {})) {
    const path: DataPath = ['policies', name];
    if ((BUILTIN_POLICIES as readonly string[]).includes(name)) {
      badNames.add(name);
      ctx.error('policy-name', `"${name}" is a built-in policy and cannot be redefined`, path, { key: true, hint: '"all" accepts and "none" rejects everything; pick another name' });
    } else if (!POLICY_NAME.test(name)) {
      badNames.add(name);
      ctx.error('policy-name', `policy name "${name}" cannot be used in BIRD, FRR and GoBGP configs`, path, { key: true, hint: 'start with a letter; use letters, digits, "_" and "-" (at most 63)' });
    }
    checkPolicyTerms(policy, path, ctx);
  }
  const defined = Object.keys(topo.policies ?? {}).filter((n) => !(BUILTIN_POLICIES as readonly string[]).includes(n));

  const known = [...defined, ...BUILTIN_POLICIES];
  const referenced = new Set<string>();
  const checkRef = (ref: PolicyRef | undefined, path: DataPath) => {
    if (ref === undefined) return;
    const names = typeof ref === 'string' ? [ref] : ref;
    names.forEach((name, i) => {
      referenced.add(name);
      if (!known.includes(name)) {
        ctx.error('unknown-policy', `unknown policy "${name}"${didYouMean(name, known)}`, typeof ref === 'string' ? path : [...path, i], {
          hint: defined.length > 0 ? `defined policies: ${defined.join(', ')} (and the built-ins all, none)` : 'define it under "policies:", or use the built-ins all / none',
        });
      }
    });
  };
  checkRef(topo.defaults?.import, ['defaults', 'import']);
  checkRef(topo.defaults?.export, ['defaults', 'export']);
  for (const [name, node] of Object.entries(topo.nodes)) {
    checkRef(node?.import, ['nodes', name, 'import']);
    checkRef(node?.export, ['nodes', name, 'export']);
  }
  const sessions = topo.bgp?.sessions;
  if (Array.isArray(sessions)) {
    sessions.forEach((s, i) => {
      if (s === 'auto') return;
      checkRef(s.import, ['bgp', 'sessions', i, 'import']);
      checkRef(s.export, ['bgp', 'sessions', i, 'export']);
      for (const [node, chains] of Object.entries(s.ends ?? {})) {
        checkRef(chains.import, ['bgp', 'sessions', i, 'ends', node, 'import']);
        checkRef(chains.export, ['bgp', 'sessions', i, 'ends', node, 'export']);
      }
    });
  }
  for (const name of defined) {
    if (!referenced.has(name) && !badNames.has(name)) ctx.warn('unused-policy', `policy "${name}" is not used by any node or session`, ['policies', name], { key: true, hint: 'reference it with import: / export:, or remove it' });
  }
  // Policies not named anywhere (defaults and nodes fall back to `all`) still need `all`.
  referenced.add('all');
  return referenced;
}

function checkPolicyTerms(policy: Policy, path: DataPath, ctx: CompileContext): void {
  policy.forEach((term, t) => {
    const match = term.match;
    if (!match) return;
    const mpath = [...path, t, 'match'];
    const prefixes = match.prefix === undefined ? [] : typeof match.prefix === 'string' ? [match.prefix] : match.prefix;
    prefixes.forEach((text, i) => checkPrefixMatch(text, typeof match.prefix === 'string' ? [...mpath, 'prefix'] : [...mpath, 'prefix', i], match.family, ctx));
    const hops = match['next-hop'] === undefined ? [] : typeof match['next-hop'] === 'string' ? [match['next-hop']] : match['next-hop'];
    hops.forEach((text, i) => checkPrefixMatch(text, typeof match['next-hop'] === 'string' ? [...mpath, 'next-hop'] : [...mpath, 'next-hop', i], undefined, ctx));
    const re = match['as-path-regex'];
    if (re !== undefined) {
      const problem = asPathRegexProblem(re);
      if (problem) ctx.error('as-path-regex', `as-path-regex "${re}" is not a valid regular expression: ${problem}`, [...mpath, 'as-path-regex'], { hint: 'ASNs are separated by spaces; "_" matches a boundary, e.g. "^65001_" or "_65002$"' });
    }
    const len = match['as-path-length'];
    if (len?.ge !== undefined && len.le !== undefined && len.ge > len.le) {
      ctx.error('policy-range', `as-path-length ge ${len.ge} is greater than le ${len.le}`, [...mpath, 'as-path-length'], { hint: 'the range would match nothing; swap the bounds' });
    }
  });
}

function checkPrefixMatch(text: string, path: DataPath, family: 'ipv4' | 'ipv6' | undefined, ctx: CompileContext): void {
  const m = parsePrefixMatch(text);
  if (!m) return;
  const normal = checkNetwork(m.prefix, path, ctx);
  if (normal === undefined) return;
  const fam = normal.includes(':') ? 'ipv6' : 'ipv4';
  const max = FAMILY_BITS[fam];
  if (family !== undefined && family !== fam) {
    ctx.error('family-mismatch', `prefix ${m.prefix} is ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} but the term matches family ${family}`, path, { hint: 'the term could never match; fix the prefix or the family' });
  }
  if (m.ge < m.length || m.le > max || m.ge > m.le) {
    ctx.error('policy-range', `"${text}": need ${m.length} <= ge <= le <= ${max}`, path, { hint: `e.g. "${m.prefix} le ${Math.min(max, m.length + 4)}" matches ${m.prefix} and its more-specifics up to /${Math.min(max, m.length + 4)}` });
  }
}

/** The regex as the policy engine compiles it: `_` is a boundary (start, end or the space between ASNs). */
export function asPathRegexSource(re: string): string {
  return re.replace(/_/g, '(?:^|$| )');
}

function asPathRegexProblem(re: string): string | undefined {
  try {
    new RegExp(asPathRegexSource(re));
    return undefined;
  } catch (err) {
    const msg = (err as Error).message;
    const i = msg.lastIndexOf(': ');
    return i >= 0 ? msg.slice(i + 2) : msg;
  }
}
