/**
 * `flatlab bgpd --config bgpd.yml [--port N] [--control ADDR:PORT | --control-socket PATH] [--log-level L]`:
 * the BGP daemon in the foreground until SIGINT/SIGTERM, which ceases every session cleanly.
 * An invalid config prints every problem as file:line:col and exits 2.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { InputError } from '../config/diagnostics.js';
import { parseBgpdConfig } from '../bgp/daemon/config.js';
import { BgpDaemon } from '../bgp/daemon/daemon.js';
import { startControlServer, type ControlServer } from '../bgp/daemon/control.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { VERSION } from './version.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export interface BgpdOptions {
  config: string;
  port?: string;
  control?: string;
  controlSocket?: string;
  logLevel: string;
}

/** Start the daemon; resolves with a stop function once it listens (tests use it in-process). */
export async function startBgpd(opts: BgpdOptions, io: CliIO): Promise<{ daemon: BgpDaemon; stop(): Promise<void> }> {
  const file = opts.config;
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new InputError('bgpd.config-unreadable', `cannot read ${file}: ${(err as Error).message}`);
  }
  const config = parseBgpdConfig(text, file);
  const logger = pino({ level: opts.logLevel === 'quiet' ? 'silent' : opts.logLevel, base: undefined }, pino.destination(2));
  const port = opts.port === undefined ? undefined : parsePort(opts.port, '--port');
  const daemon = new BgpDaemon(config, { log: (e) => logger.info(e), ...(port !== undefined ? { listenPort: port } : {}) });
  await daemon.start();
  let control: ControlServer | undefined;
  const target = opts.controlSocket ? { socket: resolve(io.cwd, opts.controlSocket) } : opts.control ? hostPort(opts.control) : config.control ? hostPort(config.control.http) : undefined;
  if (target) control = await startControlServer(daemon, target, VERSION);
  return {
    daemon,
    stop: async () => {
      await control?.close();
      await daemon.stop();
      logger.flush();
    },
  };
}

function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new InputError('bgpd.bad-port', `${flag} takes a port number 1-65535, not "${text}"`);
  return n;
}

function hostPort(text: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (!m) throw new InputError('bgpd.bad-control', `"${text}" is not ADDRESS:PORT`, { hint: 'e.g. 127.0.0.1:8179 or [::1]:8179' });
  return { host: m[1]!, port: parsePort(m[2]!, 'control port') };
}

export const bgpdVerb: Verb = {
  name: 'bgpd',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('bgpd')
      .description('run the flatlab BGP daemon in the foreground (SIGINT/SIGTERM stop it cleanly)')
      .requiredOption('-c, --config <file>', 'bgpd.yml (see docs/bgpd-config.md)')
      .option('-p, --port <n>', 'listen on this port instead of listen.port')
      .option('--control <addr:port>', 'control API (HTTP+JSON) on this address')
      .option('--control-socket <path>', 'control API on a unix socket')
      .option('--log-level <level>', 'quiet, info or debug', 'info')
      .action(async (opts: BgpdOptions) => {
        try {
          const running = await startBgpd(opts, io);
          await new Promise<void>((resolveStop) => {
            const stop = () => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              void running.stop().then(resolveStop);
            };
            process.on('SIGINT', stop);
            process.on('SIGTERM', stop);
          });
          done(EXIT_OK);
        } catch (err) {
          reportError(io, err);
          done(EXIT_USAGE);
        }
      });
  },
};
