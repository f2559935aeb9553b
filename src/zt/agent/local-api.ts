/**
 * The agent's local JSON API over HTTP, like zerotier-one's on localhost:9993 (`/status`,
 * `/network`, `/peer`, and on a controller `/controller/network/<nwid>[/member/<id>]`), served
 * on a Unix socket in the node's run directory: the file system is shared across the lab's
 * namespaces, so `flatlab zt` in the root namespace reaches every node without a route.
 */
import { createServer, request, type Server } from 'node:http';
import { rm } from 'node:fs/promises';

export interface ApiRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export type ApiHandler = (req: ApiRequest) => Promise<ApiResponse> | ApiResponse;

export async function serveLocalApi(socketPath: string, handler: ApiHandler): Promise<Server> {
  await rm(socketPath, { force: true });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let out: ApiResponse;
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          out = await handler({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, body: text ? JSON.parse(text) : undefined });
        } catch (err) {
          out = { status: err instanceof SyntaxError ? 400 : 500, body: { error: (err as Error).message } };
        }
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out.body));
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return server;
}

export class LocalApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** One request to an agent's API; rejects with LocalApiError on a non-2xx answer. */
export function callLocalApi(socketPath: string, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath, method, path, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        const status = res.statusCode ?? 500;
        if (status >= 200 && status < 300) resolve(parsed);
        else reject(new LocalApiError(status, typeof parsed === 'object' && parsed && 'error' in parsed ? String((parsed as { error: unknown }).error) : `HTTP ${status}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
