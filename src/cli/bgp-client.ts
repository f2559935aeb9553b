/**
 * The client side of the bgpd control API for `flatlab bgp …`: where the daemon is
 * (`--control ADDR:PORT|SOCKET`, else the `control:` address of `--config FILE`, else
 * $FLATLAB_BGPD_CONTROL) and one JSON request to it. An unreachable daemon or an error
 * answer is a typed error (exit 2 at the verb).
 */
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FlatlabError, InputError } from '../config/diagnostics.js';
import { parseBgpdConfig } from '../bgp/daemon/config.js';
import type { CliIO } from './io.js';

export type ControlTarget = { host: string; port: number } | { socket: string };

export interface ControlFlags {
  control?: string;
  config?: string;
  json?: boolean;
}

/** The daemon answered with an error, or could not be reached. */
export class BgpControlError extends FlatlabError {}

/** `127.0.0.1:8179`, `[::1]:8179`, or a path (anything with a slash, or an existing socket file name). */
export function parseControlTarget(text: string, cwd: string): ControlTarget {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^(\d{1,3}(?:\.\d{1,3}){3}|localhost):(\d{1,5})$/.exec(text);
  if (m) {
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw new InputError('cli.bgp.control', `control port ${port} is out of range`, { hint: 'ports are 1-65535' });
    return { host: m[1]!, port };
  }
  if (/^[^/]*:\d+$/.test(text)) throw new InputError('cli.bgp.control', `"${text}" is not ADDRESS:PORT`, { hint: 'write 127.0.0.1:8179, [::1]:8179, or the path of the control socket' });
  return { socket: resolve(cwd, text) };
}

export async function resolveControlTarget(flags: ControlFlags, io: CliIO): Promise<ControlTarget> {
  if (flags.control) return parseControlTarget(flags.control, io.cwd);
  if (flags.config) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, flags.config), 'utf8');
    } catch (err) {
      throw new InputError('cli.bgp.config-unreadable', `cannot read ${flags.config}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'give the bgpd.yml the daemon runs with, or --control ADDR:PORT' });
    }
    const config = parseBgpdConfig(text, flags.config);
    if (!config.control) throw new InputError('cli.bgp.no-control', `${flags.config} has no control: address`, { hint: 'add control: { http: 127.0.0.1:8179 } to it, or give --control ADDR:PORT|SOCKET' });
    return parseControlTarget(config.control.http, io.cwd);
  }
  const env = io.env.FLATLAB_BGPD_CONTROL;
  if (env) return parseControlTarget(env, io.cwd);
  throw new InputError('cli.bgp.no-control', 'no control address for flatlab bgpd', { hint: 'give --control ADDR:PORT|SOCKET, --config bgpd.yml (its control: address), or set FLATLAB_BGPD_CONTROL' });
}

export function targetText(t: ControlTarget): string {
  return 'socket' in t ? t.socket : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

export interface ControlReply {
  status: number;
  body: unknown;
  text: string;
}

/** One request; resolves with any HTTP answer, rejects only when the daemon cannot be reached. */
export function controlRequest(target: ControlTarget, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 10_000): Promise<ControlReply> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        ...('socket' in target ? { socketPath: target.socket } : { host: target.host, port: target.port }),
        path,
        method,
        timeout: timeoutMs,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolvePromise({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new BgpControlError('cli.bgp.unreachable', `cannot reach flatlab bgpd at ${targetText(target)}: ${err.code ?? err.message}`, { hint: 'is the daemon running with its control API there? (flatlab bgpd --control ADDR:PORT or --control-socket PATH)' })),
    );
    if (payload) req.write(payload);
    req.end();
  });
}

/** A request whose answer must be 2xx; the daemon's error message and hint become a typed error. */
export async function controlCall<T>(target: ControlTarget, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number): Promise<T> {
  const r = await controlRequest(target, method, path, body, timeoutMs);
  if (r.status >= 200 && r.status < 300) return r.body as T;
  const e = (r.body ?? {}) as { error?: string; hint?: string; code?: string };
  throw new BgpControlError(e.code ?? `cli.bgp.http-${r.status}`, `flatlab bgpd answered ${r.status}: ${e.error ?? r.text.trim()}`, e.hint ? { hint: e.hint } : {});
}
