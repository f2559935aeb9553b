/**
 * The observation HTTP listener every flatlab daemon runs: GET /health (JSON), GET
 * /metrics (Prometheus text), GET /manifest (JSON), plus daemon-specific control routes
 * (e.g. POST /reload) that must pass an authorisation check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlatlabError } from '../config/diagnostics.js';
import type { ModuleManifest } from './manifest.js';

export interface ControlRoute {
  method: 'POST';
  path: string;
  /** Runs only after `authorize` accepted the request; returns status and JSON body. */
  handle(body: Buffer): Promise<{ status: number; body: unknown }>;
}

export interface ObserveServerOptions {
  /** Current health document; `status` other than "ok" makes /health answer 503. */
  health: () => { status: string } & Record<string, unknown>;
  /** Prometheus text for /metrics (async so a primary can gather its workers' counts). */
  metrics: () => Promise<string> | string;
  manifest: () => ModuleManifest;
  control?: readonly ControlRoute[];
  /** Authorises a control request from its method, path, headers and body. */
  authorize?: (req: { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer }) => boolean;
  /** Bodies above this size are refused with 413. */
  maxBody?: number;
}

export interface ObserveServer {
  server: Server;
  address(): AddressInfo;
  close(): Promise<void>;
}

export async function startObserveServer(host: string, port: number, opts: ObserveServerOptions): Promise<ObserveServer> {
  const server = createServer((req, res) => {
    void route(req, res, opts).catch((err: unknown) => send(res, 500, { error: (err as Error).message }));
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(new FlatlabError('observe.listen-failed', `cannot listen for HTTP on ${host}:${port}: ${err.code ?? err.message}`, { hint: 'pick another --http address or port', cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    server,
    address: () => server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, opts: ObserveServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (path === '/health') {
      const h = opts.health();
      return send(res, h.status === 'ok' ? 200 : 503, h);
    }
    if (path === '/metrics') {
      const text = await opts.metrics();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    if (path === '/manifest') return send(res, 200, opts.manifest());
  }
  const control = opts.control?.find((c) => c.path === path);
  if (!control) return send(res, 404, { error: `no route ${req.method ?? ''} ${path}`, routes: ['GET /health', 'GET /metrics', 'GET /manifest', ...(opts.control ?? []).map((c) => `${c.method} ${c.path}`)] });
  if (req.method !== control.method) return send(res, 405, { error: `${path} takes ${control.method}` });
  const body = await readBody(req, opts.maxBody ?? 65536);
  if (!body) return send(res, 413, { error: 'request body too large' });
  if (!opts.authorize || !opts.authorize({ method: req.method, path, headers: req.headers, body })) {
    return send(res, 401, { error: 'not authorised', hint: 'sign the request (see docs/hesiod-server.md, "Reloading")' });
  }
  const out = await control.handle(body);
  return send(res, out.status, out.body);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}
