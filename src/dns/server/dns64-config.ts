/**
 * The `flatlab dns64` configuration: a YAML file (`--config dns64.yml`, checked with zod,
 * errors at file:line:col) and command-line flags for the common cases. A flag given on the
 * command line replaces the file's value for that key.
 */
import { z } from 'zod';
import { FlatlabError, ValidationError, type Diagnostic } from '../../config/diagnostics.js';
import { validateAgainstSchema } from '../../config/schema-diagnostics.js';
import type { DataPath, YamlSource } from '../../config/yaml-source.js';
import { buildPolicy, type Dns64Policy, type PolicyInput } from '../dns64/policy.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';

export const DEFAULT_DNS64_LISTEN = '127.0.0.1:5300';

const stringList = z.union([z.string(), z.array(z.string())]);
const prefixItem = z.union([z.string(), z.strictObject({ prefix: z.string(), 'mapped-in': z.array(z.string()).optional() })]);

export const dns64FileSchema = z.strictObject({
  upstream: stringList,
  prefix: z.union([prefixItem, z.array(prefixItem)]).optional(),
  listen: stringList.optional(),
  http: z.string().optional(),
  'mapped-in': z.array(z.string()).optional(),
  'exclude-aaaa': z.array(z.string()).optional(),
  'exclude-ipv4': z.array(z.string()).optional(),
  'exclude-private': z.boolean().optional(),
  'ipv4only-arpa': z.boolean().optional(),
  'reverse-ptr': z.boolean().optional(),
  'synthesize-on-error': z.boolean().optional(),
  'timeout-ms': z.number().int().min(10).max(60_000).optional(),
  rounds: z.number().int().min(1).max(10).optional(),
  'max-udp-payload': z.number().int().min(512).max(65535).optional(),
  'cache-entries': z.number().int().min(0).max(10_000_000).optional(),
  'max-ttl': z.number().int().min(0).max(604_800).optional(),
  'log-queries': z.boolean().optional(),
});
export type Dns64File = z.infer<typeof dns64FileSchema>;

export interface Dns64DaemonConfig {
  upstreams: Endpoint[];
  listen: Endpoint[];
  http?: Endpoint;
  policy: Dns64Policy;
  timeoutMs: number;
  rounds: number;
  maxUdpPayload?: number;
  cacheEntries: number;
  maxTtl: number;
  logQueries: boolean;
  version: string;
}

/** Command-line values, already split into lists; undefined where the flag was not given. */
export interface Dns64Flags {
  upstream?: string[];
  prefix?: string[];
  listen?: string[];
  http?: string;
  mappedIn?: string[];
  excludeAaaa?: string[];
  excludeIpv4?: string[];
  excludePrivate?: boolean;
  ipv4onlyArpa?: boolean;
  reversePtr?: boolean;
  synthesizeOnError?: boolean;
  timeoutMs?: number;
  rounds?: number;
  maxUdpPayload?: number;
  cacheEntries?: number;
  maxTtl?: number;
  logQueries?: boolean;
}

const list = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** The file's values as flags, every semantic error located (all reported at once). */
export function flagsFromFile(source: YamlSource): Dns64Flags & { prefixRules?: PolicyInput['prefixes'] } {
  if (source.diagnostics.some((d) => d.severity === 'error')) throw new ValidationError(source.diagnostics, source.file);
  const { value, diagnostics } = validateAgainstSchema(dns64FileSchema, source, 'dns64');
  if (!value) throw new ValidationError(diagnostics, source.file);
  const problems: Diagnostic[] = [];
  const check = (path: DataPath, f: () => unknown) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof FlatlabError)) throw err;
      problems.push({ code: err.code, severity: 'error', message: err.message, position: source.locate(path), ...(err.hint ? { hint: err.hint } : {}) });
    }
  };
  const arrayOrOne = (key: string, v: unknown) => (Array.isArray(v) ? v.map((x, i) => [[key, i] as DataPath, x] as const) : v === undefined ? [] : [[[key] as DataPath, v] as const]);
  for (const [path, spec] of arrayOrOne('upstream', value.upstream)) check(path, () => parseEndpoint(spec as string, 53, 'upstream'));
  for (const [path, spec] of arrayOrOne('listen', value.listen)) check(path, () => parseEndpoint(spec as string, 53, 'listen'));
  if (value.http) check(['http'], () => parseEndpoint(value.http as string, 8054, 'http'));
  const prefixes = value.prefix === undefined ? undefined : Array.isArray(value.prefix) ? value.prefix : [value.prefix];
  const prefixRules = prefixes?.map((p) => (typeof p === 'string' ? p : { prefix: p.prefix, ...(p['mapped-in'] ? { mappedIn: p['mapped-in'] } : {}) }));
  prefixRules?.forEach((p, i) => check(Array.isArray(value.prefix) ? ['prefix', i] : ['prefix'], () => buildPolicy({ prefixes: [p] })));
  for (const key of ['mapped-in', 'exclude-ipv4'] as const) (value[key] ?? []).forEach((r, i) => check([key, i], () => buildPolicy(key === 'mapped-in' ? { mappedIn: [r] } : { excludeIpv4: [r] })));
  (value['exclude-aaaa'] ?? []).forEach((r, i) => check(['exclude-aaaa', i], () => buildPolicy({ excludeAaaa: [r] })));
  if (prefixRules) check(['prefix'], () => buildPolicy({ prefixes: prefixRules }));
  if (problems.length > 0) throw new ValidationError(problems, source.file);
  const out: Dns64Flags & { prefixRules?: PolicyInput['prefixes'] } = {};
  const set = <K extends keyof Dns64Flags>(k: K, v: Dns64Flags[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('upstream', list(value.upstream));
  set('listen', list(value.listen));
  set('http', value.http);
  set('mappedIn', value['mapped-in']);
  set('excludeAaaa', value['exclude-aaaa']);
  set('excludeIpv4', value['exclude-ipv4']);
  set('excludePrivate', value['exclude-private']);
  set('ipv4onlyArpa', value['ipv4only-arpa']);
  set('reversePtr', value['reverse-ptr']);
  set('synthesizeOnError', value['synthesize-on-error']);
  set('timeoutMs', value['timeout-ms']);
  set('rounds', value.rounds);
  set('maxUdpPayload', value['max-udp-payload']);
  set('cacheEntries', value['cache-entries']);
  set('maxTtl', value['max-ttl']);
  set('logQueries', value['log-queries']);
  if (prefixRules) out.prefixRules = prefixRules;
  return out;
}

export class Dns64UsageError extends FlatlabError {}

/** Flags over file values over defaults. */
export function buildDns64Config(flags: Dns64Flags, file: ReturnType<typeof flagsFromFile> = {}, version = '0'): Dns64DaemonConfig {
  const pick = <K extends keyof Dns64Flags>(k: K): Dns64Flags[K] => (flags[k] !== undefined ? flags[k] : file[k]);
  const upstream = pick('upstream');
  if (!upstream || upstream.length === 0) {
    throw new Dns64UsageError('dns64.no-upstream', 'no upstream resolver to forward to', { hint: 'give --upstream ADDR[:PORT] (repeatable), or `upstream:` in the --config file' });
  }
  const prefixes: PolicyInput['prefixes'] = flags.prefix !== undefined ? flags.prefix : file.prefixRules;
  const mappedIn = pick('mappedIn');
  const excludeAaaa = pick('excludeAaaa');
  const excludeIpv4 = pick('excludeIpv4');
  const excludePrivate = pick('excludePrivate');
  const ipv4onlyArpa = pick('ipv4onlyArpa');
  const reversePtr = pick('reversePtr');
  const synthesizeOnError = pick('synthesizeOnError');
  const policy = buildPolicy({
    ...(prefixes ? { prefixes } : {}),
    ...(mappedIn ? { mappedIn } : {}),
    ...(excludeAaaa ? { excludeAaaa } : {}),
    ...(excludeIpv4 ? { excludeIpv4 } : {}),
    ...(excludePrivate !== undefined ? { excludePrivate } : {}),
    ...(ipv4onlyArpa !== undefined ? { ipv4onlyArpa } : {}),
    ...(reversePtr !== undefined ? { reversePtr } : {}),
    ...(synthesizeOnError !== undefined ? { synthesizeOnError } : {}),
  });
  const http = pick('http');
  const maxUdpPayload = pick('maxUdpPayload');
  return {
    upstreams: upstream.map((s) => parseEndpoint(s, 53, '--upstream')),
    listen: (pick('listen') ?? [DEFAULT_DNS64_LISTEN]).map((s) => parseEndpoint(s, 53, '--listen')),
    ...(http ? { http: parseEndpoint(http, 8054, '--http') } : {}),
    policy,
    timeoutMs: pick('timeoutMs') ?? 1500,
    rounds: pick('rounds') ?? 2,
    ...(maxUdpPayload ? { maxUdpPayload } : {}),
    cacheEntries: pick('cacheEntries') ?? 100_000,
    maxTtl: pick('maxTtl') ?? 86_400,
    logQueries: pick('logQueries') ?? false,
    version,
  };
}
