/**
 * ExaBGP 4.2: `exabgpcli show neighbor extensive` and `show adj-rib in extensive`, read as ExaBGP
 * prints them. The CLI reaches the daemon over the named pipes the kind makes (src/kinds/exabgp.ts):
 * on netns in the node's run directory, shown at /run/exabgp in the CLI's own mount namespace; in
 * a container at /run/exabgp.
 *
 * ExaBGP selects no best path: it keeps what each neighbour sent (its Adj-RIB-In) and installs
 * nothing. A prefix received from one neighbour is reported as best; among several, the paths
 * are ranked as RFC 4271 §9.1.2.2 would (LOCAL_PREF, AS_PATH length, ORIGIN, MED within one
 * neighbour AS, eBGP over iBGP, lowest peer address), which is what the sim's speaker picks for
 * the node. Its own announcements are not in the table, as BIRD's static routes are not in the
 * BIRD observer's.
 */
import { EXABGP_CONTAINER_PIPES, EXABGP_PIPES_DIR, EXABGP_PIPES_MOUNT } from '../../../kinds/exabgp.js';
import { addressSortKey } from '../../../bgp/rib/rib.js';
import { RuntimeError } from '../../errors.js';
import type { RouteObservation, SessionObservation, SessionState } from '../../runtime.js';
import { peerNodeName, type BgpObserver, type ObserveContext } from './observer.js';

const STATES: Record<string, SessionState> = { idle: 'idle', active: 'active', connect: 'connect', opensent: 'opensent', openconfirm: 'openconfirm', established: 'established' };

export interface ExabgpNeighbor {
  address: string;
  /** Undefined before the peer's OPEN when the configuration names none (ExaBGP prints `-`). */
  asn: number | undefined;
  state: SessionState;
  uptimeSeconds: number | undefined;
}

/**
 * The blocks of `show neighbor extensive`, one per configured neighbour (`show neighbor summary`
 * lists only established ones): `Neighbor ADDR`, then `state ESTABLISHED`, `up for 0:00:05` (or
 * `down for …`) and `AS LOCAL REMOTE` lines, the remote `n/a` until the peer's OPEN when the
 * configuration names none.
 */
export function parseExabgpNeighbors(text: string): ExabgpNeighbor[] {
  const out: ExabgpNeighbor[] = [];
  let cur: ExabgpNeighbor | undefined;
  for (const line of text.split('\n')) {
    const head = /^Neighbor (\S+)/.exec(line);
    if (head) {
      cur = { address: head[1]!, asn: undefined, state: 'idle', uptimeSeconds: undefined };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const state = /^\s+state\s+([A-Z]+)\s*$/.exec(line);
    if (state) cur.state = STATES[state[1]!.toLowerCase()] ?? 'idle';
    const up = /^\s+up for\s+(.+?)\s*$/.exec(line);
    if (up) cur.uptimeSeconds = uptime(up[1]!);
    const as = /^\s+AS\s+\d+\s+(\S+)/.exec(line);
    if (as && /^\d+$/.test(as[1]!)) cur.asn = Number(as[1]);
  }
  return out;
}

/** `0:00:05`, `1 day, 2:03:04`, `3 days, 0:00:01` in seconds. */
function uptime(text: string): number | undefined {
  const m = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

export interface ExabgpRoute {
  neighbor: string;
  /** The neighbour's AS as the line gives it (`peer-as`). */
  peerAs: number | undefined;
  localAs: number | undefined;
  prefix: string;
  nextHop: string;
  origin: number;
  asPath: number[];
  med: number | undefined;
  localPref: number | undefined;
  communities: string[];
  largeCommunities: string[];
}

const ORIGINS: Record<string, number> = { igp: 0, egp: 1, incomplete: 2 };

/** The names ExaBGP prints for well-known communities (RFC 1997, RFC 3765, RFC 7999), as the other observers give them. */
const WELL_KNOWN_COMMUNITIES: Record<string, string> = {
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'no-export-subconfed': '65535:65283',
  'no-peer': '65535:65284',
  blackhole: '65535:666',
};

/**
 * Routes of `show adj-rib in extensive`, one per line: `neighbor ADDR [local-ip … local-as N
 * peer-as N …] ipv4|ipv6 unicast PREFIX next-hop NH origin igp as-path [ 65001 65002 ] med 5
 * local-preference 100 community [ 65000:1 65000:2 ] large-community 1:2:3 …` (a one-element
 * list may come without brackets). Attributes the observation does not carry are skipped.
 */
export function parseExabgpAdjRibIn(text: string): ExabgpRoute[] {
  const out: ExabgpRoute[] = [];
  for (const line of text.split('\n')) {
    const m = /^neighbor (\S+) (.*?)\b(?:ipv4|ipv6) unicast (\S+\/\d+)(.*)$/.exec(line.trim());
    if (!m) continue;
    const head = wordsAfter(m[2]!);
    const attrs = attributeWords(m[4]!);
    const list = (k: string) => attrs.get(k) ?? [];
    const number = (k: string) => (attrs.has(k) && /^\d+$/.test(list(k)[0] ?? '') ? Number(list(k)[0]) : undefined);
    out.push({
      neighbor: m[1]!,
      peerAs: head.get('peer-as'),
      localAs: head.get('local-as'),
      prefix: m[3]!,
      nextHop: list('next-hop')[0] ?? '',
      origin: ORIGINS[list('origin')[0] ?? 'igp'] ?? 2,
      // An AS_SET's members come in parentheses; counted as their ASes here, as BIRD prints them.
      asPath: list('as-path').filter((w) => /^\d+$/.test(w)).map(Number),
      med: number('med'),
      localPref: number('local-preference'),
      communities: list('community').map((c) => WELL_KNOWN_COMMUNITIES[c] ?? c),
      largeCommunities: list('large-community'),
    });
  }
  return out;
}

/** `local-as 65002 peer-as 65001` → numbers by key. */
function wordsAfter(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const words = text.split(/\s+/);
  for (let i = 0; i + 1 < words.length; i++) if (/^\d+$/.test(words[i + 1]!)) out.set(words[i]!, Number(words[i + 1]));
  return out;
}

/** `key value` and `key [ v1 v2 ]` pairs; a key with no value (atomic-aggregate) maps to []. */
function attributeWords(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const words = text.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; ) {
    const key = words[i++]!;
    if (words[i] === '[' || words[i] === '(') {
      const open = words[i]!;
      const close = open === '[' ? ']' : ')';
      const values: string[] = [];
      let depth = 0;
      for (i++; i < words.length; i++) {
        const w = words[i]!;
        if (w === open) depth++;
        else if (w === close && depth-- === 0) break;
        values.push(w);
      }
      i++;
      out.set(key, values.filter((w) => w !== '(' && w !== ')'));
    } else if (i < words.length && !KEYS_WITHOUT_VALUE.has(key)) {
      out.set(key, [words[i++]!]);
    } else {
      out.set(key, []);
    }
  }
  return out;
}

const KEYS_WITHOUT_VALUE = new Set(['atomic-aggregate']);

/** RFC 4271 §9.1.2.2's order over what ExaBGP shows: negative when `a` is preferred. */
function compareRoutes(a: ExabgpRoute, b: ExabgpRoute): number {
  const ibgp = (r: ExabgpRoute) => (r.peerAs !== undefined && r.peerAs === r.localAs ? 1 : 0);
  return (
    (b.localPref ?? 100) - (a.localPref ?? 100) ||
    a.asPath.length - b.asPath.length ||
    a.origin - b.origin ||
    (a.asPath[0] === b.asPath[0] ? (a.med ?? 0) - (b.med ?? 0) : 0) ||
    ibgp(a) - ibgp(b) ||
    addressOrder(a.neighbor, b.neighbor)
  );
}

function addressOrder(a: string, b: string): number {
  const ka = addressSortKey(a);
  const kb = addressSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The routes as observations, the preferred path of each prefix marked best. */
export function exabgpRouteObservations(routes: readonly ExabgpRoute[], name: (address: string) => string): RouteObservation[] {
  const best = new Map<string, ExabgpRoute>();
  for (const r of routes) {
    const cur = best.get(r.prefix);
    if (!cur || compareRoutes(r, cur) < 0) best.set(r.prefix, r);
  }
  return routes.map((r) => ({
    prefix: r.prefix,
    best: best.get(r.prefix) === r,
    asPath: r.asPath,
    nextHop: r.nextHop,
    ...(r.localPref !== undefined ? { localPref: r.localPref } : {}),
    ...(r.med !== undefined ? { med: r.med } : {}),
    communities: r.communities,
    largeCommunities: r.largeCommunities,
    from: name(r.neighbor),
  }));
}

async function exabgpcli(ctx: ObserveContext, command: string[]): Promise<string> {
  // In a container (containerlab) the pipes are at /run/exabgp already; on netns they are the
  // node's, in its run directory, to be shown at /run/exabgp for this call only.
  const inPlace = ctx.runDir === EXABGP_CONTAINER_PIPES;
  const argv = inPlace ? ['exabgpcli', ...command] : ['sh', '-c', `${EXABGP_PIPES_MOUNT} && exec exabgpcli "$@"`, EXABGP_PIPES_DIR.replace('{run}', ctx.runDir), ...command];
  const r = await ctx.exec(argv);
  if (r.exitCode !== 0 || /could not find|ExaBGP is not running|timeout/i.test(r.stdout)) {
    const log = inPlace ? `the container's log (docker logs)` : `${ctx.runDir}/exabgp.log`;
    throw new RuntimeError('netns.exabgp', `exabgpcli on ${ctx.node.name} failed: ${(r.stdout + r.stderr).trim()}`, { hint: `is ExaBGP running? see ${log}` });
  }
  return r.stdout;
}

export const exabgpObserver: BgpObserver = {
  async sessions(ctx) {
    return parseExabgpNeighbors(await exabgpcli(ctx, ['show', 'neighbor', 'extensive'])).map((n): SessionObservation => ({
      peer: peerNodeName(ctx, n.address),
      peerAddress: n.address,
      peerAsn: n.asn ?? 0,
      state: n.state,
      ...(n.uptimeSeconds !== undefined ? { uptimeSeconds: n.uptimeSeconds } : {}),
    }));
  },
  async routes(ctx, prefix) {
    // ExaBGP keeps a neighbour's routes in its Adj-RIB-In after that session has gone down:
    // only those of established sessions are routes it holds.
    const up = new Set(parseExabgpNeighbors(await exabgpcli(ctx, ['show', 'neighbor', 'extensive'])).filter((n) => n.state === 'established').map((n) => n.address));
    const routes = parseExabgpAdjRibIn(await exabgpcli(ctx, ['show', 'adj-rib', 'in', 'extensive'])).filter((r) => up.has(r.neighbor) && (prefix === undefined || r.prefix === prefix));
    return exabgpRouteObservations(routes, (a) => peerNodeName(ctx, a));
  },
};
