/**
 * `flatlab hesiod`: the authoritative Hesiod (HS and IN) DNS server. Runs until SIGINT or
 * SIGTERM; SIGHUP reloads the zones (a bad zone keeps the old ones serving).
 * Default listen address 127.0.0.1:5353: an unprivileged port, so it runs without root
 * (port 53 needs root or CAP_NET_BIND_SERVICE); see docs/hesiod-server.md.
 */
import type { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { pino } from 'pino';
import { InputError } from '../config/diagnostics.js';
import { parseTransferAcl } from '../dns/server/access.js';
import { parseEndpoint, formatEndpoint, type Endpoint } from '../dns/server/endpoint.js';
import { askPrimaryToReload, forkWorkers, isClusterWorker, serveAsWorker } from '../dns/server/cluster.js';
import { hesiodManifest, startHesiodDaemon, type HesiodDaemon, type HesiodDaemonConfig, type ZoneSource } from '../dns/server/hesiod-daemon.js';
import { parseTsigKeySpec } from '../dns/wire/tsig.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { VERSION } from './version.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export const DEFAULT_HESIOD_LISTEN = '127.0.0.1:5353';

export interface HesiodCliOptions {
  zone?: string[];
  map?: string[];
  passwd?: string;
  group?: string;
  minUid?: string;
  maxUid?: string;
  listen?: string[];
  http?: string;
  tsigKey?: string[];
  axfrAllow?: string[];
  reloadKeyFile?: string;
  logQueries?: boolean;
  in?: boolean;
  maxUdpPayload?: string;
  tcpIdleTimeout?: string;
  maxTcpConnections?: string;
  maxQueriesPerConnection?: string;
  manifest?: boolean;
  workers?: string;
}

export interface HesiodRunDeps {
  /** Where SIGINT/SIGTERM/SIGHUP arrive; `process` when run from the command line. */
  signals: EventEmitter;
  /** Called once the daemon serves (tests use it to learn the ports). */
  onReady?: (daemon: HesiodDaemon) => void;
  now?: () => Date;
}

export async function buildHesiodConfig(o: HesiodCliOptions): Promise<HesiodDaemonConfig> {
  const sources: ZoneSource[] = [
    ...(o.zone ?? []).map((spec): ZoneSource => {
      const eq = spec.indexOf('=');
      return eq > 0 ? { kind: 'zone', origin: spec.slice(0, eq), file: spec.slice(eq + 1) } : { kind: 'zone', file: spec };
    }),
    ...(o.map ?? []).map((file): ZoneSource => ({ kind: 'map', file, ...accounts(o) })),
  ];
  if (sources.length === 0) {
    throw new InputError('hesiod.no-zones', 'no zones to serve', { hint: 'give --zone FILE (RFC 1035 master file) or --map FILE.yml (Hesiod map), or both, as often as needed' });
  }
  const importing = o.passwd !== undefined || o.group !== undefined || o.minUid !== undefined || o.maxUid !== undefined;
  if (importing && o.map?.length !== 1) {
    throw new InputError('hesiod.import-map', `--passwd, --group, --min-uid and --max-uid add accounts to one Hesiod map; ${o.map?.length ? `${o.map.length} maps were given` : 'no --map was given'}`, { hint: 'give exactly one --map FILE.yml: it names the Hesiod domain (lhs, rhs, ns) the accounts are served under' });
  }
  if (importing && o.passwd === undefined) {
    throw new InputError('hesiod.import-no-passwd', o.group !== undefined ? '--group was given without --passwd' : '--min-uid and --max-uid select users of a --passwd file, and none was given', { hint: 'give --passwd FILE (passwd(5) format) as well' });
  }
  const listen = (o.listen?.length ? o.listen : [DEFAULT_HESIOD_LISTEN]).map((s) => parseEndpoint(s, 53, '--listen'));
  let reloadKey: string | undefined;
  if (o.reloadKeyFile) {
    try {
      reloadKey = (await readFile(o.reloadKeyFile, 'utf8')).trim();
    } catch (err) {
      throw new InputError('input.unreadable', `cannot read --reload-key ${o.reloadKeyFile}: ${(err as NodeJS.ErrnoException).code ?? ''}`, { hint: 'the file holds one line: the shared secret for POST /reload' });
    }
    if (reloadKey.length < 16) throw new InputError('hesiod.weak-reload-key', `--reload-key ${o.reloadKeyFile} holds fewer than 16 characters`, { hint: 'use e.g. `openssl rand -base64 32 > reload.key`' });
  }
  return {
    sources,
    listen,
    ...(o.http ? { http: parseEndpoint(o.http, 8053, '--http') } : {}),
    tsigKeys: (o.tsigKey ?? []).map(parseTsigKeySpec),
    ...(o.axfrAllow?.length ? { transferAcl: parseTransferAcl(o.axfrAllow) } : {}),
    ...(reloadKey ? { reloadKey } : {}),
    logQueries: o.logQueries === true,
    hsAlsoIn: o.in !== false,
    ...(o.maxUdpPayload ? { maxUdpPayload: intOption(o.maxUdpPayload, '--max-udp-payload', 512, 65535) } : {}),
    ...(o.tcpIdleTimeout ? { tcpIdleTimeoutMs: intOption(o.tcpIdleTimeout, '--tcp-idle-timeout', 1, 3_600_000) } : {}),
    ...(o.maxTcpConnections ? { maxTcpConnections: intOption(o.maxTcpConnections, '--max-tcp-connections', 1, 1_000_000) } : {}),
    ...(o.maxQueriesPerConnection ? { maxQueriesPerConnection: intOption(o.maxQueriesPerConnection, '--max-queries-per-connection', 1, 1_000_000_000) } : {}),
    version: VERSION,
  };
}

/** The account files and uid range of `--passwd`/`--group`/`--min-uid`/`--max-uid`, as a map source's fields. */
function accounts(o: HesiodCliOptions): { passwd?: string; group?: string; minUid?: number; maxUid?: number } {
  return {
    ...(o.passwd !== undefined ? { passwd: o.passwd } : {}),
    ...(o.group !== undefined ? { group: o.group } : {}),
    ...(o.minUid !== undefined ? { minUid: intOption(o.minUid, '--min-uid', 0, 4294967295) } : {}),
    ...(o.maxUid !== undefined ? { maxUid: intOption(o.maxUid, '--max-uid', 0, 4294967295) } : {}),
  };
}

function intOption(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError('cli.bad-number', `${flag} ${text} is not a whole number from ${min} to ${max}`, { hint: `give ${flag} a number in that range` });
  return n;
}

export async function runHesiod(o: HesiodCliOptions, io: CliIO, deps: HesiodRunDeps): Promise<number> {
  if (o.manifest) {
    const http = o.http ? safeEndpoint(o.http) : undefined;
    io.stdout(`${JSON.stringify(hesiodManifest(VERSION, http), null, 2)}\n`);
    return EXIT_OK;
  }
  let daemon: HesiodDaemon;
  const logger = pino({ base: { module: 'flatlab-hesiod', ...(isClusterWorker() ? { worker: process.pid } : {}) } }, { write: (s: string) => io.stderr(s) });
  const now = deps.now ?? (() => new Date());
  let cluster: ReturnType<typeof forkWorkers> | undefined;
  try {
    const cfg = await buildHesiodConfig(o);
    const workers = o.workers ? intOption(o.workers, '--workers', 1, 64) : 1;
    if (isClusterWorker()) {
      const { http: _primaryOnly, ...workerCfg } = cfg;
      daemon = await startHesiodDaemon({ ...workerCfg, shareSockets: true }, { logger, now, onReloadRequest: askPrimaryToReload });
      await serveAsWorker(daemon);
      return EXIT_OK;
    }
    if (workers > 1) {
      if (cfg.listen.some((e) => e.port === 0)) throw new InputError('hesiod.cluster-port-0', '--workers needs fixed --listen ports', { hint: 'give every --listen an explicit port, e.g. 127.0.0.1:5353' });
      const reloadRef: { current?: () => Promise<unknown> } = {};
      cluster = forkWorkers(
        workers,
        (code) => logger.error({ code }, 'a worker exited; the others keep serving'),
        () => void reloadRef.current?.(),
      );
      await cluster.ready;
      daemon = await startHesiodDaemon(cfg, { logger, now, peers: cluster.peers, serveDns: false });
      reloadRef.current = daemon.reload;
    } else {
      daemon = await startHesiodDaemon(cfg, { logger, now });
    }
  } catch (err) {
    await cluster?.stop();
    reportError(io, err);
    // A worker's IPC channel would keep it alive; dropping it lets the process end.
    if (isClusterWorker()) process.disconnect?.();
    return EXIT_USAGE;
  }
  const workersRunning = cluster;
  for (const a of workersRunning ? daemon.health().listen : daemon.dns.udp.map((u) => formatEndpoint({ host: u.address, port: u.port }))) io.stdout(`listening dns udp+tcp ${a}\n`);
  if (workersRunning) io.stdout(`workers ${workersRunning.workers.map((w) => w.process.pid).join(' ')}\n`);
  if (daemon.http) io.stdout(`listening http ${formatEndpoint({ host: daemon.http.address().address, port: daemon.http.address().port })}\n`);
  io.stdout(`serving ${daemon.store.served().map((z) => `${z.origin}/${z.class} serial ${z.serial}`).join(', ')}\n`);
  deps.onReady?.(daemon);
  return new Promise<number>((resolve) => {
    const onHup = () => void daemon.reload();
    const onStop = (sig: string) => {
      deps.signals.off('SIGHUP', onHup);
      deps.signals.off('SIGINT', onStop);
      deps.signals.off('SIGTERM', onStop);
      logger.info({ signal: sig }, 'shutting down');
      void Promise.all([daemon.close(), workersRunning?.stop()]).then(() => resolve(EXIT_OK));
    };
    deps.signals.on('SIGHUP', onHup);
    deps.signals.on('SIGINT', onStop);
    deps.signals.on('SIGTERM', onStop);
  });
}

function safeEndpoint(spec: string): Endpoint | undefined {
  try {
    return parseEndpoint(spec, 8053, '--http');
  } catch {
    return undefined;
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export const hesiodVerb: Verb = {
  name: 'hesiod',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('hesiod')
      .description('authoritative Hesiod DNS server (HS and IN classes, UDP+TCP, AXFR, TSIG, /health /metrics /manifest)')
      .option('--zone <[origin=]file>', 'RFC 1035 master file to serve (repeatable)', collect)
      .option('--map <file.yml>', 'Hesiod YAML map to serve (repeatable)', collect)
      .option('--passwd <file>', 'add the users of a passwd(5) file to the --map (the map\'s own users win; read again on reload)')
      .option('--group <file>', 'with --passwd: add the groups of a group(5) file and their members\' grplists')
      .option('--min-uid <n>', 'with --passwd: only users with at least this uid (e.g. 1000: no system accounts)')
      .option('--max-uid <n>', 'with --passwd: only users with at most this uid')
      .option('--listen <addr:port>', `DNS listen address, UDP and TCP (repeatable; default ${DEFAULT_HESIOD_LISTEN})`, collect)
      .option('--http <addr:port>', 'HTTP listener for /health, /metrics, /manifest and POST /reload')
      .option('--tsig-key <name:alg:secret>', 'TSIG key (hmac-sha256 or hmac-sha512, base64 secret) allowed to transfer zones (repeatable)', collect)
      .option('--axfr-allow <prefix>', 'address or prefix allowed to transfer zones without TSIG (repeatable)', collect)
      .option('--reload-key-file <file>', 'secret authorising POST /reload (bearer token or HMAC key)')
      .option('--log-queries', 'log every query (JSON lines on stderr)')
      .option('--no-in', 'answer HS zones only in class HS (stock hesinfo asks IN first and will then fail)')
      .option('--max-udp-payload <bytes>', 'largest UDP response whatever EDNS offers (default 1232)')
      .option('--tcp-idle-timeout <ms>', 'close idle TCP connections after this long (default 10000)')
      .option('--max-tcp-connections <n>', 'open TCP connections at most (default 512)')
      .option('--max-queries-per-connection <n>', 'queries per TCP connection before closing it (default 10000)')
      .option('--workers <n>', 'processes serving DNS (node:cluster, sharing the sockets; default 1)')
      .option('--manifest', 'print the FlatRacoon module manifest as JSON and exit')
      .action(async (opts: HesiodCliOptions) => {
        done(await runHesiod(opts, io, { signals: process }));
      });
  },
};
