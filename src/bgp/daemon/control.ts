/**
 * The bgpd control API: HTTP+JSON on a local TCP address or a unix socket (the netns runtime
 * reaches a daemon inside a namespace through its socket file). Read: neighbors, RIBs,
 * health, metrics, manifest. Write: announce/withdraw, shut down/enable a peer (RFC 8203
 * message), route refresh. Bind it to loopback or a socket: it has no authentication.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import type { PathAttributes } from '../wire/types.js';
import { routeView, neighborViews } from './views.js';
import type { BgpDaemon } from './daemon.js';

export interface ControlServer {
  close(): Promise<void>;
  /** `host:port` or the socket path. */
  where: string;
}

type Handler = (q: URLSearchParams, body: unknown, params: string[]) => { status?: number; body: unknown };

export async function startControlServer(daemon: BgpDaemon, target: { host: string; port: number } | { socket: string }, version: string): Promise<ControlServer> {
  const routes: Array<{ method: 'GET' | 'POST'; path: RegExp; handle: Handler }> = [
    { method: 'GET', path: /^\/neighbors$/, handle: () => ({ body: neighborViews(daemon) }) },
    {
      method: 'GET', path: /^\/rib$/, handle: (q) => {
        const prefix = q.get('prefix');
        const routes = prefix ? [daemon.speaker.bestRoute(prefix)].filter((r) => r !== undefined) : daemon.speaker.locRibRoutes();
        return { body: routes.map((r) => routeView(r.prefix, r.attributes, r.from, r.reason)) };
      },
    },
    {
      method: 'GET', path: /^\/rib\/in\/([^/]+)$/, handle: (q, _b, [peer]) => ({
        body: [...daemon.speaker.adjRibIn(decodeURIComponent(peer!), q.get('policy') === 'pre' ? 'pre-policy' : 'post-policy')].map(([k, a]) => routeView(k, a, decodeURIComponent(peer!))),
      }),
    },
    { method: 'GET', path: /^\/rib\/out\/([^/]+)$/, handle: (_q, _b, [peer]) => ({ body: [...daemon.speaker.adjRibOut(decodeURIComponent(peer!))].map(([k, a]) => routeView(k, a, 'local')) }) },
    { method: 'GET', path: /^\/health$/, handle: () => ({ body: { status: 'ok', asn: daemon.config.asn, routerId: daemon.config['router-id'], neighbors: neighborViews(daemon).map((n) => ({ name: n.name, state: n.state })) } }) },
    { method: 'GET', path: /^\/manifest$/, handle: () => ({ body: manifest(version) }) },
    {
      method: 'POST', path: /^\/announce$/, handle: (_q, body) => {
        const b = body as { prefix?: string; attributes?: PathAttributes };
        if (typeof b?.prefix !== 'string') return { status: 400, body: { error: 'body needs "prefix"' } };
        daemon.apply(daemon.speaker.originate(b.prefix, { origin: 0, ...(b.attributes ?? {}) }));
        return { body: { announced: b.prefix } };
      },
    },
    {
      method: 'POST', path: /^\/withdraw$/, handle: (_q, body) => {
        const b = body as { prefix?: string };
        if (typeof b?.prefix !== 'string') return { status: 400, body: { error: 'body needs "prefix"' } };
        daemon.apply(daemon.speaker.withdrawOriginated(b.prefix));
        return { body: { withdrawn: b.prefix } };
      },
    },
    {
      method: 'POST', path: /^\/neighbors\/([^/]+)\/(shutdown|enable|refresh)$/, handle: (_q, body, [peer, action]) => {
        const id = decodeURIComponent(peer!);
        if (action === 'shutdown') daemon.apply(daemon.speaker.stopPeer(id, (body as { message?: string } | undefined)?.message));
        else if (action === 'enable') daemon.apply(daemon.speaker.startPeer(id));
        else for (const f of daemon.speaker.negotiatedFamilies(id)) daemon.apply(daemon.speaker.routeRefresh(id, f));
        return { body: { peer: id, done: action } };
      },
    },
  ];

  const server: Server = createServer((req, res) => void handle(req, res).catch((err: Error) => send(res, 400, { error: err.message, ...(('hint' in err) ? { hint: (err as { hint?: string }).hint } : {}) })));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bgpd');
    const route = routes.find((r) => r.method === req.method && r.path.test(url.pathname));
    if (!route) return send(res, 404, { error: `no route ${req.method} ${url.pathname}`, routes: routes.map((r) => `${r.method} ${r.path.source.replace(/\\\//g, '/').replace(/^\^|\$$/g, '')}`) });
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
      body = text ? JSON.parse(text) : {};
    }
    const params = route.path.exec(url.pathname)!.slice(1);
    const r = route.handle(url.searchParams, body, params);
    send(res, r.status ?? 200, r.body);
  }

  if ('socket' in target) await rm(target.socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socket' in target) server.listen(target.socket, resolve);
    else server.listen(target.port, target.host, resolve);
  });
  return {
    where: 'socket' in target ? target.socket : `${target.host}:${target.port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

function manifest(version: string) {
  return {
    module: 'flatlab-bgpd',
    version,
    layer: 'network',
    requires: [],
    provides: ['bgp'],
    health_endpoint: '/health',
    metrics_endpoint: '/metrics',
  };
}
