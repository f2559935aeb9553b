/**
 * BIRD 2 (2.0.12) `bird.conf` from a lab node: device/direct/kernel protocols, static routes,
 * originated prefixes, one `protocol bgp` per session, and the node's policies as BIRD
 * functions called in order by one filter per session and direction.
 *
 * Policy translation (docs/policy.md): each policy becomes `function policy_NAME(ip self_addr)`
 * returning FLATLAB_ACCEPT, FLATLAB_REJECT or FLATLAB_NEXT (fell off the end); a session's
 * filter calls the chain's functions in order and rejects when all of them fall off, which is
 * the model's implicit deny. BIRD functions act on the route being filtered, so `set` actions
 * inside a policy function change the route the filter accepts.
 */
import type { ConfigWriter } from './config-file.js';
import type { Lab, LabNode } from '../topology/lab.js';
import type { PolicyMatch, PolicySet, PolicyTerm } from '../bgp/policy/model.js';
import {
  ConfigWriterError,
  PolicyTranslationError,
  identifier,
  listOf,
  parseCommunityPattern,
  parseLargeCommunityPattern,
  parsePrefixMatches,
  policiesUsedBy,
  prependOf,
  resolvePolicy,
  sessionsOf,
  type FamilyPrefix,
  type NodeSession,
} from './policy-terms.js';

const ORIGIN: Record<'igp' | 'egp' | 'incomplete', string> = { igp: 'ORIGIN_IGP', egp: 'ORIGIN_EGP', incomplete: 'ORIGIN_INCOMPLETE' };

export const birdConfig: ConfigWriter = (lab, node) => [{ path: 'bird.conf', content: birdConf(lab, node) }];

function birdConf(lab: Lab, node: LabNode): string {
  const bgp = node.bgp;
  const routerId = bgp?.routerId ?? node.loopback.ipv4?.split('/')[0];
  if (!routerId) throw new ConfigWriterError('BIRD', node.name, 'no router id: the node has neither bgp.routerId nor an IPv4 loopback', 'give the node an IPv4 loopback or a router-id');
  const sessions = sessionsOf(lab, node);
  const out: string[] = [
    `# BIRD 2 configuration for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.`,
    `log stderr all;`,
    `router id ${routerId};`,
    '',
    '# Verdicts returned by the policy functions below.',
    'define FLATLAB_NEXT = 0;',
    'define FLATLAB_ACCEPT = 1;',
    'define FLATLAB_REJECT = 2;',
    '',
    'protocol device {',
    '}',
    '',
    '# The loopback addresses, so iBGP next hops on loopbacks resolve.',
    'protocol direct {',
    '  ipv4;',
    '  ipv6;',
    '  interface "lo";',
    '}',
    '',
    '# Best routes go to the kernel so a netns or container lab forwards along them; interface routes are the kernel\'s own.',
    ...(['ipv4', 'ipv6'] as const).flatMap((f) => [
      `protocol kernel kernel${f === 'ipv4' ? 4 : 6} {`,
      `  ${f} {`,
      '    import none;',
      '    export where source != RTS_DEVICE;',
      '  };',
      '}',
      '',
    ]),
  ];
  out.push(...staticProtocols(node));
  if (bgp) {
    const used = policiesUsedBy(sessions);
    for (const name of used) out.push(...policyFunction(lab, node, name), '');
    for (const s of sessions) out.push(...sessionBlocks(node, s), '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function staticProtocols(node: LabNode): string[] {
  const out: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const suffix = family === 'ipv4' ? 4 : 6;
    const routes = node.routes.filter((r) => r.prefix.includes(':') === (family === 'ipv6'));
    if (routes.length > 0) {
      out.push(`# Static routes from the lab (loopback reachability inside the AS, and the topology's own).`, `protocol static routes${suffix} {`, `  ${family};`);
      // BIRD 2.0.12 takes the interface as `via ADDR%IFACE`; it rejects `via ADDR dev "IFACE"`.
      for (const r of routes) out.push(`  route ${r.prefix} via ${r.via}${r.interface ? `%${r.interface}` : ''};`);
      out.push('}', '');
    }
    const originate = (node.bgp?.originate ?? []).filter((p) => p.includes(':') === (family === 'ipv6'));
    if (originate.length > 0) {
      // Blackhole routes make the prefixes exist in BIRD's table so BGP can export them; for a
      // route without a usable gateway BIRD announces its own session address as next hop.
      out.push(`# Prefixes this node originates.`, `protocol static originate${suffix} {`, `  ${family};`);
      for (const p of originate) out.push(`  route ${p} blackhole;`);
      out.push('}', '');
    }
  }
  return out;
}

export function birdProtocolName(s: NodeSession): string {
  return identifier(`bgp_${s.remote.node}_${s.family}`);
}

function sessionBlocks(node: LabNode, s: NodeSession): string[] {
  const name = birdProtocolName(s);
  const out: string[] = [];
  out.push(...chainFilter(`${name}_import`, s.local.import, s, 'import'), '');
  out.push(...chainFilter(`${name}_export`, s.local.export, s, 'export'), '');
  out.push(`protocol bgp ${name} {`);
  out.push(`  description "${s.type} ${node.name} -> ${s.remote.node} (${s.family}${s.loopback ? ', loopbacks' : ''})";`);
  out.push(`  local ${s.localAddress} as ${s.local.asn};`);
  out.push(`  neighbor ${s.remoteAddress} as ${s.remote.asn};`);
  if (s.loopback) out.push('  multihop;');
  if (s.reflectsToPeer) {
    if (s.type !== 'ibgp') throw new ConfigWriterError('BIRD', node.name, `session to ${s.remote.node} is eBGP but marked route-reflector client`, 'route reflection (RFC 4456) applies to iBGP sessions only');
    out.push('  rr client;');
    if (node.bgp?.clusterId) out.push(`  rr cluster id ${node.bgp.clusterId};`);
  }
  out.push(`  ${s.family} {`);
  if (s.local.nextHopSelf) out.push('    next hop self;');
  out.push(`    import filter ${name}_import;`, `    export filter ${name}_export;`, '  };', '}');
  return out;
}

function chainFilter(name: string, chain: readonly string[], s: NodeSession, direction: 'import' | 'export'): string[] {
  const out = [`filter ${name}`, 'int verdict;', '{'];
  if (direction === 'export') {
    // Only BGP routes and this node's originated prefixes leave over BGP: interface, loopback
    // and static routes stay local, as FRR does without `redistribute`.
    out.push('  if source != RTS_BGP && proto != "originate4" && proto != "originate6" then reject;');
  }
  for (const policy of chain) {
    out.push(`  verdict = ${policyFunctionName(policy)}(${s.localAddress});`);
    out.push('  if verdict = FLATLAB_ACCEPT then accept;', '  if verdict = FLATLAB_REJECT then reject;');
  }
  out.push(`  # Fell off the ${direction} chain: implicit reject.`, '  reject;', '}');
  return out;
}

function policyFunctionName(policy: string): string {
  return `policy_${identifier(policy)}`;
}

function policyFunction(lab: Lab, node: LabNode, name: string): string[] {
  const policy = resolvePolicy(lab, node, name);
  const out = [`# policy ${name}`, `function ${policyFunctionName(name)}(ip self_addr)`, '{'];
  policy.forEach((term, i) => {
    const where = { daemon: 'BIRD', node: node.name, policy: name, term: i, ...(term.name ? { termName: term.name } : {}) };
    out.push(...termLines(term, node.bgp?.asn ?? 0, where).map((l) => `  ${l}`));
  });
  const last = policy[policy.length - 1];
  const endsDecided = last !== undefined && last.match === undefined && last.action !== 'next';
  if (!endsDecided) out.push('  return FLATLAB_NEXT;');
  out.push('}');
  return out;
}

type Where = ConstructorParameters<typeof PolicyTranslationError>[0];

function termLines(term: PolicyTerm, ownAsn: number, where: Where): string[] {
  const conditions = term.match ? birdConditions(term.match, where) : [];
  const body = [...(term.set ? birdSets(term.set, ownAsn) : [])];
  if (term.action === 'accept') body.push('return FLATLAB_ACCEPT;');
  if (term.action === 'reject') body.push('return FLATLAB_REJECT;');
  const label = `# term ${(where.term ?? 0) + 1}${term.name ? ` ${term.name}` : ''}: ${term.action}`;
  if (conditions.length === 0) return [label, ...body];
  return [label, `if ${conditions.join(' && ')} then {`, ...body.map((l) => `  ${l}`), '}'];
}

/** Each element is one parenthesised condition; the term matches when all hold. */
export function birdConditions(m: PolicyMatch, where: Where): string[] {
  const c: string[] = [];
  if (m['as-path-regex'] !== undefined) {
    throw new PolicyTranslationError(where, `as-path-regex "${m['as-path-regex']}" (BIRD path masks are not regular expressions)`, 'use as-path-contains, origin-as, neighbor-as or as-path-length, which every daemon can express');
  }
  if (m.family) c.push(`(net.type = ${m.family === 'ipv4' ? 'NET_IP4' : 'NET_IP6'})`);
  if (m.prefix !== undefined) c.push(prefixCondition(parsePrefixMatches(listOf(m.prefix))));
  if (m.community !== undefined) {
    const items = listOf(m.community).map((t) => {
      const p = parseCommunityPattern(t);
      return `(${p.asn ?? '*'},${p.value ?? '*'})`;
    });
    c.push(`(bgp_community ~ [${items.join(', ')}])`);
  }
  if (m['large-community'] !== undefined) {
    const items = listOf(m['large-community']).map((t) => `(${parseLargeCommunityPattern(t).map((x) => x ?? '*').join(',')})`);
    c.push(`(bgp_large_community ~ [${items.join(', ')}])`);
  }
  if (m['as-path-contains'] !== undefined) c.push(`(${listOf(m['as-path-contains']).map((a) => `bgp_path ~ [= * ${a} * =]`).join(' || ')})`);
  if (m['origin-as'] !== undefined) c.push(`(bgp_path.last ~ [${listOf(m['origin-as']).join(', ')}])`);
  if (m['neighbor-as'] !== undefined) c.push(`(bgp_path.first ~ [${listOf(m['neighbor-as']).join(', ')}])`);
  const len = m['as-path-length'];
  if (len?.ge !== undefined) c.push(`(bgp_path.len >= ${len.ge})`);
  if (len?.le !== undefined) c.push(`(bgp_path.len <= ${len.le})`);
  if (m.origin) c.push(`(bgp_origin = ${ORIGIN[m.origin]})`);
  if (m['next-hop'] !== undefined) {
    // A next-hop match is containment in the prefix; the family test keeps BIRD from comparing an IPv6 address with an IPv4 prefix.
    const alts = parsePrefixMatches(listOf(m['next-hop'])).map((p) => `(${p.family === 'ipv4' ? '' : '!'}bgp_next_hop.is_v4 && bgp_next_hop ~ ${p.prefix})`);
    c.push(`(${alts.join(' || ')})`);
  }
  return c;
}

function prefixCondition(prefixes: FamilyPrefix[]): string {
  const alts: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const mine = prefixes.filter((p) => p.family === family);
    if (mine.length === 0) continue;
    const items = mine.map((p) => (p.exact ? p.prefix : `${p.prefix}{${p.ge},${p.le}}`));
    alts.push(`(net.type = ${family === 'ipv4' ? 'NET_IP4' : 'NET_IP6'} && net ~ [ ${items.join(', ')} ])`);
  }
  return alts.length === 1 ? alts[0]! : `(${alts.join(' || ')})`;
}

/** Set actions in the model's order: replace, remove, add for each community kind. */
export function birdSets(s: PolicySet, ownAsn: number): string[] {
  const out: string[] = [];
  if (s['local-pref'] !== undefined) out.push(`bgp_local_pref = ${s['local-pref']};`);
  if (s.med !== undefined) out.push(`bgp_med = ${s.med};`);
  if (s.origin) out.push(`bgp_origin = ${ORIGIN[s.origin]};`);
  if (s['next-hop'] !== undefined) out.push(`bgp_next_hop = ${s['next-hop'] === 'self' ? 'self_addr' : s['next-hop']};`);
  const prepend = prependOf(s.prepend, ownAsn);
  if (prepend) for (let i = 0; i < prepend.count; i++) out.push(`bgp_path.prepend(${prepend.asn});`);
  const pair = (t: string): string => {
    const p = parseCommunityPattern(t);
    return `(${p.asn ?? '*'},${p.value ?? '*'})`;
  };
  const triple = (t: string): string => `(${parseLargeCommunityPattern(t).map((x) => x ?? '*').join(',')})`;
  if (s['community-set'] !== undefined) {
    out.push('bgp_community = -empty-;');
    for (const c of s['community-set']) out.push(`bgp_community.add(${pair(c)});`);
  }
  if (s['community-remove'] !== undefined) out.push(`bgp_community.delete([${listOf(s['community-remove']).map(pair).join(', ')}]);`);
  for (const c of listOf(s['community-add'])) out.push(`bgp_community.add(${pair(c)});`);
  if (s['large-community-set'] !== undefined) {
    out.push('bgp_large_community = ---empty---;');
    for (const c of s['large-community-set']) out.push(`bgp_large_community.add(${triple(c)});`);
  }
  if (s['large-community-remove'] !== undefined) out.push(`bgp_large_community.delete([${listOf(s['large-community-remove']).map(triple).join(', ')}]);`);
  for (const c of listOf(s['large-community-add'])) out.push(`bgp_large_community.add(${triple(c)});`);
  return out;
}

