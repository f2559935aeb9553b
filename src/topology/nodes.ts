/**
 * Phase "defaults": resolve every node's kind, role, ASN, policies and overrides, applying
 * `defaults:`, and check what can be checked about one node on its own.
 */
import type { DataPath } from '../config/yaml-source.js';
import { didYouMean } from '../config/suggest.js';
import { FAMILY_BITS, formatPrefix, parseIp, parseIpv4, parsePrefix, type IpAddress, type IpFamily } from '../net/ip.js';
import { policyChain } from '../bgp/policy/model.js';
import { DEFAULT_DAMPING, dampingConfigProblems, type DampingConfig } from '../bgp/rib/flap-damping.js';

import type { CompileContext } from './context.js';
import type { KindConfigProblem, KindInfo } from './kind-catalog.js';
import type { ResolvedNode, UserRoute } from './resolved.js';
import { NAME_PATTERN, type Topology, type TopologyNode } from './schema.js';

/** RFC 7607 reserves AS 0; RFC 6793 reserves AS_TRANS (23456) for 2-octet speakers. */
const ASN_MAX = 4294967295;
const AS_TRANS = 23456;

export function resolveNodes(topo: Topology, ctx: CompileContext): ResolvedNode[] {
  const defaults = topo.defaults ?? {};
  if (defaults.asn !== undefined) checkAsn(defaults.asn, ['defaults', 'asn'], ctx);
  if (defaults.kind !== undefined) checkKindName(defaults.kind, ['defaults', 'kind'], ctx);
  const out: ResolvedNode[] = [];
  let index = 0;
  for (const [name, raw] of Object.entries(topo.nodes)) {
    out.push(resolveNode(name, raw ?? {}, index++, topo, ctx));
  }
  return out;
}

function resolveNode(name: string, node: TopologyNode, index: number, topo: Topology, ctx: CompileContext): ResolvedNode {
  const path: DataPath = ['nodes', name];
  const defaults = topo.defaults ?? {};
  if (ctx.broken.has(path)) return brokenNode(name, index, path);
  if (!NAME_PATTERN.test(name)) {
    ctx.error('node-name', `node name "${name}" cannot be used in container and namespace names`, path, {
      key: true,
      hint: 'use 1-31 characters: lowercase letters, digits and "-", starting with a letter or digit',
    });
  } else if (/^\d+$/.test(name)) {
    // JavaScript objects list integer-like keys first, so the file order (which loopbacks follow) would be lost.
    ctx.error('node-name', `node name "${name}" is only digits`, path, { key: true, hint: `add a letter, e.g. "n${name}"` });
  }
  const kindName = node.kind ?? defaults.kind;
  let kind = undefined;
  if (kindName === undefined) {
    if (!ctx.broken.covers(['defaults', 'kind'])) ctx.error('missing-kind', `node "${name}" has no kind`, path, { key: true, hint: 'add "kind: <kind>" to the node, or "defaults: { kind: <kind> }"' });
  } else if (node.kind !== undefined) {
    kind = checkKindName(node.kind, [...path, 'kind'], ctx);
  } else {
    kind = ctx.kinds.get(kindName);
  }
  const config = node.config ?? {};
  const speaksBgp = kind ? kind.speaksBgp || kindSpeaksBgpWith(kind, config) : false;
  const role = node.role ?? kind?.defaultRole ?? 'router';
  if (role === 'route-reflector' && kind && !speaksBgp) {
    ctx.error('role', `node "${name}" is a route reflector but kind "${kind.name}" does not speak BGP${kind.speaksBgpWith ? ' with this config' : ''}`, [...path, 'role'], { hint: 'use a BGP-speaking kind (bird, frr, gobgp, flatlab-bgpd) or another role' });
  }

  let asn: number | undefined;
  if (node.asn !== undefined) {
    asn = checkAsn(node.asn, [...path, 'asn'], ctx) ? node.asn : undefined;
    if (kind && !speaksBgp) {
      ctx.error('asn-without-bgp', `node "${name}" has an ASN but kind "${kind.name}" does not speak BGP${kind.speaksBgpWith ? ' with this config' : ''}`, [...path, 'asn'], {
        key: true,
        hint: kind.speaksBgpWith ? `check the node's config: (see docs/kinds.md for when ${kind.name} runs BGP), or remove asn` : 'use a BGP-speaking kind (bird, frr, gobgp, flatlab-bgpd), or remove asn',
      });
    }
  } else if (speaksBgp && defaults.asn !== undefined) {
    asn = defaults.asn;
  } else if (speaksBgp && !ctx.broken.covers(['defaults', 'asn'])) {
    ctx.error('missing-asn', `node "${name}" speaks BGP (kind "${kind?.name}") but has no ASN`, path, { key: true, hint: 'add "asn: <number>" to the node, or "defaults: { asn: <number> }"' });
  }

  const loopbackOverride: Partial<Record<IpFamily, IpAddress>> = {};
  for (const family of ['ipv4', 'ipv6'] as const) {
    const text = node.loopback?.[family];
    if (text === undefined) continue;
    const a = parseHostAddress(text, family, [...path, 'loopback', family], ctx);
    if (a) loopbackOverride[family] = a;
  }

  if (node['router-id'] !== undefined && parseIpv4(node['router-id']) === undefined) {
    ctx.error('router-id', `router id "${node['router-id']}" is not a valid dotted quad`, [...path, 'router-id'], { hint: 'each of the four numbers is 0-255' });
  }
  if (node['cluster-id'] !== undefined) {
    if (parseIpv4(node['cluster-id']) === undefined) ctx.error('cluster-id', `cluster id "${node['cluster-id']}" is not a valid dotted quad`, [...path, 'cluster-id'], { hint: 'each of the four numbers is 0-255' });
    else if (role !== 'route-reflector') ctx.error('cluster-id', `node "${name}" has a cluster id but is not a route reflector`, [...path, 'cluster-id'], { key: true, hint: 'add "role: route-reflector" or remove cluster-id' });
  }

  const damping = node.damping === undefined ? undefined : checkDamping(node.damping, [...path, 'damping'], kind, speaksBgp, ctx);

  // With an unknown kind, whether the node speaks BGP is unknown too: say nothing more.
  const originate = checkOriginate(node, path, speaksBgp || !kind, ctx);
  const routes = checkRoutes(node, path, ctx);

  if (kind?.validateConfig) {
    for (const p of validateKindConfig(kind, config)) {
      ctx.error('kind-config', `${kind.name}: ${p.message}`, [...path, 'config', ...p.path], { hint: p.hint ?? `see "${kind.name}" in docs/kinds.md for its config: keys` });
    }
  }

  return {
    name,
    index,
    path,
    kindName: kindName ?? '',
    ...(kind ? { kind } : {}),
    role,
    ...(node.image ?? defaults.image ? { image: node.image ?? defaults.image } : {}),
    ...(asn !== undefined && speaksBgp ? { asn } : {}),
    speaksBgp,
    ...(node['router-id'] ? { routerId: node['router-id'] } : {}),
    ...(node['cluster-id'] ? { clusterId: node['cluster-id'] } : {}),
    ...(damping ? { damping } : {}),
    loopbackOverride,
    originate,
    import: policyChain(node.import ?? defaults.import, 'all'),
    export: policyChain(node.export ?? defaults.export, 'all'),
    config,
    env: { ...(defaults.env ?? {}), ...(node.env ?? {}) },
    routes,
    linkSlots: [],
  };
}

/** `15m`, `1h`, `90s` (or a bare `15`, minutes) → milliseconds. */
function minutesText(v: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)?\s*$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * ({ s: 1000, m: 60_000, min: 60_000, h: 3_600_000 } as Record<string, number>)[m[2] ?? 'm']!;
}

/**
 * `damping:` → seconds, with FRR's defaults (15 min, 750, 2000, four half-lives) and FRR's
 * ranges (bgp_damp.h), since FRR is the daemon that must accept it: whole minutes only.
 */
function checkDamping(spec: NonNullable<TopologyNode['damping']>, path: DataPath, kind: KindInfo | undefined, speaksBgp: boolean, ctx: CompileContext): DampingConfig | undefined {
  if (kind && !speaksBgp) {
    ctx.error('damping', `kind "${kind.name}" does not speak BGP, so it has no routes to damp`, path, { key: true, hint: 'remove damping, or use frr or flatlab-bgpd' });
    return undefined;
  }
  if (kind && kind.routeDamping !== true) {
    const why = kind.routeDamping?.unsupported ?? `kind "${kind.name}" does not do route flap damping`;
    ctx.error('damping-unsupported', `${why}, so node damping cannot be honoured`, path, { key: true, hint: 'damp on a node of kind frr or flatlab-bgpd, or remove damping' });
    return undefined;
  }
  const o = spec === true ? {} : spec;
  let ok = true;
  const minutesOf = (key: 'half-life' | 'max-suppress', v: string | number | undefined, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const ms = typeof v === 'number' ? v * 60_000 : minutesText(v);
    if (ms === undefined || ms % 60_000 !== 0 || ms / 60_000 < min || ms / 60_000 > max) {
      ctx.error('damping', `${key} ${JSON.stringify(v)} is not a whole number of minutes from ${min} to ${max}`, [...path, key], { hint: `FRR takes whole minutes (bgp dampening); write e.g. ${key === 'half-life' ? '15 or 15m' : '60 or 1h'}` });
      ok = false;
      return undefined;
    }
    return ms / 1000;
  };
  const halfLife = minutesOf('half-life', o['half-life'], 1, 45) ?? DEFAULT_DAMPING.halfLife;
  const maxSuppress = minutesOf('max-suppress', o['max-suppress'], 1, 255) ?? halfLife * 4;
  const config: DampingConfig = { halfLife, reuse: o.reuse ?? DEFAULT_DAMPING.reuse, suppress: o.suppress ?? DEFAULT_DAMPING.suppress, maxSuppress };
  if (!ok) return undefined;
  const keys: Record<keyof DampingConfig, string> = { halfLife: 'half-life', reuse: 'reuse', suppress: 'suppress', maxSuppress: 'max-suppress' };
  for (const p of dampingConfigProblems(config)) {
    const key = keys[p.key];
    ctx.error('damping', p.message, spec !== true && o[key as keyof typeof o] !== undefined ? [...path, key] : path, { hint: p.hint });
    ok = false;
  }
  return ok ? config : undefined;
}

/** A kind's own validator must not take the whole compile down (compileTopology never throws). */
function validateKindConfig(kind: KindInfo, config: Record<string, unknown>): KindConfigProblem[] {
  try {
    return kind.validateConfig?.(config) ?? [];
  } catch (err) {
    return [{ path: [], message: `could not check the config: ${(err as Error).message}`, hint: 'this is a bug in the kind\'s validator; please report it' }];
  }
}

function kindSpeaksBgpWith(kind: KindInfo, config: Record<string, unknown>): boolean {
  try {
    return kind.speaksBgpWith?.(config) ?? false;
  } catch {
    return false; // the config is malformed; validateKindConfig reports it
  }
}

/** A node the schema rejected: present (so references to it resolve) but inert. */
function brokenNode(name: string, index: number, path: DataPath): ResolvedNode {
  return { name, index, path, kindName: '', role: 'host', speaksBgp: false, loopbackOverride: {}, originate: [], import: ['all'], export: ['all'], config: {}, env: {}, routes: [], linkSlots: [] };
}

function checkKindName(name: string, path: DataPath, ctx: CompileContext) {
  const kind = ctx.kinds.get(name);
  if (!kind) {
    const names = ctx.kinds.names();
    ctx.error('unknown-kind', `unknown kind "${name}"${didYouMean(name, names)}`, path, { hint: `known kinds: ${names.join(', ')}` });
  }
  return kind;
}

function checkAsn(asn: number, path: DataPath, ctx: CompileContext): boolean {
  if (asn < 1 || asn > ASN_MAX) {
    ctx.error('asn-range', `ASN ${asn} is out of range`, path, { hint: asn === 0 ? 'AS 0 is reserved (RFC 7607); use 1-4294967295' : 'use 1-4294967295; private ASNs are 64512-65534 and 4200000000-4294967294' });
    return false;
  }
  if (asn === AS_TRANS) {
    ctx.error('asn-range', `ASN ${asn} is AS_TRANS, reserved for 2-octet compatibility (RFC 6793)`, path, { hint: 'pick another ASN, e.g. from 64512-65534' });
    return false;
  }
  return true;
}

/** `10.255.0.9` or `10.255.0.9/32`: one host address of the given family. */
function parseHostAddress(text: string, family: IpFamily, path: DataPath, ctx: CompileContext): IpAddress | undefined {
  const slash = text.indexOf('/');
  const a = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!a) {
    ctx.error('bad-address', `"${text}" is not an IP address`, path, { hint: family === 'ipv4' ? 'write a dotted quad such as 10.255.0.9' : 'write an IPv6 address such as fd00:ff::9' });
    return undefined;
  }
  if (a.family !== family) {
    ctx.error('family-mismatch', `"${text}" is an ${a.family === 'ipv4' ? 'IPv4' : 'IPv6'} address under ${family}`, path, { hint: `move it under ${a.family}` });
    return undefined;
  }
  if (slash >= 0 && text.slice(slash + 1) !== String(FAMILY_BITS[family])) {
    ctx.error('bad-address', `a loopback is one address: "${text}" should be /${FAMILY_BITS[family]} or have no length`, path, { hint: `write ${text.slice(0, slash)}` });
    return undefined;
  }
  return a;
}

function checkOriginate(node: TopologyNode, path: DataPath, speaksBgp: boolean, ctx: CompileContext): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  (node.originate ?? []).forEach((text, i) => {
    const p = [...path, 'originate', i];
    const normal = checkNetwork(text, p, ctx);
    if (normal === undefined) return;
    const first = seen.get(normal);
    if (first !== undefined) {
      ctx.error('duplicate-originate', `prefix ${normal} is originated twice (also item ${first + 1})`, p, { hint: 'remove one of them' });
      return;
    }
    seen.set(normal, i);
    out.push(normal);
  });
  if (out.length > 0 && !speaksBgp) {
    ctx.error('originate-without-bgp', 'only BGP-speaking nodes can originate prefixes', [...path, 'originate'], { key: true, hint: 'use a BGP-speaking kind, or remove originate' });
  }
  return out;
}

/** Check that `text` is a network address (`203.0.113.0/24`); return it in canonical form. */
export function checkNetwork(text: string, path: DataPath, ctx: CompileContext, family?: IpFamily): string | undefined {
  const r = parsePrefix(text);
  if (!r.ok) {
    if (r.reason === 'host-bits') {
      ctx.error('not-network', `${text} is not a network address: host bits are set`, path, { hint: `did you mean ${formatPrefix(r.network)}?` });
    } else if (r.reason === 'length') {
      ctx.error('bad-prefix', `${text} has a prefix length longer than the address`, path, { hint: 'IPv4 lengths are 0-32, IPv6 0-128' });
    } else {
      ctx.error('bad-prefix', `"${text}" is not a prefix`, path, { hint: 'write ADDRESS/LENGTH, e.g. 203.0.113.0/24 or 2001:db8::/32' });
    }
    return undefined;
  }
  if (family !== undefined && r.prefix.family !== family) {
    ctx.error('family-mismatch', `${text} is an ${r.prefix.family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix where ${family === 'ipv4' ? 'IPv4' : 'IPv6'} is expected`, path, { hint: `move it under ${r.prefix.family}` });
    return undefined;
  }
  return formatPrefix(r.prefix);
}

function checkRoutes(node: TopologyNode, path: DataPath, ctx: CompileContext): UserRoute[] {
  const out: UserRoute[] = [];
  (node.routes ?? []).forEach((r, i) => {
    const p = [...path, 'routes', i];
    const prefix = checkNetwork(r.prefix, [...p, 'prefix'], ctx);
    const via = parseIp(r.via);
    if (!via && !NAME_PATTERN.test(r.via)) {
      ctx.error('bad-address', `next hop "${r.via}" is neither an IP address nor a node name`, [...p, 'via'], { hint: 'write the neighbour\'s address, or the name of a node on a shared link' });
      return;
    }
    if (prefix === undefined) return;
    const family: IpFamily = prefix.includes(':') ? 'ipv6' : 'ipv4';
    if (via && family !== via.family) {
      ctx.error('family-mismatch', `route to ${prefix} has a next hop of the other address family`, [...p, 'via'], { hint: 'use an IPv4 next hop for IPv4 prefixes and IPv6 for IPv6 (or an RFC 8950 setup outside flatlab)' });
      return;
    }
    out.push({ prefix, family, ...(via ? { via: r.via } : { viaNode: r.via }), ...(r.interface ? { interface: r.interface } : {}), path: p });
  });
  return out;
}
