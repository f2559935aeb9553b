/**
 * `flatlab bgp replay FILE --peer ADDR[:PORT] --local-as N`: feeds the routes of a
 * TABLE_DUMP_V2 RIB dump into one BGP session, to load a full table into any router. The
 * session is flatlab bgpd's own (speaker core + sockets) with the dump's routes originated
 * with their attributes, export `all`, import `none`: the speaker packs them into UPDATEs and
 * sends End-of-RIB. With the default --peer-as (= --local-as) the session is iBGP and the
 * routes go out as they are in the dump (AS_PATH, NEXT_HOP, LOCAL_PREF); over eBGP our AS is
 * prepended (RFC 4271 §5.1.2) and the dump's next hops are still sent as given unless
 * --next-hop-self replaces them.
 *
 * Exit codes: 0 stopped by Ctrl-C/SIGTERM, or all routes sent with --exit-after-eor; 1 the
 * session did not come up within --timeout with --exit-after-eor; 2 usage or input error.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../config/diagnostics.js';
import { bgpdConfigSchema } from '../bgp/daemon/config.js';
import { BgpDaemon } from '../bgp/daemon/daemon.js';
import { openMrtFile, openMrtStream } from '../bgp/mrt/input.js';
import { ribRoutes, type EntrySelection, type RibRouteOut } from '../bgp/mrt/rib-routes.js';
import { streamMrtRecords } from '../bgp/mrt/stream.js';
import type { Family } from '../bgp/wire/types.js';
import type { BgpSubcommand } from './bgp-control.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { abortOnSignals } from './interrupt.js';
import { reportError } from './report-error.js';

export interface ReplayOptions {
  peer: string;
  localAs: string;
  peerAs?: string;
  localAddress?: string;
  routerId?: string;
  nextHopSelf?: string;
  fromPeer?: string;
  limit?: string;
  passive?: boolean;
  exitAfterEor?: boolean;
  timeout?: string;
}

export interface ReplayDeps {
  /** Resolves when the replay should stop (Ctrl-C in the CLI; tests stop it themselves). */
  stop?: Promise<void>;
  /** Called once the daemon runs (tests read its state). */
  started?: (daemon: BgpDaemon, routes: number) => void;
}

const PEER_ID = 'replay-peer';
const POLL_MS = 50;

function parseAsn(text: string, flag: string): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 0xffffffff)) throw new InputError('cli.bgp.replay.asn', `${flag} "${text}" is not an AS number (1–4294967295)`, { hint: 'write it as a plain number, e.g. 65001' });
  return n;
}

function parsePeer(text: string): { address: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? (isIP(text) ? null : /^([^:]+):(\d+)$/.exec(text));
  const address = m ? (m[1] as string) : text;
  const port = m ? Number(m[2]) : 179;
  if (!isIP(address) || !(port >= 1 && port <= 65535)) throw new InputError('cli.bgp.replay.peer', `--peer "${text}" is not ADDRESS[:PORT]`, { hint: 'e.g. 192.0.2.1, 192.0.2.1:1179 or [2001:db8::1]:179' });
  return { address, port };
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

async function loadRoutes(file: string, io: CliIO, select: EntrySelection, limit: number, nextHopSelf: string | undefined): Promise<RibRouteOut[]> {
  const chunks = file === '-' ? await openMrtStream(process.stdin) : await openMrtFile(resolve(io.cwd, file), file);
  const stats = { skipped: 0 };
  const routes: RibRouteOut[] = [];
  const family = nextHopSelf === undefined ? 0 : isIP(nextHopSelf);
  for await (const route of ribRoutes(streamMrtRecords(chunks), select, stats)) {
    const routeFamily = route.prefix.includes(':') ? 6 : 4;
    routes.push(family === routeFamily ? { prefix: route.prefix, attributes: { ...route.attributes, nextHop: nextHopSelf } } : route);
    if (routes.length >= limit) break;
  }
  if (stats.skipped > 0) io.stderr(`flatlab: warning: ${stats.skipped} RIB entries with undecodable attributes were skipped\n`);
  return routes;
}

export async function runBgpReplay(file: string, o: ReplayOptions, io: CliIO, deps: ReplayDeps = {}): Promise<number> {
  let daemon: BgpDaemon;
  let routes: RibRouteOut[];
  try {
    const localAs = parseAsn(o.localAs, '--local-as');
    const peerAs = o.peerAs === undefined ? localAs : parseAsn(o.peerAs, '--peer-as');
    const peer = parsePeer(o.peer);
    const localAddress = o.localAddress ?? (isLoopback(peer.address) ? peer.address : undefined);
    if (localAddress === undefined) throw new InputError('cli.bgp.replay.local-address', 'give --local-address: this side\'s address towards the peer', { hint: 'the session\'s own NEXT_HOP and, with --passive, where to listen' });
    const limit = o.limit === undefined ? Infinity : Number(o.limit);
    if (!(limit >= 1)) throw new InputError('cli.bgp.replay.limit', `--limit "${o.limit}" is not a positive number`, { hint: 'the number of prefixes to send' });
    const select: EntrySelection = o.fromPeer === undefined ? { kind: 'first' } : { kind: 'peer', address: o.fromPeer };
    if (o.nextHopSelf !== undefined && !isIP(o.nextHopSelf)) throw new InputError('cli.bgp.replay.next-hop', `--next-hop-self "${o.nextHopSelf}" is not an address`, { hint: 'the NEXT_HOP to put on every route of its family' });
    if (!isIP(localAddress)) throw new InputError('cli.bgp.replay.local-address', `--local-address "${localAddress}" is not an address`, { hint: 'this side\'s IPv4 or IPv6 address towards the peer' });
    if (o.routerId !== undefined && isIP(o.routerId) !== 4) throw new InputError('cli.bgp.replay.router-id', `--router-id "${o.routerId}" is not a dotted quad`, { hint: 'a BGP identifier is written as an IPv4 address, e.g. 192.0.2.1' });
    if (o.timeout !== undefined && !(/^\d+(\.\d+)?$/.test(o.timeout) && Number(o.timeout) > 0)) throw new InputError('cli.bgp.replay.timeout', `--timeout "${o.timeout}" is not a number of seconds`, { hint: 'e.g. --timeout 300' });
    routes = await loadRoutes(file, io, select, limit, o.nextHopSelf);
    if (routes.length === 0) throw new InputError('cli.bgp.replay.empty', `${file} has no IPv4/IPv6 unicast RIB entries${o.fromPeer ? ` from peer ${o.fromPeer}` : ''}`, { hint: 'flatlab mrt dump FILE --json shows what it holds' });
    const families = [...new Set(routes.map((r) => (r.prefix.includes(':') ? 'ipv6' : 'ipv4') as 'ipv4' | 'ipv6'))];
    const config = bgpdConfigSchema.parse({
      'router-id': o.routerId ?? (isIP(localAddress) === 4 ? localAddress : '192.0.2.255'),
      asn: localAs,
      listen: { address: o.passive ? [localAddress] : [], port: o.passive ? peer.port : 179 },
      peers: [{ name: PEER_ID, address: peer.address, 'remote-as': peerAs, ...(o.passive ? {} : { port: peer.port }), 'local-address': localAddress, passive: Boolean(o.passive), families, import: 'none', export: 'all' }],
    });
    daemon = new BgpDaemon(config);
    for (const route of routes) daemon.speaker.originate(route.prefix, route.attributes);
    await daemon.start();
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
  io.stderr(`flatlab: replaying ${routes.length} prefixes to ${o.peer}\n`);
  deps.started?.(daemon, routes.length);
  const signals = deps.stop === undefined ? abortOnSignals() : undefined;
  const stopped = deps.stop ?? new Promise<void>((r) => signals?.signal.addEventListener('abort', () => r(), { once: true }));
  let stop = false;
  void stopped.then(() => { stop = true; });
  const deadline = Date.now() + Number(o.timeout ?? 120) * 1000;
  let code = EXIT_OK;
  let announced = false;
  const perFamily = new Map<Family, number>();
  for (const r of routes) {
    const f: Family = r.prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast';
    perFamily.set(f, (perFamily.get(f) ?? 0) + 1);
  }
  let warnedFamilies = '';
  try {
    // Bounded by --timeout when exiting after End-of-RIB, by the stop signal otherwise.
    while (!stop) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const established = daemon.speaker.sessionState(PEER_ID) === 'Established';
      // Only the families the peer negotiated can be sent (RFC 4760): the rest would never go out.
      let expected = routes.length;
      if (established) {
        const negotiated = new Set(daemon.speaker.negotiatedFamilies(PEER_ID));
        const missing = [...perFamily].filter(([f]) => !negotiated.has(f));
        expected -= missing.reduce((n, [, count]) => n + count, 0);
        const key = missing.map(([f]) => f).join(',');
        if (key && key !== warnedFamilies) {
          warnedFamilies = key;
          io.stderr(`flatlab: warning: the peer did not negotiate ${missing.map(([f, n]) => `${f} (${n} prefix${n === 1 ? '' : 'es'} not sent)`).join(', ')}\n`);
        }
        if (expected === 0) {
          io.stderr('flatlab: nothing to send: the peer negotiated none of the dump\'s address families\n');
          code = EXIT_FAILED;
          break;
        }
      }
      const sent = established && daemon.speaker.peerRouteCounts(PEER_ID).advertised === expected && daemon.pendingWrites(PEER_ID) === 0;
      if (sent && !announced) {
        announced = true;
        io.stderr(`flatlab: ${expected} prefixes and End-of-RIB sent\n`);
        if (o.exitAfterEor) break;
      }
      if (o.exitAfterEor && Date.now() > deadline) {
        io.stderr(`flatlab: gave up after ${o.timeout ?? 120} s: session ${daemon.speaker.sessionState(PEER_ID)}, ${daemon.speaker.peerRouteCounts(PEER_ID).advertised} of ${routes.length} prefixes sent\n`);
        code = EXIT_FAILED;
        break;
      }
    }
  } finally {
    signals?.dispose();
    await daemon.stop('flatlab bgp replay done');
  }
  return code;
}

export const replayCommand: BgpSubcommand = (bgp, io, done) => {
  bgp
    .command('replay')
    .description('announce the routes of an MRT TABLE_DUMP_V2 RIB dump to a BGP peer, then End-of-RIB; runs until Ctrl-C')
    .argument('<file>', 'the MRT file (.gz read directly), or - for stdin')
    .requiredOption('--peer <address[:port]>', 'the router to feed (port 179 by default)')
    .requiredOption('--local-as <asn>', 'our AS number')
    .option('--peer-as <asn>', 'the peer\'s AS number (default: --local-as, an iBGP session that keeps the dump\'s attributes)')
    .option('--local-address <address>', 'our address towards the peer (default: the peer address when it is a loopback)')
    .option('--router-id <id>', 'our BGP identifier (default: --local-address when IPv4)')
    .option('--next-hop-self <address>', 'send this NEXT_HOP on every route of its family instead of the dump\'s')
    .option('--from-peer <address>', 'take each prefix\'s entry from this peer of the PEER_INDEX_TABLE (default: the first entry)')
    .option('--limit <n>', 'send at most this many prefixes')
    .option('--passive', 'wait for the peer to connect (listen on --local-address and the --peer port) instead of connecting')
    .option('--exit-after-eor', 'exit once every prefix and End-of-RIB are sent')
    .option('--timeout <seconds>', 'with --exit-after-eor: give up (exit 1) after this long', '120')
    .action(async (file: string, o: ReplayOptions) => {
      done(await runBgpReplay(file, o, io));
    });
};
