/**
 * `flatlab bgpd --config bgpd.yml [--port N] [--control ADDR:PORT | --control-socket PATH] [--log-level L]`:
 * the BGP daemon in the foreground until SIGINT/SIGTERM, which ceases every session cleanly.
 * SIGHUP (or POST /reload) re-reads the file and applies only the difference, like BIRD's
 * `configure`. An invalid config prints every problem as file:line:col and exits 2; at a
 * reload it is logged and the running configuration stays.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { InputError, ValidationError, formatDiagnostic } from '../config/diagnostics.js';
import { parseBgpdConfig } from '../bgp/daemon/config.js';
import { didYouMean } from '../config/suggest.js';
import { BgpDaemon, type ReloadOutcome } from '../bgp/daemon/daemon.js';
import { startControlServer, type ControlServer } from '../bgp/daemon/control.js';
import { applyDaemonHeapSettings } from '../bgp/daemon/heap-settings.js';
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
export interface RunningBgpd {
  daemon: BgpDaemon;
  /** Where the control API listens (host:port or socket path), if it does. */
  control: string | undefined;
  /** Re-read the configuration file and apply the difference. */
  reload(): Promise<ReloadOutcome>;
  stop(): Promise<void>;
}

async function loadConfig(file: string, io: CliIO) {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new InputError('bgpd.config-unreadable', `cannot read ${file}: ${(err as Error).message}`);
  }
  return parseBgpdConfig(text, file);
}

const LOG_LEVELS = ['quiet', 'info', 'debug'];

export async function startBgpd(opts: BgpdOptions, io: CliIO): Promise<RunningBgpd> {
  if (!LOG_LEVELS.includes(opts.logLevel)) {
    throw new InputError('bgpd.log-level', `--log-level takes ${LOG_LEVELS.join(', ')}, not "${opts.logLevel}"${didYouMean(opts.logLevel, LOG_LEVELS)}`, { hint: 'quiet logs nothing, info the sessions and reloads, debug more' });
  }
  const file = opts.config;
  const config = await loadConfig(file, io);
  const logger = pino({ level: opts.logLevel === 'quiet' ? 'silent' : opts.logLevel, base: undefined }, pino.destination(2));
  const port = opts.port === undefined ? undefined : parsePort(opts.port, '--port');
  // Every flag is checked before the daemon starts: a bad one must not leave it running.
  const target = opts.controlSocket ? { socket: resolve(io.cwd, opts.controlSocket) } : opts.control ? hostPort(opts.control) : config.control ? hostPort(config.control.http) : undefined;
  // mrt: file templates are relative to the config file, as its other paths.
  // No best-path events unless kernel-routes needs them: nothing else in the process reads them.
  const daemon = new BgpDaemon(config, { log: (e) => logger.info(e), ...(port !== undefined ? { listenPort: port } : {}), mrt: { baseDir: dirname(resolve(io.cwd, file)) }, bestPathEvents: false });
  await daemon.start();
  let control: ControlServer | undefined;
  const reload = async (): Promise<ReloadOutcome> => {
    try {
      return daemon.reload(await loadConfig(file, io));
    } catch (err) {
      const text = err instanceof ValidationError ? err.diagnostics.map(formatDiagnostic).join('\n') : (err as Error).message;
      return daemon.reloadFailed(text);
    }
  };
  try {
    if (target) control = await startControlServer(daemon, target, { version: VERSION, reload });
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return {
    daemon,
    control: control?.where,
    reload,
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

/** Signals come in through `deps` so tests can send SIGHUP without signalling the test runner. */
export interface BgpdRunDeps {
  signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  onReady?: (running: RunningBgpd) => void;
}

/** Run until SIGINT/SIGTERM; SIGHUP reloads. Resolves with the exit code. */
export async function runBgpd(opts: BgpdOptions, io: CliIO, deps: BgpdRunDeps): Promise<number> {
  let running: RunningBgpd;
  try {
    running = await startBgpd(opts, io);
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
  deps.onReady?.(running);
  await new Promise<void>((resolveStop) => {
    const hup = () => void running.reload();
    const stop = () => {
      deps.signals.off('SIGINT', stop);
      deps.signals.off('SIGTERM', stop);
      deps.signals.off('SIGHUP', hup);
      void running.stop().then(resolveStop);
    };
    deps.signals.on('SIGINT', stop);
    deps.signals.on('SIGTERM', stop);
    deps.signals.on('SIGHUP', hup);
  });
  return EXIT_OK;
}

export const bgpdVerb: Verb = {
  name: 'bgpd',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('bgpd')
      .description('run the flatlab BGP daemon in the foreground (SIGHUP reloads the config, SIGINT/SIGTERM stop it cleanly)')
      .requiredOption('-c, --config <file>', 'bgpd.yml (see docs/bgpd-config.md)')
      .option('-p, --port <n>', 'listen on this port instead of listen.port')
      .option('--control <addr:port>', 'control API (HTTP+JSON) on this address')
      .option('--control-socket <path>', 'control API on a unix socket')
      .option('--log-level <level>', 'quiet, info or debug', 'info')
      .action(async (opts: BgpdOptions) => {
        // Here and not in runBgpd: tests run that in their own process, whose heap this would tune.
        const stopHeapWatch = applyDaemonHeapSettings();
        const code = await runBgpd(opts, io, { signals: process });
        stopHeapWatch();
        done(code);
      });
  },
};
