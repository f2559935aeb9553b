/**
 * Authorising control requests to a daemon's HTTP listener. Two schemes:
 * - `Authorization: Bearer <token>` where the token is read from a key file;
 * - `X-Flatlab-Signature: <unix-time>:<hex HMAC-SHA256(secret, "<time>\n<METHOD> <path>\n" + body)>`,
 *   the TSIG idea over HTTP: the secret never travels and a replay is only valid within the fudge.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ControlAuthOptions {
  bearerToken?: string;
  hmacSecret?: Buffer;
  nowSeconds: () => number;
  /** Seconds a signature stays valid either side of now (TSIG's default fudge). */
  fudge?: number;
}

export function signControlRequest(secret: Buffer, method: string, path: string, body: Buffer, nowSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${nowSeconds}\n${method} ${path}\n`).update(body).digest('hex');
  return `${nowSeconds}:${mac}`;
}

export function controlAuthorizer(opts: ControlAuthOptions) {
  return (req: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: Buffer }): boolean => {
    const auth = header(req.headers, 'authorization');
    if (opts.bearerToken && auth?.startsWith('Bearer ')) return safeEqual(Buffer.from(auth.slice(7).trim()), Buffer.from(opts.bearerToken));
    const sig = header(req.headers, 'x-flatlab-signature');
    if (opts.hmacSecret && sig) {
      const [timeText = '', mac = ''] = sig.split(':');
      const time = Number(timeText);
      if (!Number.isInteger(time) || Math.abs(opts.nowSeconds() - time) > (opts.fudge ?? 300)) return false;
      const expected = signControlRequest(opts.hmacSecret, req.method, req.path, req.body, time).split(':')[1] ?? '';
      return safeEqual(Buffer.from(mac, 'utf8'), Buffer.from(expected, 'utf8'));
    }
    return false;
  };
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
