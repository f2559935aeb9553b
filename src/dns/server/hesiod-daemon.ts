/**
 * The Hesiod daemon assembled from its parts: zones (master files and Hesiod YAML maps)
 * in a ZoneStore, the DNS engine on every listen address, and the observation HTTP
 * listener with /health, /metrics, /manifest and an authenticated POST /reload.
 * Clock and logger come in; signals are the caller's business (src/cli/hesiod.ts).
 */
import type { Logger } from 'pino';
import { controlAuthorizer } from '../../observe/control-auth.js';
import { startObserveServer, type ObserveServer } from '../../observe/http-server.js';
import { buildManifest, type ModuleManifest } from '../../observe/manifest.js';
import { loadHesiodZone } from '../hesiod/load.js';
import { loadHesiodMapFile } from '../hesiod/map.js';
import { loadZoneFile, type Zone } from '../zone/model.js';
import { className, rcodeName, typeName } from '../wire/constants.js';
import type { TsigKey } from '../wire/tsig.js';
import type { TransferAcl } from './access.js';
import { DnsMetrics, renderDnsMetrics, type DnsMetricsSnapshot } from './dns-metrics.js';
import { startDnsServer, type DnsServer, type QueryLogEntry } from './dns-server.js';
import { formatEndpoint, type Endpoint } from './endpoint.js';
import { ZoneStore, type ReloadResult } from './zone-store.js';

/** A master file, or a Hesiod map with, optionally, accounts imported from passwd(5)/group(5) files (read again on every reload). */
export type ZoneSource = { kind: 'zone'; file: string; origin?: string } | { kind: 'map'; file: string; passwd?: string; group?: string; minUid?: number; maxUid?: number };

export interface HesiodDaemonConfig {
  sources: readonly ZoneSource[];
  listen: readonly Endpoint[];
  http?: Endpoint;
  tsigKeys: readonly TsigKey[];
  transferAcl?: TransferAcl;
  /** Secret for POST /reload: a bearer token, or the key of an X-Flatlab-Signature HMAC. */
  reloadKey?: string;
  logQueries: boolean;
  /** Answer HS zones in class IN too (stock libhesiod asks IN first). */
  hsAlsoIn: boolean;
  maxUdpPayload?: number;
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  maxQueriesPerConnection?: number;
  version: string;
  /** Set in cluster workers: share the primary's socket handles instead of binding exclusively. */
  shareSockets?: boolean;
}

export interface HesiodDaemon {
  dns: DnsServer;
  http: ObserveServer | undefined;
  store: ZoneStore;
  metrics: DnsMetrics;
  reload(): Promise<ReloadResult>;
  health(): HealthDocument;
  close(): Promise<void>;
}

export interface HealthDocument {
  status: 'ok' | 'degraded';
  module: string;
  zones: Array<{ origin: string; class: string; serial: number; records: number; source?: string }>;
  last_reload: ReloadResult;
  listen: string[];
  tcp_connections_open: number;
}

export const MODULE_NAME = 'flatlab-hesiod';

export function hesiodManifest(version: string, http?: Endpoint): ModuleManifest {
  return buildManifest({
    module: MODULE_NAME,
    version,
    layer: 'naming',
    requires: ['network'],
    provides: ['dns-authoritative', 'hesiod', 'axfr'],
    ...(http ? { http: formatEndpoint(http) } : {}),
  });
}

export async function loadZoneSources(sources: readonly ZoneSource[]): Promise<Zone[]> {
  const zones: Zone[] = [];
  for (const s of sources) {
    if (s.kind === 'zone') zones.push(await loadZoneFile(s.file, s.origin ? { origin: s.origin } : {}));
    else if (s.passwd === undefined && s.group === undefined) zones.push(await loadHesiodMapFile(s.file));
    else zones.push(await loadHesiodZone({ map: s.file, ...(s.passwd !== undefined ? { passwd: s.passwd } : {}), ...(s.group !== undefined ? { group: s.group } : {}), ...(s.minUid !== undefined ? { minUid: s.minUid } : {}), ...(s.maxUid !== undefined ? { maxUid: s.maxUid } : {}) }));
  }
  return zones;
}

/** Other processes serving the same sockets (cluster workers), seen from the primary. */
export interface DaemonPeers {
  metrics(): Promise<DnsMetricsSnapshot[]>;
  reload(): Promise<ReloadResult[]>;
}

export interface HesiodDaemonDeps {
  logger: Logger;
  now: () => Date;
  peers?: DaemonPeers;
  /** Serve DNS here; false in a cluster primary, whose workers hold the sockets. */
  serveDns?: boolean;
  /** Where a signed NOTIFY's reload goes; default: reload this daemon (a worker asks its primary). */
  onReloadRequest?: () => void;
}

export async function startHesiodDaemon(cfg: HesiodDaemonConfig, deps: HesiodDaemonDeps): Promise<HesiodDaemon> {
  const zones = await loadZoneSources(cfg.sources);
  for (const z of zones) for (const w of z.warnings ?? []) deps.logger.warn({ zone: z.origin, code: w.code }, w.message);
  const store = new ZoneStore(zones, { hsAlsoIn: cfg.hsAlsoIn, now: deps.now });
  const metrics = new DnsMetrics();
  const nowSeconds = () => Math.floor(deps.now().getTime() / 1000);
  const logQuery = cfg.logQueries
    ? (e: QueryLogEntry) =>
        deps.logger.info(
          {
            transport: e.transport,
            client: e.client,
            qname: e.summary.qname,
            qtype: e.summary.qtype === undefined ? undefined : typeName(e.summary.qtype),
            qclass: e.summary.qclass === undefined ? undefined : className(e.summary.qclass),
            rcode: e.summary.rcode === undefined ? 'silence' : rcodeName(e.summary.rcode),
            tc: e.summary.truncated || undefined,
            us: e.micros,
          },
          'query',
        )
    : undefined;
  // The NOTIFY hook needs `reload`, which needs the server; break the knot with a reference.
  const reloadRef: { current?: () => Promise<ReloadResult> } = {};
  const dns = await startDnsServer({
    listen: deps.serveDns === false ? [] : cfg.listen,
    store,
    metrics,
    tsigKeys: cfg.tsigKeys,
    ...(cfg.transferAcl ? { transferAcl: cfg.transferAcl } : {}),
    ...(cfg.maxUdpPayload ? { maxUdpPayload: cfg.maxUdpPayload } : {}),
    ...(cfg.tcpIdleTimeoutMs ? { tcpIdleTimeoutMs: cfg.tcpIdleTimeoutMs } : {}),
    ...(cfg.maxTcpConnections ? { maxTcpConnections: cfg.maxTcpConnections } : {}),
    ...(cfg.maxQueriesPerConnection ? { maxQueriesPerConnection: cfg.maxQueriesPerConnection } : {}),
    nowSeconds,
    ...(logQuery ? { logQuery } : {}),
    onError: (err) => deps.logger.error({ err }, 'error while answering a query (query dropped)'),
    onReloadRequest: (zone) => {
      deps.logger.info({ zone }, 'signed NOTIFY: reloading');
      if (deps.onReloadRequest) deps.onReloadRequest();
      else void reloadRef.current?.();
    },
    exclusive: !cfg.shareSockets,
  });
  const reload = async (): Promise<ReloadResult> => {
    let r = await store.reload(() => loadZoneSources(cfg.sources));
    if (r.ok && deps.peers) {
      const failed = (await deps.peers.reload()).filter((p) => !p.ok);
      if (failed.length > 0) r = { ...r, ok: false, error: `${failed.length} worker(s) kept their old zones: ${failed[0]?.error ?? ''}` };
    }
    if (r.ok) deps.logger.info({ zones: r.zones }, 'zones reloaded');
    else deps.logger.error({ error: r.error }, 'reload failed; still serving the previous zones');
    return r;
  };
  reloadRef.current = reload;
  const listen = deps.serveDns === false ? cfg.listen.map(formatEndpoint) : dns.udp.map((a) => formatEndpoint({ host: a.address, port: a.port }));
  const health = (): HealthDocument => ({
    status: store.lastReload.ok ? 'ok' : 'degraded',
    module: MODULE_NAME,
    zones: store.served(),
    last_reload: store.lastReload,
    listen,
    tcp_connections_open: metrics.openTcpConnections,
  });
  let http: ObserveServer | undefined;
  if (cfg.http) {
    const secret = cfg.reloadKey;
    try {
      http = await startObserveServer(cfg.http.host, cfg.http.port, {
        health: () => ({ ...health() }),
        metrics: async () => renderDnsMetrics([metrics.snapshot(), ...((await deps.peers?.metrics()) ?? [])], { zones: store.served(), reloads: store.reloadCounts }),
        // The bound address, so port 0 shows the port the kernel chose.
        manifest: () => hesiodManifest(cfg.version, http ? { host: http.address().address, port: http.address().port } : cfg.http),
        control: [
          {
            method: 'POST',
            path: '/reload',
            handle: async () => {
              const r = await reload();
              return { status: r.ok ? 200 : 409, body: r };
            },
          },
        ],
        ...(secret ? { authorize: controlAuthorizer({ bearerToken: secret, hmacSecret: Buffer.from(secret), nowSeconds }) } : {}),
      });
    } catch (err) {
      await dns.close();
      throw err;
    }
  }
  return {
    dns,
    http,
    store,
    metrics,
    reload,
    health,
    async close() {
      await Promise.all([dns.close(), http?.close()]);
    },
  };
}
