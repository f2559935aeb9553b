/**
 * `flatlab dns64`: the DNS64 resolver (RFC 6147). Forwards to upstream resolvers and
 * synthesizes AAAA records from A records under the NAT64 prefix(es). Runs until SIGINT or
 * SIGTERM. Default listen address 127.0.0.1:5300 (unprivileged); see docs/dns64.md.
 */
import type { EventEmitter } from 'node:events';
import type { Command } from 'commander';
import { pino } from 'pino';
import { InputError } from '../config/diagnostics.js';
import { loadYamlFile } from '../config/load-yaml-file.js';
import { buildDns64Config, DEFAULT_DNS64_LISTEN, flagsFromFile, type Dns64DaemonConfig, type Dns64Flags } from '../dns/server/dns64-config.js';
import { dns64Manifest, startDns64Daemon, type Dns64Daemon } from '../dns/server/dns64-daemon.js';
import { formatEndpoint, parseEndpoint } from '../dns/server/endpoint.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';
import { VERSION } from './version.js';

export interface Dns64CliOptions {
  config?: string;
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
  timeout?: string;
  rounds?: string;
  maxUdpPayload?: string;
  cacheEntries?: string;
  maxTtl?: string;
  logQueries?: boolean;
  manifest?: boolean;
}

export interface Dns64RunDeps {
  signals: EventEmitter;
  onReady?: (daemon: Dns64Daemon) => void;
  nowMs?: () => number;
}

function intOption(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError('cli.bad-number', `${flag} ${text} is not a whole number from ${min} to ${max}`, { hint: `give ${flag} a number in that range` });
  return n;
}

export function flagsFromCli(o: Dns64CliOptions): Dns64Flags {
  const f: Dns64Flags = {};
  if (o.upstream) f.upstream = o.upstream;
  if (o.prefix) f.prefix = o.prefix;
  if (o.listen) f.listen = o.listen;
  if (o.http) f.http = o.http;
  if (o.mappedIn) f.mappedIn = o.mappedIn;
  if (o.excludeAaaa) f.excludeAaaa = o.excludeAaaa;
  if (o.excludeIpv4) f.excludeIpv4 = o.excludeIpv4;
  if (o.excludePrivate) f.excludePrivate = true;
  // commander sets the --no-* flags to true by default: only a given flag (false) counts.
  if (o.ipv4onlyArpa === false) f.ipv4onlyArpa = false;
  if (o.reversePtr === false) f.reversePtr = false;
  if (o.synthesizeOnError) f.synthesizeOnError = true;
  if (o.timeout) f.timeoutMs = intOption(o.timeout, '--timeout', 10, 60_000);
  if (o.rounds) f.rounds = intOption(o.rounds, '--rounds', 1, 10);
  if (o.maxUdpPayload) f.maxUdpPayload = intOption(o.maxUdpPayload, '--max-udp-payload', 512, 65535);
  if (o.cacheEntries) f.cacheEntries = intOption(o.cacheEntries, '--cache-entries', 0, 10_000_000);
  if (o.maxTtl) f.maxTtl = intOption(o.maxTtl, '--max-ttl', 0, 604_800);
  if (o.logQueries) f.logQueries = true;
  return f;
}

export async function buildDns64CliConfig(o: Dns64CliOptions): Promise<Dns64DaemonConfig> {
  const file = o.config ? flagsFromFile(await loadYamlFile(o.config)) : {};
  return buildDns64Config(flagsFromCli(o), file, VERSION);
}

export async function runDns64(o: Dns64CliOptions, io: CliIO, deps: Dns64RunDeps): Promise<number> {
  if (o.manifest) {
    let http;
    try {
      http = o.http ? parseEndpoint(o.http, 8054, '--http') : undefined;
    } catch {
      http = undefined;
    }
    io.stdout(`${JSON.stringify(dns64Manifest(VERSION, http), null, 2)}\n`);
    return EXIT_OK;
  }
  const logger = pino({ base: { module: 'flatlab-dns64' } }, { write: (s: string) => io.stderr(s) });
  let daemon: Dns64Daemon;
  try {
    const cfg = await buildDns64CliConfig(o);
    daemon = await startDns64Daemon(cfg, { logger, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) });
    for (const a of daemon.dns.udp) io.stdout(`listening dns udp+tcp ${formatEndpoint({ host: a.address, port: a.port })}\n`);
    if (daemon.http) io.stdout(`listening http ${formatEndpoint({ host: daemon.http.address().address, port: daemon.http.address().port })}\n`);
    io.stdout(`forwarding to ${cfg.upstreams.map(formatEndpoint).join(', ')}; synthesizing under ${cfg.policy.prefixes.map((p) => p.prefix.text).join(', ')}\n`);
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
  deps.onReady?.(daemon);
  return new Promise<number>((resolve) => {
    const onStop = (sig: string) => {
      deps.signals.off('SIGINT', onStop);
      deps.signals.off('SIGTERM', onStop);
      logger.info({ signal: sig }, 'shutting down');
      void daemon.close().then(() => resolve(EXIT_OK));
    };
    deps.signals.on('SIGINT', onStop);
    deps.signals.on('SIGTERM', onStop);
  });
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export const dns64Verb: Verb = {
  name: 'dns64',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('dns64')
      .description('DNS64 resolver (RFC 6147): forwards to upstreams and synthesizes AAAA from A under a NAT64 prefix (/health /metrics /manifest)')
      .option('--config <dns64.yml>', 'YAML configuration file; flags given here override its keys')
      .option('--upstream <addr[:port]>', 'upstream resolver to forward to (repeatable; tried in turn)', collect)
      .option('--prefix <prefix/len>', 'NAT64 prefix, RFC 6052 length 32/40/48/56/64/96 (repeatable; default 64:ff9b::/96)', collect)
      .option('--listen <addr:port>', `DNS listen address, UDP and TCP (repeatable; default ${DEFAULT_DNS64_LISTEN})`, collect)
      .option('--http <addr:port>', 'HTTP listener for /health, /metrics and /manifest')
      .option('--mapped-in <ipv4/len>', 'synthesize only A records in these IPv4 ranges (repeatable; default all)', collect)
      .option('--exclude-aaaa <ipv6/len>', 'AAAA records in this range count as absent, besides ::ffff:0:0/96 (repeatable)', collect)
      .option('--exclude-ipv4 <ipv4/len>', 'never synthesize from A records in this range (repeatable)', collect)
      .option('--exclude-private', 'never synthesize from non-global IPv4 (RFC 1918, loopback, link-local, CGN, …; RFC 6052 §3.1)')
      .option('--no-ipv4only-arpa', 'forward ipv4only.arpa instead of answering it locally (RFC 8880)')
      .option('--no-reverse-ptr', 'forward PTR queries under the prefix instead of answering with a CNAME into in-addr.arpa')
      .option('--synthesize-on-error', 'also synthesize when the AAAA query fails with SERVFAIL/REFUSED (RFC 6147 §5.1.2, as Unbound); default: only on NODATA (as BIND)')
      .option('--timeout <ms>', 'wait for one UDP try at one upstream (default 1500)')
      .option('--rounds <n>', 'rounds over the upstream list before SERVFAIL (default 2)')
      .option('--max-udp-payload <bytes>', 'largest UDP response whatever EDNS offers (default 1232)')
      .option('--cache-entries <n>', 'upstream answers cached at most (default 100000)')
      .option('--max-ttl <seconds>', 'cap on cached TTLs (default 86400)')
      .option('--log-queries', 'log every query (JSON lines on stderr)')
      .option('--manifest', 'print the FlatRacoon module manifest as JSON and exit')
      .action(async (opts: Dns64CliOptions) => {
        done(await runDns64(opts, io, { signals: process }));
      });
  },
};
