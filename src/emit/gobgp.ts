/**
 * GoBGP 3.10 `gobgpd.toml` from a lab node, plus `gobgp-originate.sh` for the originated
 * prefixes (gobgpd.toml has no static routes; the kind runs the script after gobgpd starts).
 *
 * Policy translation (docs/policy.md): GoBGP's own semantics match the model's: a statement
 * with accept-route / reject-route ends evaluation, a statement without a disposition lets the
 * route continue (our `next`, and falling off a policy), and default-import/export-policy
 * reject-route is the chain's implicit reject.
 *
 * Outside route-server mode GoBGP applies only the *global* import and export policy lists
 * (GoBGP's policy.md: neighbour apply-policy is for route-server clients), so each session's
 * chain is a copy of its policies whose every statement also matches a neighbor-set holding
 * just that peer (the route's source on import, its destination on export), and the global
 * lists are those chains one after another. A route from (or to) one peer meets only that
 * peer's statements and falls off the end into the default reject, as the model says.
 */
import type { ConfigWriter, ConfigFile } from './config-file.js';
import type { AddressFamily, Lab, LabNode } from '../topology/lab.js';
import type { PolicySet, PolicyTerm } from '../bgp/policy/model.js';
import {
  ConfigWriterError,
  PolicyTranslationError,
  addressFamilyOf,
  asPathRegexes,
  listOf,
  nativeLengthBound,
  communityMatches,
  largeMatches,
  parseCommunityPattern,
  parseLargeCommunityPattern,
  parsePrefixMatches,
  policiesUsedBy,
  prependOf,
  resolvePolicy,
  sessionsOf,
  termFamilies,
} from './policy-terms.js';

const NEXT_HOP_SELF_POLICY = 'flatlab-next-hop-self';
const END_OF_CHAIN_POLICY = 'flatlab-end-of-chain';
const AFI_SAFI: Record<AddressFamily, string> = { ipv4: 'ipv4-unicast', ipv6: 'ipv6-unicast' };

export const gobgpConfig: ConfigWriter = (lab, node) => {
  const files: ConfigFile[] = [{ path: 'gobgpd.toml', content: gobgpdToml(lab, node) }];
  const originate = node.bgp?.originate ?? [];
  if (originate.length > 0) files.push({ path: 'gobgp-originate.sh', content: originateScript(node, originate), mode: 0o755 });
  return files;
};

const q = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;

interface Sets {
  prefix: string[];
  community: string[];
  large: string[];
  asPath: string[];
}

type Where = ConstructorParameters<typeof PolicyTranslationError>[0];

function gobgpdToml(lab: Lab, node: LabNode): string {
  const bgp = node.bgp;
  if (!bgp) throw new ConfigWriterError('GoBGP', node.name, 'the node has no BGP settings (asn, router id)', 'give the node an asn');
  const sessions = sessionsOf(lab, node);
  const out: string[] = [
    `# GoBGP configuration for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.`,
    '[global.config]',
    `  as = ${bgp.asn}`,
    `  router-id = ${q(bgp.routerId)}`,
    '  port = 179',
    '',
  ];
  const sets: Sets = { prefix: [], community: [], large: [], asPath: [] };
  const templates = new Map<string, string[]>();
  for (const name of policiesUsedBy(sessions)) templates.set(policyName(name), policyDefinition(lab, node, name, sets));
  // GoBGP has no per-neighbor next-hop-self knob; a statement without disposition sets it and lets the chain continue.
  templates.set(NEXT_HOP_SELF_POLICY, ['[[policy-definitions]]', `  name = ${q(NEXT_HOP_SELF_POLICY)}`, '  [[policy-definitions.statements]]', '    name = "next-hop-self"', '    [policy-definitions.statements.actions.bgp-actions]', '      set-next-hop = "self"', '']);
  templates.set(END_OF_CHAIN_POLICY, ['[[policy-definitions]]', `  name = ${q(END_OF_CHAIN_POLICY)}`, '  [[policy-definitions.statements]]', '    name = "reject"', '    [policy-definitions.statements.actions]', '      route-disposition = "reject-route"', '']);
  const neighborSets: string[] = [];
  const definitions: string[] = [];
  const importList: string[] = [];
  const exportList: string[] = [];
  for (const s of sessions) {
    const ns = `peer-${setName(s.remoteAddress)}`;
    neighborSets.push('[[defined-sets.neighbor-sets]]', `  neighbor-set-name = ${q(ns)}`, `  neighbor-info-list = [${q(s.remoteAddress)}]`, '');
    // The chain's implicit reject, for this peer only: the global default must let the node's own routes in.
    const imports = [...s.local.import.map(policyName), END_OF_CHAIN_POLICY];
    const exports = [...(s.local.nextHopSelf ? [NEXT_HOP_SELF_POLICY] : []), ...s.local.export.map(policyName)];
    for (const name of new Set([...imports, ...exports])) definitions.push(...scopedToPeer(templates.get(name)!, `${name}@${ns}`, ns));
    importList.push(...imports.map((n) => `${n}@${ns}`));
    exportList.push(...exports.map((n) => `${n}@${ns}`));
  }
  out.push(
    '[global.apply-policy.config]',
    `  import-policy-list = ${list(importList)}`,
    // Every peer's chain ends in its own reject; what reaches the default is this node's own routes
    // (gobgp global rib add goes through the global import policy too).
    '  default-import-policy = "accept-route"',
    `  export-policy-list = ${list(exportList)}`,
    '  default-export-policy = "reject-route"',
    '',
  );
  out.push(...sets.prefix, ...sets.community, ...sets.large, ...sets.asPath, ...neighborSets, ...definitions);
  for (const s of sessions) {
    out.push('[[neighbors]]', '  [neighbors.config]', `    neighbor-address = ${q(s.remoteAddress)}`, `    peer-as = ${s.remote.asn}`, `    description = ${q(`${s.type} to ${s.remote.node}`)}`);
    out.push('  [neighbors.transport.config]', `    local-address = ${q(s.localAddress)}`);
    if (s.loopback && s.type === 'ebgp') out.push('  [neighbors.ebgp-multihop.config]', '    enabled = true', '    multihop-ttl = 2');
    if (s.reflectsToPeer) {
      if (s.type !== 'ibgp') throw new ConfigWriterError('GoBGP', node.name, `session to ${s.remote.node} is eBGP but marked route-reflector client`, 'route reflection (RFC 4456) applies to iBGP sessions only');
      out.push('  [neighbors.route-reflector.config]', '    route-reflector-client = true', `    route-reflector-cluster-id = ${q(bgp.clusterId ?? bgp.routerId)}`);
    }
    out.push(
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      `      afi-safi-name = ${q(AFI_SAFI[s.family])}`,
      '',
    );
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** A copy of a policy definition named `name` whose statements also require the neighbor-set `ns`. */
function scopedToPeer(template: readonly string[], name: string, ns: string): string[] {
  const out: string[] = [];
  for (const line of template) {
    if (line.startsWith('  name = ')) out.push(`  name = ${q(name)}`);
    else if (line.startsWith('    name = "')) {
      // A statement: its name made unique per peer, and the peer's neighbor-set added to its conditions.
      out.push(`${line.slice(0, -1)}@${ns}"`, '    [policy-definitions.statements.conditions.match-neighbor-set]', `      neighbor-set = ${q(ns)}`, '      match-set-options = "any"');
    } else out.push(line);
  }
  return out;
}

function policyName(name: string): string {
  return `policy-${name}`;
}

function setName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function policyDefinition(lab: Lab, node: LabNode, name: string, sets: Sets): string[] {
  const out = ['[[policy-definitions]]', `  name = ${q(policyName(name))}`];
  resolvePolicy(lab, node, name).forEach((term, i) => {
    const where: Where = { daemon: 'GoBGP', node: node.name, policy: name, term: i, ...(term.name ? { termName: term.name } : {}) };
    const base = setName(`${name}-${i + 1}`);
    const m = term.match ?? {};
    const families: Array<AddressFamily | undefined> = m.prefix !== undefined ? termFamilies(m) : [undefined];
    if (families.length === 0) return; // the term's family and prefixes exclude each other: it never matches
    for (const family of families) {
      const stmt = family && families.length > 1 ? `${base}-${family}` : base;
      out.push('  [[policy-definitions.statements]]', `    name = ${q(stmt)}`, ...conditionLines(term, family, base, sets, where), ...actionLines(term, node.bgp?.asn ?? 0, where));
    }
  });
  out.push('');
  return out;
}

function conditionLines(term: PolicyTerm, family: AddressFamily | undefined, base: string, sets: Sets, where: Where): string[] {
  const m = term.match ?? {};
  const out: string[] = [];
  if (m.prefix !== undefined && family) {
    const name = `${base}-prefix-${family}`;
    sets.prefix.push('[[defined-sets.prefix-sets]]', `  prefix-set-name = ${q(name)}`);
    for (const p of parsePrefixMatches(listOf(m.prefix)).filter((x) => x.family === family)) {
      sets.prefix.push('  [[defined-sets.prefix-sets.prefix-list]]', `    ip-prefix = ${q(p.prefix)}`);
      if (!p.exact) sets.prefix.push(`    masklength-range = ${q(`${p.ge}..${p.le}`)}`);
    }
    sets.prefix.push('');
    out.push('    [policy-definitions.statements.conditions.match-prefix-set]', `      prefix-set = ${q(name)}`, '      match-set-options = "any"');
  }
  const bgp: string[] = [];
  if (m.community !== undefined) {
    const name = `${base}-community`;
    sets.community.push('[[defined-sets.bgp-defined-sets.community-sets]]', `  community-set-name = ${q(name)}`, `  community-list = ${list(listOf(m.community).map(communityRegex))}`, '');
    bgp.push('      [policy-definitions.statements.conditions.bgp-conditions.match-community-set]', `        community-set = ${q(name)}`, '        match-set-options = "any"');
  }
  if (m['large-community'] !== undefined) {
    const name = `${base}-large-community`;
    sets.large.push('[[defined-sets.bgp-defined-sets.large-community-sets]]', `  large-community-set-name = ${q(name)}`, `  large-community-list = ${list(listOf(m['large-community']).map(largeRegex))}`, '');
    bgp.push('      [policy-definitions.statements.conditions.bgp-conditions.match-large-community-set]', `        large-community-set = ${q(name)}`, '        match-set-options = "any"');
  }
  const paths = asPathRegexes(m, { nativeLength: true });
  if (paths.length > 1) {
    throw new PolicyTranslationError(where, `${paths.map((p) => p.condition).join(', ')} in one term (a GoBGP statement matches one as-path set)`, 'keep one AS-path condition per term (neighbor-as with origin-as, and a one-sided as-path-length, combine with it), or write one as-path-regex');
  }
  for (const p of paths) {
    const name = `${base}-as-path`;
    sets.asPath.push('[[defined-sets.bgp-defined-sets.as-path-sets]]', `  as-path-set-name = ${q(name)}`, `  as-path-list = ${list([p.regex])}`, '');
    bgp.push('      [policy-definitions.statements.conditions.bgp-conditions.match-as-path-set]', `        as-path-set = ${q(name)}`, '        match-set-options = "any"');
  }
  const len = m['as-path-length'] ? nativeLengthBound(m['as-path-length']) : undefined;
  if (len) bgp.push('      [policy-definitions.statements.conditions.bgp-conditions.as-path-length]', `        operator = ${q(len.operator)}`, `        value = ${len.value}`);
  // gobgpd 3.10 reads origin-eq from the file but has no origin condition behind it (the
  // statement would match every route), so say so instead of writing it.
  if (m.origin) throw new PolicyTranslationError(where, `origin: ${m.origin} (GoBGP 3.10 has no origin condition)`, 'match on something GoBGP can see (communities set where the route enters), or move this node to bird, frr or flatlab-bgpd');
  const bgpPlain: string[] = [];
  if (m.family && !(m.prefix !== undefined && family)) bgpPlain.push(`afi-safi-in-list = ${list([AFI_SAFI[m.family]])}`);
  if (m['next-hop'] !== undefined) bgpPlain.push(`next-hop-in-list = ${list(parsePrefixMatches(listOf(m['next-hop'])).map((p) => p.prefix))}`);
  if (bgpPlain.length > 0 || bgp.length > 0) out.push('    [policy-definitions.statements.conditions.bgp-conditions]', ...bgpPlain.map((l) => `      ${l}`), ...bgp);
  return out;
}

/** GoBGP matches community sets as regular expressions over `ASN:VALUE`. */
function communityRegex(t: string): string {
  const p = parseCommunityPattern(t);
  return `^${p.asn ?? '[0-9]+'}:${p.value ?? '[0-9]+'}$`;
}

function communityValue(t: string): string {
  const p = parseCommunityPattern(t);
  return `${p.asn}:${p.value}`;
}

function largeRegex(t: string): string {
  return `^${parseLargeCommunityPattern(t).map((x) => x ?? '[0-9]+').join(':')}$`;
}

function actionLines(term: PolicyTerm, ownAsn: number, where: Where): string[] {
  const out = ['    [policy-definitions.statements.actions]'];
  if (term.action !== 'next') out.push(`      route-disposition = ${q(term.action === 'accept' ? 'accept-route' : 'reject-route')}`);
  if (term.action !== 'reject' && term.set) out.push(...bgpActions(term.set, ownAsn, where));
  return out;
}

function bgpActions(s: PolicySet, ownAsn: number, where: Where): string[] {
  const plain: string[] = [];
  const tables: string[] = [];
  const t = '      [policy-definitions.statements.actions.bgp-actions';
  if (s['local-pref'] !== undefined) plain.push(`set-local-pref = ${s['local-pref']}`);
  if (s.med !== undefined) plain.push(`set-med = ${q(String(s.med))}`);
  // As with the condition: set-route-origin parses but does nothing in gobgpd 3.10.
  if (s.origin) throw new PolicyTranslationError(where, `set origin: ${s.origin} (GoBGP 3.10 has no origin action)`, 'set the origin on a router of another kind, or drop it for this node');
  if (s['next-hop'] !== undefined) plain.push(`set-next-hop = ${q(s['next-hop'])}`);
  const prepend = prependOf(s.prepend, ownAsn);
  if (prepend) tables.push(`${t}.set-as-path-prepend]`, `        as = ${q(String(prepend.asn))}`, `        repeat-n = ${prepend.count}`);
  tables.push(...communityAction('set-community', 'set-community-method', s['community-set'], listOf(s['community-remove']), listOf(s['community-add']), communityValue, communityRegex, communityMatches, where));
  tables.push(...communityAction('set-large-community', 'set-large-community-method', s['large-community-set'], listOf(s['large-community-remove']), listOf(s['large-community-add']), (x) => x, largeRegex, largeMatches, where));
  if (plain.length === 0 && tables.length === 0) return [];
  return [`${t}]`, ...plain.map((l) => `        ${l}`), ...tables];
}

/**
 * GoBGP takes one community action per statement (add, remove or replace). A replace folds in
 * the term's removals and additions (the model's replace → remove → add order, computed here);
 * remove together with add cannot be one action, so it is reported.
 */
function communityAction(
  key: string,
  method: string,
  replace: string[] | undefined,
  remove: string[],
  add: string[],
  value: (t: string) => string,
  regex: (t: string) => string,
  matches: (pattern: string, v: string) => boolean,
  where: Where,
): string[] {
  const head = (options: string, items: string[]): string[] => [
    `      [policy-definitions.statements.actions.bgp-actions.${key}]`,
    `        options = ${q(options)}`,
    `        [policy-definitions.statements.actions.bgp-actions.${key}.${method}]`,
    `          communities-list = ${list(items)}`,
  ];
  if (replace !== undefined) {
    const kept = [...new Set([...replace.filter((c) => !remove.some((r) => matches(r, c))), ...add])];
    return kept.length > 0 ? head('replace', kept.map(value)) : head('remove', ['.*']);
  }
  if (remove.length > 0 && add.length > 0) {
    throw new PolicyTranslationError(where, `a term that both removes and adds ${key.replace('set-', '')} values (one ${key} action per GoBGP statement)`, 'put the removal in a term with action next and the addition in the following term, or replace the whole list with community-set');
  }
  if (remove.length > 0) return head('remove', remove.map(regex));
  if (add.length > 0) return head('add', add.map(value));
  return [];
}


function originateScript(node: LabNode, prefixes: string[]): string {
  return [
    '#!/bin/sh',
    `# Prefixes node ${node.name} originates, added through gobgpd's API once it answers (gobgpd.toml has no static routes).`,
    '# Written by flatlab generate.',
    'set -e',
    'tries=0',
    'until gobgp global >/dev/null 2>&1; do',
    '  tries=$((tries + 1))',
    '  if [ "$tries" -ge 30 ]; then echo "gobgpd API not answering after 30 s" >&2; exit 1; fi',
    '  sleep 1',
    'done',
    ...prefixes.map((p) => `gobgp global rib -a ${addressFamilyOf(p) === 'ipv4' ? 'ipv4' : 'ipv6'} add ${p}`),
    '',
  ].join('\n');
}
