/**
 * `flatlab hesinfo name type`: like hesinfo(1) from Debian's hesiod package. Builds
 * `name.type<lhs><rhs>` from hesiod.conf (HESIOD_CONFIG or /etc/hesiod.conf; -l/-r
 * override it), asks the classes in the configured order, prints one line per TXT record.
 * Exit codes as hesinfo: 0 found, 1 not found or lookup failed, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { FlatlabError, InputError } from '../config/diagnostics.js';
import { loadHesiodConf } from '../dns/hesiod/config.js';
import { hesiodToBind } from '../dns/hesiod/names.js';
import { parseEndpoint, type Endpoint } from '../dns/server/endpoint.js';
import { hesiodResolve, type HesiodClass } from '../dns/server/hesiod-resolve.js';
import { queryServer } from '../dns/server/query-client.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export interface HesinfoOptions {
  server?: string;
  conf?: string;
  lhs?: string;
  rhs?: string;
  classes?: string;
  bind?: boolean;
  long?: boolean;
  json?: boolean;
  tcp?: boolean;
  timeout?: string;
}

export async function runHesinfo(name: string, type: string, o: HesinfoOptions, io: CliIO): Promise<number> {
  let server: Endpoint;
  let bindName: string;
  let classes: HesiodClass[];
  try {
    const confFile = o.conf ?? io.env.HESIOD_CONFIG ?? '/etc/hesiod.conf';
    const conf = o.rhs !== undefined && !o.conf && !io.env.HESIOD_CONFIG ? { lhs: '', rhs: '', classes: ['IN', 'HS'] as HesiodClass[] } : await loadHesiodConf(confFile, { HES_DOMAIN: io.env.HES_DOMAIN });
    const naming = { lhs: o.lhs ?? conf.lhs, rhs: o.rhs ?? conf.rhs };
    classes = o.classes ? parseClasses(o.classes) : conf.classes;
    bindName = hesiodToBind(name, type, naming);
    server = o.server ? parseEndpoint(o.server, 53, '-s') : await systemResolver();
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
  const timeoutMs = o.timeout ? Number(o.timeout) : 2000;
  try {
    const answer = await hesiodResolve(bindName, classes, (n, t, c) => queryServer(server, n, t, c, { timeoutMs, ...(o.tcp ? { tcp: true } : {}) }));
    if (o.json) {
      io.stdout(`${JSON.stringify({ name, type, bind_name: bindName, server: `${server.host}:${server.port}`, found: answer !== undefined, class: answer?.class ?? null, records: answer?.lines ?? [] }, null, 2)}\n`);
      return answer ? EXIT_OK : EXIT_FAILED;
    }
    if (o.bind) {
      if (o.long) io.stdout(`hes_to_bind(${name}, ${type}) expands to\n`);
      io.stdout(`${bindName}\n`);
      if (o.long) io.stdout('which ');
    }
    if (o.long) io.stdout('resolves to\n');
    if (!answer) {
      if (o.long) io.stdout('nothing\n');
      io.stderr('hesinfo: hesiod_resolve: Hesiod name not found.\n');
      return EXIT_FAILED;
    }
    for (const line of answer.lines) io.stdout(`${line}\n`);
    return EXIT_OK;
  } catch (err) {
    if (o.json && err instanceof FlatlabError) {
      io.stdout(`${JSON.stringify({ name, type, bind_name: bindName, found: false, error: err.message, code: err.code }, null, 2)}\n`);
      return EXIT_FAILED;
    }
    reportError(io, err);
    return EXIT_FAILED;
  }
}

function parseClasses(text: string): HesiodClass[] {
  const out: HesiodClass[] = [];
  for (const w of text.split(',')) {
    const c = w.trim().toUpperCase();
    if (c !== 'IN' && c !== 'HS') throw new InputError('hesinfo.bad-class', `--classes names "${w}"`, { hint: 'give IN, HS or both in search order, e.g. --classes HS,IN' });
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** The first nameserver of /etc/resolv.conf, as the system resolver libhesiod uses would ask. */
async function systemResolver(): Promise<Endpoint> {
  let text = '';
  try {
    text = await readFile('/etc/resolv.conf', 'utf8');
  } catch {
    // fall through to the default below, as res_init does
  }
  const m = /^\s*nameserver\s+(\S+)/m.exec(text);
  return parseEndpoint(m?.[1] ?? '127.0.0.1', 53, 'nameserver in /etc/resolv.conf');
}

export const hesinfoVerb: Verb = {
  name: 'hesinfo',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('hesinfo')
      .description('look up a Hesiod name like hesinfo(1): name.type<lhs><rhs>, TXT, classes in hesiod.conf order')
      .argument('<name>', 'Hesiod name, e.g. jdoe')
      .argument('<type>', 'Hesiod type, e.g. passwd, group, filsys')
      .option('-s, --server <addr[:port]>', 'ask this server (default: first nameserver of /etc/resolv.conf)')
      .option('-c, --conf <file>', 'hesiod.conf to read (default: $HESIOD_CONFIG or /etc/hesiod.conf)')
      .option('-l, --lhs <lhs>', 'left-hand side, e.g. .ns (overrides hesiod.conf)')
      .option('-r, --rhs <rhs>', 'right-hand side, e.g. .example.org (overrides hesiod.conf)')
      .option('--classes <list>', 'class search order, e.g. HS,IN (overrides hesiod.conf)')
      .option('-b, --bind', 'also print the DNS name looked up (hesinfo -b)')
      .option('--long', 'long format (hesinfo -l)')
      .option('--tcp', 'ask over TCP')
      .option('--timeout <ms>', 'per-try timeout in milliseconds (default 2000)')
      .option('--json', 'print the result as JSON')
      .action(async (name: string, type: string, opts: HesinfoOptions) => {
        done(await runHesinfo(name, type, opts, io));
      });
  },
};
