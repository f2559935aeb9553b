/**
 * The `flatlab bgpd` configuration file (bgpd.yml): its schema, defaults and semantic checks.
 * The schema is the reference (docs/bgpd-config.md explains each key); the lab writer
 * (src/emit/bgpd.ts) emits files this schema accepts, and the daemon (issue 6) loads them with
 * `loadBgpdConfig`, which reports every problem at once with file:line:col, like topologies.
 */
import { z } from 'zod';
import { policyRefSchema, policySchema, BUILTIN_POLICIES, type PolicyRef } from '../policy/model.js';
import { ValidationError, type Diagnostic } from '../../config/diagnostics.js';
import { parseYamlSource } from '../../config/yaml-source.js';
import { validateAgainstSchema } from '../../config/schema-diagnostics.js';
import { didYouMean } from '../../config/suggest.js';
import { DEFAULT_DAMPING, dampingConfigProblems, type DampingConfig } from '../rib/flap-damping.js';
import { mrtConfigSchema } from './mrt-config.js';

const ipv4 = z.string().regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/, 'an IPv4 address in dotted-quad form');
const ipv6 = z.string().regex(/^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/, 'an IPv6 address');
const ipAddress = z.union([ipv4, ipv6]);
const prefix = z.string().regex(/^([0-9.]+\/\d{1,2}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*\/\d{1,3})$/, 'a prefix ADDRESS/LEN');
const asn = z.number().int().min(1).max(4294967295);
const seconds = (min: number, max: number) => z.number().int().min(min).max(max);
/** `127.0.0.1:8179` or `[::1]:8179`. */
const hostPort = z.string().regex(/^((\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$/, 'ADDRESS:PORT (write IPv6 as [ADDRESS]:PORT)');

export const bgpdPeerSchema = z.strictObject({
  /** Label used in logs, the control API and scenario assertions; the address when absent. */
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  address: ipAddress,
  'remote-as': asn,
  /** The peer's TCP port (179); other ports let daemons share one address, as tests on loopback do. */
  port: z.number().int().min(1).max(65535).optional(),
  /** Source address for the TCP connection (a loopback for multihop iBGP). */
  'local-address': ipAddress.optional(),
  /** Only accept connections, never open one. */
  passive: z.boolean().default(false),
  /** `true` (TTL 255) or a TTL; eBGP peers are one hop away unless this is set. */
  multihop: z.union([z.boolean(), seconds(1, 255)]).default(false),
  /** Address families negotiated (RFC 4760); the peer address's own family when absent. */
  families: z.array(z.enum(['ipv4', 'ipv6'])).min(1).optional(),
  /** Policy chains (policy names or the built-ins `all` / `none`); defaults depend on rfc8212. */
  import: policyRefSchema.optional(),
  export: policyRefSchema.optional(),
  'route-reflector-client': z.boolean().default(false),
  'next-hop-self': z.boolean().default(false),
  /** RFC 4271 §4.2: 0 or at least 3 seconds. */
  'hold-time': z.number().int().min(0).max(65535).refine((v) => v === 0 || v >= 3, 'hold-time is 0 (no keepalives) or at least 3 seconds (RFC 4271 §4.2)').default(90),
  /** A third of the negotiated hold time when absent. */
  keepalive: seconds(1, 21845).optional(),
  /** Seconds between connection attempts; short by default because lab daemons restart often. */
  'connect-retry': seconds(1, 65535).default(5),
  /**
   * Seconds to wait after the session fails before starting it again, doubling per failure up to
   * `max` (BIRD's `error wait time`; the numbers are FRR's start timer, 1 s up to 120 s).
   */
  'error-wait': z.strictObject({ min: seconds(0, 65535), max: seconds(0, 65535) }).default({ min: 1, max: 120 }),
  /** TCP MD5 signature (RFC 2385) where the kernel allows it. */
  'md5-password': z.string().min(1).max(80).optional(),
  description: z.string().optional(),
});

export const bgpdConfigSchema = z.strictObject({
  'router-id': ipv4,
  asn,
  listen: z.strictObject({
    /** Addresses to listen on; both wildcards by default. An empty list listens nowhere (active peers only). */
    address: z.array(ipAddress).default(['0.0.0.0', '::']),
    port: z.number().int().min(0).max(65535).default(179),
  }).default({ address: ['0.0.0.0', '::'], port: 179 }),
  peers: z.array(bgpdPeerSchema).default([]),
  /** Prefixes announced as locally originated (ORIGIN IGP, empty AS_PATH). */
  originate: z.array(prefix).default([]),
  /** Policies by name, in the vendor-neutral model (docs/policy.md). */
  policies: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a policy name uses letters, digits, _ . -'), policySchema).default({}),
  /** Route reflector cluster id (RFC 4456); the router id when absent. */
  'cluster-id': ipv4.optional(),
  /** Route flap damping (RFC 2439) of eBGP-learned routes, FRR's penalties; times in seconds; off when absent. */
  damping: z.strictObject({
    'half-life': seconds(1, 45 * 60).default(DEFAULT_DAMPING.halfLife),
    reuse: z.number().int().min(1).max(20000).default(DEFAULT_DAMPING.reuse),
    suppress: z.number().int().min(1).max(20000).default(DEFAULT_DAMPING.suppress),
    'max-suppress': seconds(1, 255 * 60).default(DEFAULT_DAMPING.maxSuppress),
  }).optional(),
  /**
   * RFC 8212: without an explicit import/export policy, an eBGP session accepts and announces
   * nothing. When false, a missing policy means `all` on every session.
   */
  rfc8212: z.boolean().default(true),
  /** The HTTP+JSON control API (neighbors, RIBs, announce/withdraw, /health, /metrics). */
  control: z.strictObject({ http: hostPort }).optional(),
  /** Install best paths in the kernel (`true` = main table, or a table number). */
  'kernel-routes': z.union([z.boolean(), z.strictObject({ table: z.number().int().min(1).max(4294967295) })]).default(false),
  /** RFC 6396 output: periodic TABLE_DUMP_V2 RIB dumps and BGP4MP update logs (mrt-config.ts). */
  mrt: mrtConfigSchema.optional(),
});

export type BgpdConfig = z.infer<typeof bgpdConfigSchema>;
export type BgpdPeerConfig = z.infer<typeof bgpdPeerSchema>;
/** What a user writes (defaults not applied). */
export type BgpdConfigInput = z.input<typeof bgpdConfigSchema>;

/** The chain a peer uses in `direction`, after RFC 8212 defaults. */
export function peerChain(config: BgpdConfig, peer: BgpdPeerConfig, direction: 'import' | 'export'): string[] {
  const ref: PolicyRef | undefined = peer[direction];
  if (ref !== undefined) return typeof ref === 'string' ? [ref] : [...ref];
  const ebgp = peer['remote-as'] !== config.asn;
  return [ebgp && config.rfc8212 ? 'none' : 'all'];
}

/** The families a peer negotiates. */
export function peerFamilies(peer: BgpdPeerConfig): Array<'ipv4' | 'ipv6'> {
  return peer.families ?? [peer.address.includes(':') ? 'ipv6' : 'ipv4'];
}

/** The speaker's damping settings from bgpd.yml's `damping:` (undefined: off). */
export function dampingOf(config: BgpdConfig): DampingConfig | undefined {
  const d = config.damping;
  return d ? { halfLife: d['half-life'], reuse: d.reuse, suppress: d.suppress, maxSuppress: d['max-suppress'] } : undefined;
}

/** Checks the schema cannot express: references, uniqueness, timer relations. */
export function bgpdSemanticProblems(config: BgpdConfig): Array<{ path: Array<string | number>; code: string; message: string; hint?: string }> {
  const problems: Array<{ path: Array<string | number>; code: string; message: string; hint?: string }> = [];
  const damping = dampingOf(config);
  const dampingKeys = { halfLife: 'half-life', reuse: 'reuse', suppress: 'suppress', maxSuppress: 'max-suppress' } as const;
  if (damping) for (const p of dampingConfigProblems(damping)) problems.push({ path: ['damping', dampingKeys[p.key]], code: 'damping', message: `damping: ${p.message}`, hint: p.hint });
  const known = [...Object.keys(config.policies), ...BUILTIN_POLICIES];
  const seen = new Map<string, number>();
  config.peers.forEach((peer, i) => {
    const first = seen.get(peer.address);
    if (first !== undefined) problems.push({ path: ['peers', i, 'address'], code: 'duplicate-peer', message: `peer ${peer.address} is already defined as peers[${first}]`, hint: 'one entry per neighbor address; list several families under families:' });
    else seen.set(peer.address, i);
    for (const direction of ['import', 'export'] as const) {
      const ref = peer[direction];
      if (ref === undefined) continue;
      const names = typeof ref === 'string' ? [ref] : ref;
      names.forEach((name, j) => {
        if (known.includes(name)) return;
        problems.push({
          path: typeof ref === 'string' ? ['peers', i, direction] : ['peers', i, direction, j],
          code: 'unknown-policy',
          message: `unknown policy "${name}" in peers[${i}].${direction}${didYouMean(name, known)}`,
          hint: `define it under policies:, or use all / none`,
        });
      });
    }
    if (peer.keepalive !== undefined && peer['hold-time'] !== 0 && peer.keepalive >= peer['hold-time']) {
      problems.push({ path: ['peers', i, 'keepalive'], code: 'keepalive-too-long', message: `keepalive ${peer.keepalive} s is not shorter than hold-time ${peer['hold-time']} s`, hint: 'RFC 4271 §10 suggests a third of the hold time' });
    }
    if (peer['error-wait'].max < peer['error-wait'].min) {
      problems.push({ path: ['peers', i, 'error-wait', 'max'], code: 'error-wait', message: `error-wait max ${peer['error-wait'].max} s is below min ${peer['error-wait'].min} s`, hint: 'the wait doubles from min up to max' });
    }
    if (peer['route-reflector-client'] && peer['remote-as'] !== config.asn) {
      problems.push({ path: ['peers', i, 'route-reflector-client'], code: 'rr-client-ebgp', message: `peer ${peer.address} is eBGP (AS ${peer['remote-as']}) and cannot be a route-reflector client`, hint: 'route reflection (RFC 4456) is for iBGP peers' });
    }
    if (peer['local-address'] === undefined) {
      problems.push({ path: ['peers', i], code: 'no-local-address', message: `peers[${i}] (${peer.address}) has no local-address`, hint: 'flatlab bgpd announces its session address as NEXT_HOP: set local-address to this router\'s address towards the peer' });
    } else if (peer['local-address'].includes(':') !== peer.address.includes(':')) {
      problems.push({ path: ['peers', i, 'local-address'], code: 'family-mismatch', message: `local-address ${peer['local-address']} and peer address ${peer.address} are of different families` });
    }
  });
  const mrt = config.mrt;
  if (mrt && !mrt['table-dump'] && !mrt.updates) {
    problems.push({ path: ['mrt'], code: 'mrt-empty', message: 'mrt: has neither table-dump nor updates', hint: 'add table-dump: { file: rib.%Y%m%d.%H%M.mrt } or updates: { file: updates.%Y%m%d.%H%M.mrt }, or remove mrt:' });
  }
  if (mrt?.['table-dump'] && mrt.updates && mrt['table-dump'].file === mrt.updates.file) {
    problems.push({ path: ['mrt', 'updates', 'file'], code: 'mrt-same-file', message: `mrt.updates.file is the same template as mrt.table-dump.file ("${mrt.updates.file}")`, hint: 'RIB dumps and update logs go to different files, e.g. rib.%Y%m%d.%H%M.mrt and updates.%Y%m%d.%H%M.mrt' });
  }
  return problems;
}

/** Parse and validate bgpd.yml text; throws a ValidationError carrying every located diagnostic. */
export function parseBgpdConfig(text: string, file: string): BgpdConfig {
  const source = parseYamlSource(text, file);
  const diagnostics: Diagnostic[] = [...source.diagnostics];
  if (source.data === undefined) throw new ValidationError(diagnostics, file);
  const { value, diagnostics: schemaProblems } = validateAgainstSchema(bgpdConfigSchema, source, 'bgpd');
  diagnostics.push(...schemaProblems);
  if (value) {
    for (const p of bgpdSemanticProblems(value)) {
      diagnostics.push({ code: `bgpd.${p.code}`, severity: 'error', message: p.message, position: source.locate(p.path), ...(p.hint ? { hint: p.hint } : {}) });
    }
  }
  if (!value || diagnostics.some((d) => d.severity === 'error')) throw new ValidationError(diagnostics, file);
  return value;
}
