/**
 * `flatlab bgp neighbors|rib|announce|withdraw|reset|shutdown|enable|reload`: clients of the
 * bgpd control API (docs/bgp-cli.md). Each subcommand is one small function registering
 * itself on the `bgp` command.
 *
 * Exit codes: 0 done; 1 a reload the daemon refused (it keeps the running configuration);
 * 2 bad arguments, an unreachable daemon, or a request the daemon rejected (unknown peer,
 * bad prefix), with its message and hint on stderr.
 */
import type { Command } from 'commander';
import { InputError } from '../config/diagnostics.js';
import type { NeighborView, RibRow } from '../bgp/daemon/views.js';
import type { ReloadOutcome } from '../bgp/daemon/daemon.js';
import type { TableDumpResult } from '../bgp/daemon/mrt-output.js';
import { resolve } from 'node:path';
import { controlCall, controlRequest, resolveControlTarget, BgpControlError, type ControlFlags, type ControlTarget } from './bgp-client.js';
import { neighborDetail, neighborsTable, ribTable } from './bgp-tables.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';

export type BgpSubcommand = (bgp: Command, io: CliIO, done: (code: number) => void) => void;

/** Adds --control / --config / --json to a subcommand. */
function withControl(cmd: Command, json = true): Command {
  cmd.option('--control <addr|socket>', 'control API of the daemon: ADDR:PORT or a unix socket path').option('-c, --config <bgpd.yml>', 'take the control address from this bgpd.yml');
  if (json) cmd.option('--json', 'print the daemon\'s JSON', false);
  return cmd;
}

/** Resolve the target, run `body`, map errors to exit 2. */
async function call(io: CliIO, flags: ControlFlags, body: (t: ControlTarget) => Promise<number>): Promise<number> {
  try {
    return await body(await resolveControlTarget(flags, io));
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

const print = (io: CliIO, v: unknown) => io.stdout(`${JSON.stringify(v, null, 2)}\n`);
const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function integer(flag: string, max = 4294967295) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > max) throw new InputError('cli.bgp.number', `${flag} takes an integer 0-${max}, not "${v}"`);
    return n;
  };
}

export const neighborsCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(bgp.command('neighbors').alias('neighbor').description('list BGP sessions with state, uptime and prefix counts (one PEER: details and message counts)').argument('[peer]', 'one neighbor by name or address'))
    .action(async (peer: string | undefined, o: ControlFlags) => done(await call(io, o, async (t) => {
      if (peer) {
        const n = await controlCall<NeighborView>(t, 'GET', `/neighbors/${encodeURIComponent(peer)}`);
        if (o.json) print(io, n);
        else io.stdout(neighborDetail(n));
        return EXIT_OK;
      }
      const ns = await controlCall<NeighborView[]>(t, 'GET', '/neighbors');
      if (o.json) print(io, ns);
      else io.stdout(ns.length === 0 ? 'no neighbors\n' : neighborsTable(ns));
      return EXIT_OK;
    })));
};

interface RibFlags extends ControlFlags {
  peer?: string;
  prePolicy?: boolean;
  longer?: boolean;
  community?: string;
  largeCommunity?: string;
  limit?: number;
}

export const ribCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(
    bgp
      .command('rib')
      .description('show the Loc-RIB (default), or the Adj-RIB-In / Adj-RIB-Out of every or one peer')
      .argument('[table]', 'loc, in or out (or a prefix, for the Loc-RIB)')
      .argument('[prefix]', 'only this prefix (with --longer: and its more specifics)')
      .option('--peer <peer>', 'in/out: this neighbor\'s table; loc: routes whose best path is from it ("local" for our own)')
      .option('--pre-policy', 'in: the Adj-RIB-In as received, before import policy', false)
      .option('--longer', 'the prefix and every more specific one', false)
      .option('--community <asn:value>', 'only routes carrying this community')
      .option('--large-community <g:d1:d2>', 'only routes carrying this large community')
      .option('--limit <n>', 'at most N routes', integer('--limit')),
  ).action(async (first: string | undefined, second: string | undefined, o: RibFlags) => done(await call(io, o, async (t) => {
    const isTable = first === 'loc' || first === 'in' || first === 'out';
    const table = isTable ? first : 'loc';
    const prefix = isTable ? second : first;
    if (!isTable && second !== undefined) throw new InputError('cli.bgp.rib-args', `unexpected "${second}" after the prefix ${first}`, { hint: 'flatlab bgp rib [loc|in|out] [PREFIX]' });
    if (o.prePolicy && table !== 'in') throw new InputError('cli.bgp.pre-policy', '--pre-policy is for the Adj-RIB-In', { hint: 'flatlab bgp rib in --pre-policy' });
    const q = new URLSearchParams({ table });
    if (o.peer) q.set('peer', o.peer);
    if (o.prePolicy) q.set('policy', 'pre');
    if (prefix) q.set('prefix', prefix);
    if (o.longer) q.set('match', 'longer');
    if (o.community) q.set('community', o.community);
    if (o.largeCommunity) q.set('large-community', o.largeCommunity);
    if (o.limit !== undefined) q.set('limit', String(o.limit));
    const rows = await controlCall<RibRow[]>(t, 'GET', `/rib?${q.toString()}`);
    if (o.json) print(io, rows);
    else io.stdout(ribTable(rows, table));
    return EXIT_OK;
  })));
};

interface AnnounceFlags extends ControlFlags {
  nextHop?: string;
  asPath?: string;
  community?: string[];
  largeCommunity?: string[];
  med?: number;
  localPref?: number;
  origin?: string;
}

export const announceCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(
    bgp
      .command('announce')
      .description('originate a route now, with attributes (replaces an earlier announce of the same prefix)')
      .argument('<prefix>', 'e.g. 203.0.113.0/24 or 2001:db8::/32')
      .option('--next-hop <addr>', 'NEXT_HOP sent as given (default: our session address)')
      .option('--as-path <asns>', 'AS_PATH to start from, e.g. "65010 65020" (our AS is prepended towards eBGP peers)')
      .option('--community <asn:value>', 'a community; repeat or separate with commas', collect)
      .option('--large-community <g:d1:d2>', 'a large community (RFC 8092); repeat or separate with commas', collect)
      .option('--med <n>', 'MULTI_EXIT_DISC', integer('--med'))
      .option('--local-pref <n>', 'LOCAL_PREF (iBGP peers)', integer('--local-pref'))
      .option('--origin <origin>', 'igp, egp or incomplete', 'igp'),
  ).action(async (prefix: string, o: AnnounceFlags) => done(await call(io, o, async (t) => {
    if (o.origin && !['igp', 'egp', 'incomplete'].includes(o.origin)) throw new InputError('cli.bgp.origin', `--origin "${o.origin}" is not igp, egp or incomplete`);
    const asPath = o.asPath?.split(/[\s,]+/).filter(Boolean).map((x) => integer('--as-path')(x));
    const body = {
      prefix,
      ...(o.nextHop ? { nextHop: o.nextHop } : {}),
      ...(asPath ? { asPath } : {}),
      ...(o.community ? { communities: o.community } : {}),
      ...(o.largeCommunity ? { largeCommunities: o.largeCommunity } : {}),
      ...(o.med !== undefined ? { med: o.med } : {}),
      ...(o.localPref !== undefined ? { localPref: o.localPref } : {}),
      ...(o.origin ? { origin: o.origin } : {}),
    };
    const r = await controlCall<{ announced: string }>(t, 'POST', '/announce', body);
    if (o.json) print(io, r);
    else io.stdout(`announced ${r.announced}\n`);
    return EXIT_OK;
  })));
};

export const withdrawCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(bgp.command('withdraw').description('withdraw a route this daemon announces').argument('<prefix>', 'the announced prefix'))
    .action(async (prefix: string, o: ControlFlags) => done(await call(io, o, async (t) => {
      const r = await controlCall<{ withdrawn: string }>(t, 'POST', '/withdraw', { prefix });
      if (o.json) print(io, r);
      else io.stdout(`withdrew ${r.withdrawn}\n`);
      return EXIT_OK;
    })));
};

export const resetCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(
    bgp
      .command('reset')
      .description('reset a session; --soft in re-imports (and sends ROUTE-REFRESH when negotiated), --soft out re-sends our routes')
      .argument('<peer>', 'neighbor name or address')
      .option('--soft <direction>', 'in or out: keep the session up')
      .option('--message <text>', 'hard reset: the shutdown communication sent with the Cease (RFC 8203)'),
  ).action(async (peer: string, o: ControlFlags & { soft?: string; message?: string }) => done(await call(io, o, async (t) => {
    if (o.soft !== undefined && o.soft !== 'in' && o.soft !== 'out') throw new InputError('cli.bgp.soft', `--soft "${o.soft}" is neither in nor out`);
    const r = await controlCall<{ peer: string; done: string; refreshed?: boolean }>(t, 'POST', `/neighbors/${encodeURIComponent(peer)}/reset`, { ...(o.soft ? { soft: o.soft } : {}), ...(o.message ? { message: o.message } : {}) });
    if (o.json) print(io, r);
    else io.stdout(`${r.peer}: ${r.done}${r.refreshed ? ' (ROUTE-REFRESH sent)' : o.soft === 'in' ? ' (stored routes only: the peer did not negotiate route refresh)' : ''}\n`);
    return EXIT_OK;
  })));
};

export const shutdownCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(
    bgp.command('shutdown').description('administratively shut a session down (Cease with an RFC 8203 message); it stays down until enable').argument('<peer>', 'neighbor name or address').option('--message <text>', 'shutdown communication for the peer\'s operator (UTF-8, at most 255 bytes)'),
  ).action(async (peer: string, o: ControlFlags & { message?: string }) => done(await call(io, o, async (t) => {
    if (o.message !== undefined && Buffer.byteLength(o.message) > 255) throw new InputError('cli.bgp.message', `--message is ${Buffer.byteLength(o.message)} bytes`, { hint: 'RFC 9003 allows at most 255 bytes of UTF-8' });
    const r = await controlCall<{ peer: string }>(t, 'POST', `/neighbors/${encodeURIComponent(peer)}/shutdown`, o.message ? { message: o.message } : {});
    if (o.json) print(io, r);
    else io.stdout(`${r.peer}: shut down\n`);
    return EXIT_OK;
  })));
};

export const enableCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(bgp.command('enable').description('start a session that was shut down').argument('<peer>', 'neighbor name or address'))
    .action(async (peer: string, o: ControlFlags) => done(await call(io, o, async (t) => {
      const r = await controlCall<{ peer: string }>(t, 'POST', `/neighbors/${encodeURIComponent(peer)}/enable`, {});
      if (o.json) print(io, r);
      else io.stdout(`${r.peer}: enabled\n`);
      return EXIT_OK;
    })));
};

export const reloadCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(bgp.command('reload').description('make the daemon re-read its bgpd.yml and apply only the difference (like birdc configure); exit 1 if it refused'))
    .action(async (o: ControlFlags) => done(await call(io, o, async (t) => {
      const r = await controlRequest(t, 'POST', '/reload', {});
      const outcome = r.body as ReloadOutcome | undefined;
      if (!outcome || typeof outcome.ok !== 'boolean') {
        const e = (r.body ?? {}) as { error?: string; hint?: string; code?: string };
        throw new BgpControlError(e.code ?? `cli.bgp.http-${r.status}`, `flatlab bgpd answered ${r.status}: ${e.error ?? r.text.trim()}`, e.hint ? { hint: e.hint } : {});
      }
      if (o.json) print(io, outcome);
      else io.stdout(reloadSummary(outcome));
      if (!outcome.ok) io.stderr(`flatlab: reload refused; the daemon keeps its running configuration: ${outcome.error ?? ''}\n`);
      return outcome.ok ? EXIT_OK : EXIT_FAILED;
    })));
};

export function reloadSummary(r: ReloadOutcome): string {
  if (!r.ok) return 'reload refused\n';
  const p = r.plan;
  const parts = [
    p.added.length ? `added ${p.added.join(', ')}` : '',
    p.removed.length ? `removed ${p.removed.join(', ')}` : '',
    p.restarted.length ? `restarted ${p.restarted.map((x) => `${x.peer} (${x.changed.join(', ')})`).join(', ')}` : '',
    p.softReset.length ? `soft reset ${p.softReset.map((x) => `${x.peer} (${[x.import ? 'in' : '', x.export ? 'out' : ''].filter(Boolean).join('+')})`).join(', ')}` : '',
    p.originate.length ? `announced ${p.originate.join(', ')}` : '',
    p.withdraw.length ? `withdrew ${p.withdraw.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'reloaded: nothing changed\n' : `reloaded: ${parts.join('; ')}\n`;
}

interface MrtDumpFlags extends ControlFlags {
  file?: string;
}

/** A full table takes a while to write: the daemon answers when the file is in place. */
const MRT_DUMP_TIMEOUT_MS = 600_000;

export const mrtDumpCommand: BgpSubcommand = (bgp, io, done) => {
  withControl(
    bgp
      .command('mrt-dump')
      .description('write a TABLE_DUMP_V2 RIB dump now (RFC 6396), like BIRD\'s mrt dump: to --file, or to the name mrt.table-dump.file gives for this instant')
      .option('--file <path>', 'where to write (relative to this directory; .gz compresses); the daemon writes it, so the path is on its host'),
  ).action(async (o: MrtDumpFlags) => done(await call(io, o, async (t) => {
    const r = await controlCall<TableDumpResult>(t, 'POST', '/mrt-dump', o.file === undefined ? {} : { file: resolve(io.cwd, o.file) }, MRT_DUMP_TIMEOUT_MS);
    if (o.json) print(io, r);
    else io.stdout(`${r.file}: ${r.prefixes} prefixes, ${r.entries} entries, ${r.bytes} bytes\n`);
    return EXIT_OK;
  })));
};

export const controlSubcommands: readonly BgpSubcommand[] = [neighborsCommand, ribCommand, announceCommand, withdrawCommand, resetCommand, shutdownCommand, enableCommand, reloadCommand, mrtDumpCommand];
