/**
 * The bgpd control API: HTTP+JSON on a local TCP address or a unix socket (the netns runtime
 * reaches a daemon inside a namespace through its socket file). docs/bgp-cli.md lists every
 * route; `flatlab bgp …` is its client.
 *
 * The same listener answers GET /health, /metrics (Prometheus text) and /manifest with the
 * shared observe pieces (src/observe/), like the Hesiod daemon's observation listener; unlike
 * that one it also carries the write routes, with no authentication: bind it to loopback or
 * a socket file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import type { PathAttributes } from '../wire/types.js';
import { LOCAL } from '../speaker/index.js';
import { FlatlabError } from '../../config/diagnostics.js';
import { buildManifest, type ModuleManifest } from '../../observe/manifest.js';
import { renderBgpdMetrics } from './metrics.js';
import { ControlRequestError, knownPeer, neighborView, neighborViews, parseCommunityText, parseLargeCommunityText, parseQueryPrefix, parseRibQuery, prefixText, ribView } from './views.js';
import type { BgpDaemon, ReloadOutcome } from './daemon.js';
import { MrtOutputError } from './mrt-errors.js';

export interface ControlServer {
  close(): Promise<void>;
  /** `host:port` (the bound port) or the socket path. */
  where: string;
}

export interface ControlOptions {
  version: string;
  /** Re-read the configuration file and apply it (POST /reload); absent: the route answers 501. */
  reload?: () => Promise<ReloadOutcome>;
}

export const MODULE_NAME = 'flatlab-bgpd';

export function bgpdManifest(version: string, http?: string): ModuleManifest {
  return buildManifest({ module: MODULE_NAME, version, layer: 'network', requires: [], provides: ['bgp'], ...(http ? { http } : {}) });
}

type Reply = { status?: number; body: unknown; text?: string };
type Handler = (q: URLSearchParams, body: unknown, params: string[]) => Reply | Promise<Reply>;

const u32 = z.number().int().min(0).max(4294967295);
/** POST /announce: friendly fields (what `flatlab bgp announce` sends) over optional raw wire-shaped attributes. */
const announceSchema = z.strictObject({
  prefix: z.string(),
  nextHop: z.string().optional(),
  asPath: z.array(u32).optional(),
  communities: z.array(z.union([z.string(), u32])).optional(),
  largeCommunities: z.array(z.union([z.string(), z.tuple([u32, u32, u32])])).optional(),
  med: u32.optional(),
  localPref: u32.optional(),
  origin: z.enum(['igp', 'egp', 'incomplete']).optional(),
  /** Raw PathAttributes (src/bgp/wire/types.ts), for attributes the friendly fields do not cover. */
  attributes: z.record(z.string(), z.unknown()).optional(),
});
const prefixBody = z.strictObject({ prefix: z.string() });
const shutdownBody = z.strictObject({ message: z.string().max(255).optional() });
const mrtDumpBody = z.strictObject({ file: z.string().min(1).optional() });
const resetBody = z.strictObject({ soft: z.enum(['in', 'out']).optional(), message: z.string().max(255).optional() });

function parseBody<T>(schema: z.ZodType<T>, body: unknown, route: string): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
  throw new ControlRequestError('bad-body', `${route}: ${issue.message}${where}`, 'see docs/bgp-cli.md for the request bodies');
}

/** The attributes an announce asks for, checked against the prefix's family. */
export function announcedAttributes(b: z.infer<typeof announceSchema>): { prefix: string; attributes: PathAttributes } {
  const parsed = parseQueryPrefix(b.prefix);
  if (!b.prefix.includes('/')) throw new ControlRequestError('bad-prefix', `"${b.prefix}" has no length`, 'write ADDRESS/LENGTH, e.g. 203.0.113.0/24');
  const prefix = prefixText(parsed);
  if (parseQueryPrefix(b.prefix.slice(0, b.prefix.indexOf('/'))).value !== parsed.value) throw new ControlRequestError('bad-prefix', `"${b.prefix}" has host bits set`, `did you mean ${prefix}?`);
  const a: PathAttributes = { origin: 0, ...(b.attributes as PathAttributes | undefined) };
  if (b.origin) a.origin = ({ igp: 0, egp: 1, incomplete: 2 } as const)[b.origin];
  if (b.asPath) a.asPath = b.asPath.length > 0 ? [{ type: 2, asns: b.asPath }] : [];
  if (b.med !== undefined) a.med = b.med;
  if (b.localPref !== undefined) a.localPref = b.localPref;
  if (b.communities) a.communities = b.communities.map((c) => (typeof c === 'number' ? c : parseCommunityText(c)));
  if (b.largeCommunities) a.largeCommunities = b.largeCommunities.map((c) => (typeof c === 'string' ? parseLargeCommunityText(c) : c));
  if (b.nextHop !== undefined) {
    const nh = parseQueryPrefix(b.nextHop);
    if (b.nextHop.includes('/') || nh.family !== parsed.family) {
      throw new ControlRequestError('bad-next-hop', `next hop "${b.nextHop}" is not an ${parsed.family === 'ipv4' ? 'IPv4' : 'IPv6'} address like the prefix ${prefix}`, 'give an address of the prefix\'s family, without a length');
    }
    a.nextHop = b.nextHop;
  }
  return { prefix, attributes: a };
}

export async function startControlServer(daemon: BgpDaemon, target: { host: string; port: number } | { socket: string }, options: ControlOptions): Promise<ControlServer> {
  let where = 'socket' in target ? target.socket : `${target.host}:${target.port}`;
  const health = () => {
    const neighbors = neighborViews(daemon);
    const ok = daemon.lastReload?.ok !== false;
    return {
      status: ok ? 'ok' : 'degraded',
      module: MODULE_NAME,
      asn: daemon.config.asn,
      routerId: daemon.config['router-id'],
      uptime: Math.round(daemon.uptimeMs() / 1000),
      neighbors: neighbors.map((n) => ({ name: n.name, state: n.state })),
      established: neighbors.filter((n) => n.state === 'Established').length,
      locRib: daemon.speaker.locRibSize(),
      ...(daemon.lastReload ? { last_reload: { ok: daemon.lastReload.ok, ...(daemon.lastReload.error ? { error: daemon.lastReload.error } : {}) } } : {}),
    };
  };
  const peerAction = (params: string[]): string => knownPeer(daemon, decodeURIComponent(params[0]!));

  const routes: Array<{ method: 'GET' | 'POST'; path: RegExp; handle: Handler }> = [
    { method: 'GET', path: /^\/health$/, handle: () => { const h = health(); return { status: h.status === 'ok' ? 200 : 503, body: h }; } },
    {
      method: 'GET', path: /^\/metrics$/, handle: () => ({
        body: undefined,
        text: renderBgpdMetrics({
          peers: neighborViews(daemon).map((n) => ({ ...n, uptime: n.state === 'Established' ? n.uptime : 0, counters: daemon.counters(n.name) })),
          locRibRoutes: daemon.speaker.locRibSize(),
          reloads: daemon.reloads,
          mrt: daemon.mrtCounters(),
        }),
      }),
    },
    { method: 'GET', path: /^\/manifest$/, handle: () => ({ body: bgpdManifest(options.version, 'socket' in target ? undefined : where) }) },
    { method: 'GET', path: /^\/neighbors$/, handle: () => ({ body: neighborViews(daemon) }) },
    { method: 'GET', path: /^\/neighbors\/([^/]+)$/, handle: (_q, _b, params) => ({ body: neighborView(daemon, peerAction(params)) }) },
    { method: 'GET', path: /^\/rib$/, handle: (q) => ({ body: ribView(daemon, parseRibQuery(q)) }) },
    // Older paths, kept for scripts: /rib/in/PEER?policy=pre and /rib/out/PEER.
    { method: 'GET', path: /^\/rib\/(in|out)\/([^/]+)$/, handle: (q, _b, [table, peer]) => ({ body: ribView(daemon, parseRibQuery(new URLSearchParams([...q, ['table', table!], ['peer', decodeURIComponent(peer!)]]))) }) },
    {
      method: 'POST', path: /^\/announce$/, handle: (_q, body) => {
        const { prefix, attributes } = announcedAttributes(parseBody(announceSchema, body, 'announce'));
        daemon.apply(daemon.speaker.originate(prefix, attributes));
        return { body: { announced: prefix } };
      },
    },
    {
      method: 'POST', path: /^\/withdraw$/, handle: (_q, body) => {
        const prefix = prefixText(parseQueryPrefix(parseBody(prefixBody, body, 'withdraw').prefix));
        if (daemon.speaker.bestRoute(prefix)?.from !== LOCAL) throw new ControlRequestError('not-announced', `${prefix} is not announced by this daemon`, 'flatlab bgp rib --peer local (GET /rib?peer=local) lists what it announces', 404);
        daemon.apply(daemon.speaker.withdrawOriginated(prefix));
        return { body: { withdrawn: prefix } };
      },
    },
    {
      method: 'POST', path: /^\/neighbors\/([^/]+)\/shutdown$/, handle: (_q, body, params) => {
        const peer = peerAction(params);
        const { message } = parseBody(shutdownBody, body, 'shutdown');
        daemon.apply(daemon.speaker.stopPeer(peer, message));
        return { body: { peer, done: 'shutdown', ...(message ? { message } : {}) } };
      },
    },
    {
      method: 'POST', path: /^\/neighbors\/([^/]+)\/enable$/, handle: (_q, _b, params) => {
        const peer = peerAction(params);
        if (daemon.speaker.sessionState(peer) === 'Idle') daemon.apply(daemon.speaker.startPeer(peer));
        return { body: { peer, done: 'enable' } };
      },
    },
    {
      method: 'POST', path: /^\/neighbors\/([^/]+)\/reset$/, handle: (_q, body, params) => {
        const peer = peerAction(params);
        const { soft, message } = parseBody(resetBody, body, 'reset');
        if (soft) return { body: { peer, done: `soft reset ${soft}`, ...daemon.softReset(peer, soft) } };
        // A hard reset is a shutdown and a start, as BIRD's `restart`.
        daemon.apply(daemon.speaker.stopPeer(peer, message ?? 'session reset by operator'));
        daemon.apply(daemon.speaker.startPeer(peer));
        return { body: { peer, done: 'reset' } };
      },
    },
    { method: 'POST', path: /^\/neighbors\/([^/]+)\/refresh$/, handle: (_q, _b, params) => { const peer = peerAction(params); return { body: { peer, done: 'soft reset in', ...daemon.softReset(peer, 'in') } }; } },
    {
      // A TABLE_DUMP_V2 RIB dump now, like BIRD's `mrt dump`: to `file`, or to mrt.table-dump's name for this instant.
      method: 'POST', path: /^\/mrt-dump$/, handle: async (_q, body) => {
        const { file } = parseBody(mrtDumpBody, body, 'mrt-dump');
        try {
          return { body: await daemon.mrtDump(file) };
        } catch (err) {
          if (err instanceof MrtOutputError) throw new ControlRequestError(err.code.replace(/^mrt\./, 'mrt-'), err.message, err.hint ?? '', err.code === 'mrt.no-table-dump' ? 409 : 500);
          throw err;
        }
      },
    },
    {
      method: 'POST', path: /^\/reload$/, handle: async () => {
        if (!options.reload) throw new ControlRequestError('no-reload', 'this daemon was started without a configuration file to reload', 'start it with flatlab bgpd --config FILE', 501);
        const r = await options.reload();
        return { status: r.ok ? 200 : 409, body: r };
      },
    },
  ];

  const server: Server = createServer((req, res) => void handle(req, res).catch((err: unknown) => sendError(res, err)));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bgpd');
    const route = routes.find((r) => r.method === req.method && r.path.test(url.pathname));
    if (!route) {
      const other = routes.some((r) => r.path.test(url.pathname));
      return send(res, other ? 405 : 404, { error: `no route ${req.method ?? ''} ${url.pathname}`, routes: routes.map((r) => `${r.method} ${r.path.source.replace(/\\\//g, '/').replace(/^\^|\$$/g, '')}`) });
    }
    let body: unknown;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > 1 << 20) return send(res, 413, { error: 'body too large' });
        chunks.push(c as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        throw new ControlRequestError('bad-json', 'the request body is not JSON', 'send a JSON object, e.g. {"prefix":"203.0.113.0/24"}');
      }
    }
    const params = route.path.exec(url.pathname)!.slice(1);
    const r = await route.handle(url.searchParams, body, params);
    if (r.text !== undefined) {
      res.writeHead(r.status ?? 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(r.text);
      return;
    }
    send(res, r.status ?? 200, r.body);
  }

  if ('socket' in target) await rm(target.socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new FlatlabError('bgpd.control-listen', `cannot listen for the control API on ${where}: ${err.code ?? err.message}`, { hint: 'pick another --control address or socket path' })));
    if ('socket' in target) server.listen(target.socket, resolve);
    else server.listen(target.port, target.host, resolve);
  });
  const bound = server.address();
  if (bound && typeof bound === 'object') where = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  return {
    where,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ControlRequestError) return send(res, err.status, { error: err.message, code: err.code, hint: err.hint });
  if (err instanceof FlatlabError) return send(res, 400, { error: err.message, code: err.code, ...(err.hint ? { hint: err.hint } : {}) });
  send(res, 500, { error: (err as Error).message });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}
