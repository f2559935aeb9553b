/**
 * FRR 8.4 configuration from a lab node: an integrated `frr.conf` (static routes, prefix and
 * community lists, route-maps, `router bgp`), the `daemons` file and `vtysh.conf`.
 *
 * Policy translation (docs/policy.md): one route-map per session and direction holds the
 * chain's terms in order. `accept` is a permit entry (FRR stops at the first permit), `reject`
 * a deny entry, `next` a permit entry with `on-match next`; a final deny entry makes falling
 * off the chain a reject whatever `on-match next` did before it. Every neighbor gets a
 * route-map in both directions, which also satisfies RFC 8212 (`bgp ebgp-requires-policy`).
 */
import type { ConfigWriter } from './config-file.js';
import type { AddressFamily, Lab, LabNode } from '../topology/lab.js';
import type { PolicyMatch, PolicySet, PolicyTerm } from '../bgp/policy/model.js';
import {
  ConfigWriterError,
  addressFamilyOf,
  asPathRegexes,
  isWildcardCommunity,
  isWildcardLarge,
  listOf,
  communityMatches,
  largeMatches,
  parseCommunityPattern,
  parseLargeCommunityPattern,
  parsePrefixMatches,
  prependOf,
  resolvePolicy,
  sessionsOf,
  termFamilies,
  type NodeSession,
} from './policy-terms.js';

export const frrConfig: ConfigWriter = (lab, node) => [
  { path: 'frr.conf', content: frrConf(lab, node) },
  { path: 'daemons', content: DAEMONS },
  { path: 'vtysh.conf', content: 'service integrated-vtysh-config\n' },
];

// zebra and staticd carry the static and Null0 routes; bgpd the sessions. watchfrr (frrinit.sh) reads this file.
const DAEMONS = [
  '# FRR daemons for a flatlab node, written by flatlab generate.',
  'zebra=yes',
  'bgpd=yes',
  'staticd=yes',
  'ospfd=no',
  'ospf6d=no',
  'ripd=no',
  'ripngd=no',
  'isisd=no',
  'pimd=no',
  'ldpd=no',
  'nhrpd=no',
  'eigrpd=no',
  'babeld=no',
  'sharpd=no',
  'pbrd=no',
  'bfdd=no',
  'fabricd=no',
  'vrrpd=no',
  'pathd=no',
  'vtysh_enable=yes',
  'zebra_options="  -A 127.0.0.1 -s 90000000"',
  'bgpd_options="   -A 127.0.0.1"',
  'staticd_options="-A 127.0.0.1"',
  '',
].join('\n');

/** Lists shared by the route-maps of one node, keyed by name so each is written once. */
class ListBook {
  private readonly lists = new Map<string, string[]>();
  add(name: string, lines: string[]): string {
    if (!this.lists.has(name)) this.lists.set(name, lines);
    return name;
  }
  lines(): string[] {
    return [...this.lists.values()].flatMap((l) => [...l, '!']);
  }
}

function frrConf(lab: Lab, node: LabNode): string {
  const out: string[] = [
    `! FRR configuration for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.`,
    'frr version 8.4',
    'frr defaults traditional',
    `hostname ${node.name}`,
    'log stdout informational',
    'service integrated-vtysh-config',
    '!',
  ];
  for (const r of node.routes) out.push(`${r.prefix.includes(':') ? 'ipv6' : 'ip'} route ${r.prefix} ${r.via}${r.interface ? ` ${r.interface}` : ''}`);
  // Null0 routes put the originated prefixes in the RIB, which `network` needs (BGP import-check).
  for (const p of node.bgp?.originate ?? []) out.push(`${p.includes(':') ? 'ipv6' : 'ip'} route ${p} Null0`);
  out.push('!');
  const bgp = node.bgp;
  if (!bgp) return finish(out);
  const sessions = sessionsOf(lab, node);
  const lists = new ListBook();
  const maps: string[] = [];
  for (const s of sessions) {
    maps.push(...routeMap(lab, node, s, 'in', lists), ...routeMap(lab, node, s, 'out', lists));
  }
  out.push(...lists.lines(), ...maps);
  out.push(`router bgp ${bgp.asn}`, ` bgp router-id ${bgp.routerId}`, ' no bgp default ipv4-unicast');
  if (bgp.clusterId && sessions.some((s) => s.reflectsToPeer)) out.push(` bgp cluster-id ${bgp.clusterId}`);
  for (const s of sessions) {
    out.push(` neighbor ${s.remoteAddress} remote-as ${s.remote.asn}`);
    out.push(` neighbor ${s.remoteAddress} description ${s.type} to ${s.remote.node}`);
    if (s.loopback) out.push(` neighbor ${s.remoteAddress} update-source ${s.localAddress}`);
    if (s.loopback && s.type === 'ebgp') out.push(` neighbor ${s.remoteAddress} ebgp-multihop 2`);
  }
  for (const family of ['ipv4', 'ipv6'] as const) {
    const mine = sessions.filter((s) => s.family === family);
    const networks = bgp.originate.filter((p) => addressFamilyOf(p) === family);
    if (mine.length === 0 && networks.length === 0) continue;
    out.push(' !', ` address-family ${family} unicast`);
    for (const p of networks) out.push(`  network ${p}`);
    // FRR takes minutes for the times (bgp_damp.c); the topology keeps them whole minutes.
    if (bgp.damping) out.push(`  bgp dampening ${bgp.damping.halfLife / 60} ${bgp.damping.reuse} ${bgp.damping.suppress} ${bgp.damping.maxSuppress / 60}`);
    for (const s of mine) {
      const n = s.remoteAddress;
      out.push(`  neighbor ${n} activate`);
      if (s.reflectsToPeer) {
        if (s.type !== 'ibgp') throw new ConfigWriterError('FRR', node.name, `session to ${s.remote.node} is eBGP but marked route-reflector client`, 'route reflection (RFC 4456) applies to iBGP sessions only');
        out.push(`  neighbor ${n} route-reflector-client`);
      }
      if (s.local.nextHopSelf) out.push(`  neighbor ${n} next-hop-self`);
      out.push(`  neighbor ${n} route-map ${routeMapName(s, 'in')} in`, `  neighbor ${n} route-map ${routeMapName(s, 'out')} out`);
    }
    out.push(' exit-address-family');
  }
  out.push('exit', '!');
  return finish(out);
}

function finish(lines: string[]): string {
  return `${[...lines, 'end'].join('\n')}\n`;
}

function frrName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function routeMapName(s: NodeSession, direction: 'in' | 'out'): string {
  return frrName(`${s.remote.node}-${s.family}-${direction}`);
}

function routeMap(lab: Lab, node: LabNode, s: NodeSession, direction: 'in' | 'out', lists: ListBook): string[] {
  const name = routeMapName(s, direction);
  const chain = direction === 'in' ? s.local.import : s.local.export;
  const out: string[] = [];
  let seq = 10;
  for (const policy of chain) {
    resolvePolicy(lab, node, policy).forEach((term, i) => {
      const label = `policy ${policy} term ${i + 1}${term.name ? ` ${term.name}` : ''}`;
      const base = frrName(`${policy}-${i + 1}`);
      const entries = termEntries(term, s.family, node.bgp?.asn ?? 0, base, lists);
      if (entries.length === 0) {
        out.push(`! ${label}: cannot match ${s.family} routes, left out`);
        return;
      }
      // An entry matches one as-path list; each further AS-path condition becomes a guard entry
      // that jumps past the term's entries when the route fails it (a list that denies the regex).
      const guards = asPathRegexes(term.match ?? {}, { nativeLength: false }).slice(1);
      const after = seq + 10 * (guards.length + entries.length);
      guards.forEach((g, k) => {
        const list = lists.add(`${base}-not-as-path-${k + 2}`, [`bgp as-path access-list ${base}-not-as-path-${k + 2} seq 5 deny ${g.regex}`, `bgp as-path access-list ${base}-not-as-path-${k + 2} seq 10 permit .*`]);
        out.push(`route-map ${name} permit ${seq}`, ` description ${label}: skip unless ${g.condition}`, ` match as-path ${list}`, ` on-match goto ${after}`, '!');
        seq += 10;
      });
      for (const e of entries) {
        out.push(`route-map ${name} ${term.action === 'reject' ? 'deny' : 'permit'} ${seq}`, ` description ${label}`, ...e.map((l) => ` ${l}`), '!');
        seq += 10;
      }
    });
  }
  if (seq > 65530) throw new ConfigWriterError('FRR', node.name, `the ${direction} chain to ${s.remote.node} has more terms than a route-map holds`, 'shorten the policies in this chain');
  out.push(`route-map ${name} deny 65535`, ` description fell off the chain: implicit reject`, '!');
  return out;
}

/**
 * The match and set lines of the route-map entries for one term: one entry, or one per address
 * family when the term's prefix or next-hop conditions name both (FRR keeps IPv4 and IPv6
 * prefix lists apart, and one entry's matches all have to hold).
 */
function termEntries(term: PolicyTerm, sessionFamily: AddressFamily, ownAsn: number, base: string, lists: ListBook): string[][] {
  const m = term.match ?? {};
  const familyBound = m.prefix !== undefined || m.family !== undefined;
  // A session's route-map only sees routes of the session's family.
  const routeFamilies: Array<AddressFamily | undefined> = familyBound ? termFamilies(m).filter((f) => f === sessionFamily) : [undefined];
  const nhFamilies: Array<AddressFamily | undefined> = m['next-hop'] !== undefined ? unique(parsePrefixMatches(listOf(m['next-hop'])).map((p) => p.family)) : [undefined];
  const common = commonMatches(m, base, lists);
  const sets = term.action === 'reject' || !term.set ? [] : frrSets(term.set, sessionFamily, ownAsn, base, lists);
  const tail = term.action === 'next' ? ['on-match next'] : [];
  const entries: string[][] = [];
  for (const rf of routeFamilies) {
    for (const nf of nhFamilies) {
      const lines: string[] = [];
      if (rf) lines.push(prefixMatch(m, rf, base, lists));
      if (nf) lines.push(nextHopMatch(m, nf, base, lists));
      entries.push([...lines, ...common, ...sets, ...tail]);
    }
  }
  return entries;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

const ANY = { ipv4: '0.0.0.0/0 le 32', ipv6: '::/0 le 128' } as const;

function prefixMatch(m: PolicyMatch, family: AddressFamily, base: string, lists: ListBook): string {
  const kw = family === 'ipv4' ? 'ip' : 'ipv6';
  if (m.prefix === undefined) {
    const name = lists.add(`any-${family}`, [`${kw} prefix-list any-${family} seq 5 permit ${ANY[family]}`]);
    return `match ${kw} address prefix-list ${name}`;
  }
  const name = `${base}-prefix-${family}`;
  const entries = parsePrefixMatches(listOf(m.prefix)).filter((p) => p.family === family);
  lists.add(name, entries.map((p, i) => `${kw} prefix-list ${name} seq ${(i + 1) * 5} permit ${p.prefix}${p.ge > p.length ? ` ge ${p.ge}` : ''}${p.le > p.length ? ` le ${p.le}` : ''}`));
  return `match ${kw} address prefix-list ${name}`;
}

function nextHopMatch(m: PolicyMatch, family: AddressFamily, base: string, lists: ListBook): string {
  const kw = family === 'ipv4' ? 'ip' : 'ipv6';
  const name = `${base}-nexthop-${family}`;
  const max = family === 'ipv4' ? 32 : 128;
  // A next-hop condition is containment: any address (host route) inside the prefix.
  const entries = parsePrefixMatches(listOf(m['next-hop'])).filter((p) => p.family === family);
  lists.add(name, entries.map((p, i) => `${kw} prefix-list ${name} seq ${(i + 1) * 5} permit ${p.prefix}${p.length < max ? ` le ${max}` : ''}`));
  return `match ${kw} next-hop prefix-list ${name}`;
}


function communityText(t: string): string {
  const p = parseCommunityPattern(t);
  return p.name ?? `${p.asn}:${p.value}`;
}

function communityRegex(t: string): string {
  const p = parseCommunityPattern(t);
  if (p.name) return `_${p.name}_`;
  return `_${p.asn ?? '[0-9]+'}:${p.value ?? '[0-9]+'}_`;
}

/** A community list: standard when every pattern is exact, expanded (regex) when any has a wildcard. */
function communityList(name: string, patterns: string[], lists: ListBook): string {
  const expanded = patterns.some((t) => isWildcardCommunity(parseCommunityPattern(t)));
  lists.add(name, patterns.map((t, i) => `bgp community-list ${expanded ? 'expanded' : 'standard'} ${name} seq ${(i + 1) * 5} permit ${expanded ? communityRegex(t) : communityText(t)}`));
  return name;
}

function largeCommunityList(name: string, patterns: string[], lists: ListBook): string {
  const parsed = patterns.map(parseLargeCommunityPattern);
  const expanded = parsed.some(isWildcardLarge);
  lists.add(name, parsed.map((p, i) => `bgp large-community-list ${expanded ? 'expanded' : 'standard'} ${name} seq ${(i + 1) * 5} permit ${expanded ? `_${p.map((x) => x ?? '[0-9]+').join(':')}_` : p.join(':')}`));
  return name;
}

function commonMatches(m: PolicyMatch, base: string, lists: ListBook): string[] {
  const out: string[] = [];
  if (m.community !== undefined) out.push(`match community ${communityList(`${base}-community`, listOf(m.community), lists)}`);
  if (m['large-community'] !== undefined) out.push(`match large-community ${largeCommunityList(`${base}-large-community`, listOf(m['large-community']), lists)}`);
  // Further AS-path conditions are guard entries written by routeMap.
  for (const p of asPathRegexes(m, { nativeLength: false }).slice(0, 1)) {
    const name = lists.add(`${base}-as-path`, [`bgp as-path access-list ${base}-as-path seq 5 permit ${p.regex}`]);
    out.push(`match as-path ${name}`);
  }
  if (m.origin) out.push(`match origin ${m.origin}`);
  return out;
}

/** Set lines for a permit entry (docs/policy.md: FRR applies set clauses in its own order). */
export function frrSets(s: PolicySet, sessionFamily: AddressFamily, ownAsn: number, base: string, lists: ListBook): string[] {
  const out: string[] = [];
  if (s['local-pref'] !== undefined) out.push(`set local-preference ${s['local-pref']}`);
  if (s.med !== undefined) out.push(`set metric ${s.med}`);
  if (s.origin) out.push(`set origin ${s.origin}`);
  const nh = s['next-hop'];
  if (nh !== undefined) {
    // `peer-address` in an outbound map is the local session address (FRR docs), i.e. next-hop self.
    if (nh === 'self') out.push(sessionFamily === 'ipv4' ? 'set ip next-hop peer-address' : 'set ipv6 next-hop peer-address');
    else out.push(nh.includes(':') ? `set ipv6 next-hop global ${nh}` : `set ip next-hop ${nh}`);
  }
  const prepend = prependOf(s.prepend, ownAsn);
  if (prepend) out.push(`set as-path prepend ${new Array<number>(prepend.count).fill(prepend.asn).join(' ')}`);
  // With community-set the outcome of replace → remove → add is known here, so one `set community`
  // line carries it (FRR keeps one `set community` per entry and orders set clauses itself).
  const communities = s['community-set'];
  const removeC = listOf(s['community-remove']);
  const addC = listOf(s['community-add']);
  if (communities !== undefined) {
    const kept = [...communities.filter((c) => !removeC.some((r) => communityMatches(r, c))), ...addC];
    out.push(kept.length === 0 ? 'set community none' : `set community ${unique(kept.map(communityText)).join(' ')}`);
  } else {
    if (removeC.length > 0) out.push(`set comm-list ${communityList(`${base}-community-remove`, removeC, lists)} delete`);
    if (addC.length > 0) out.push(`set community ${addC.map(communityText).join(' ')} additive`);
  }
  const large = s['large-community-set'];
  const removeL = listOf(s['large-community-remove']);
  const addL = listOf(s['large-community-add']);
  if (large !== undefined) {
    const kept = [...large.filter((c) => !removeL.some((r) => largeMatches(r, c))), ...addL];
    out.push(kept.length === 0 ? 'set large-community none' : `set large-community ${unique(kept).join(' ')}`);
  } else {
    if (removeL.length > 0) out.push(`set large-comm-list ${largeCommunityList(`${base}-large-community-remove`, removeL, lists)} delete`);
    if (addL.length > 0) out.push(`set large-community ${addL.join(' ')} additive`);
  }
  return out;
}
