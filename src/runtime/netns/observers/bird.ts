/** BIRD 2: `birdc show protocols all` and `show route … all`, parsed. */
import { RuntimeError } from '../../errors.js';
import type { RouteObservation, SessionObservation, SessionState } from '../../runtime.js';
import { peerNodeName, type BgpObserver, type ObserveContext } from './observer.js';

const BIRD_STATES: Record<string, SessionState> = { Idle: 'idle', Connect: 'connect', Active: 'active', OpenSent: 'opensent', OpenConfirm: 'openconfirm', Established: 'established' };

export interface BirdProtocol {
  name: string;
  state: SessionState;
  neighborAddress?: string;
  neighborAs?: number;
}

/** Protocol blocks of `show protocols all`: a header line, then indented details. */
export function parseBirdProtocols(text: string): BirdProtocol[] {
  const out: BirdProtocol[] = [];
  let cur: BirdProtocol | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S+)\s+BGP\s+\S+\s+\S+\s+\S+\s*(\S*)/.exec(line);
    if (head) {
      cur = { name: head[1]!, state: BIRD_STATES[head[2] ?? ''] ?? 'idle' };
      out.push(cur);
      continue;
    }
    if (/^\S/.test(line)) cur = undefined;
    if (!cur) continue;
    const bgpState = /^\s+BGP state:\s+(\S+)/.exec(line);
    if (bgpState) cur.state = BIRD_STATES[bgpState[1]!] ?? cur.state;
    const addr = /^\s+Neighbor address:\s+(\S+)/.exec(line);
    if (addr) cur.neighborAddress = addr[1]!.replace(/%.*$/, '');
    const as = /^\s+Neighbor AS:\s+(\d+)/.exec(line);
    if (as) cur.neighborAs = Number(as[1]);
  }
  return out;
}

export interface BirdRoute {
  prefix: string;
  best: boolean;
  protocol: string;
  from?: string;
  attributes: Record<string, string>;
}

/** Route blocks of `show route [PREFIX] all`. */
export function parseBirdRoutes(text: string): BirdRoute[] {
  const out: BirdRoute[] = [];
  let prefix = '';
  let cur: BirdRoute | undefined;
  for (const line of text.split('\n')) {
    const m = /^(\S+\/\d+)?\s+.*?\[(\S+) [^\]]*?(?:from (\S+))?\]\s*(\*)?/.exec(line);
    if (m && !line.startsWith('\t') && !/^Table /.test(line) && !/^BIRD /.test(line)) {
      if (m[1]) prefix = m[1];
      cur = { prefix, best: m[4] === '*', protocol: m[2]!, ...(m[3] ? { from: m[3] } : {}), attributes: {} };
      out.push(cur);
      continue;
    }
    const attr = /^\t(\S+):\s*(.*)$/.exec(line);
    if (attr && cur) cur.attributes[attr[1]!] = attr[2]!.trim();
  }
  return out;
}

/** One parsed BIRD route as an observation; `from` names where it came from. */
export function birdRouteObservation(r: BirdRoute, from: string): RouteObservation {
  const a = r.attributes;
  const asPath = (a['BGP.as_path'] ?? '').replace(/[{}]/g, ' ').split(/\s+/).filter(Boolean).map(Number);
  return {
    prefix: r.prefix,
    best: r.best,
    asPath,
    nextHop: (a['BGP.next_hop'] ?? '').split(/\s+/)[0] ?? '',
    ...(a['BGP.local_pref'] ? { localPref: Number(a['BGP.local_pref']) } : {}),
    ...(a['BGP.med'] ? { med: Number(a['BGP.med']) } : {}),
    communities: [...(a['BGP.community'] ?? '').matchAll(/\((\d+),(\d+)\)/g)].map((x) => `${x[1]}:${x[2]}`),
    largeCommunities: [...(a['BGP.large_community'] ?? '').matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map((x) => `${x[1]}:${x[2]}:${x[3]}`),
    from,
  };
}

async function birdc(ctx: ObserveContext, args: string[]): Promise<string> {
  const r = await ctx.exec(['birdc', '-s', `${ctx.runDir}/bird.ctl`, ...args]);
  // birdc exits non-zero for "Network not found"; only a missing daemon is an error here.
  if (/Unable to connect|No such file/.test(r.stdout + r.stderr)) throw new RuntimeError('netns.bird', `cannot reach BIRD on ${ctx.node.name}: ${(r.stdout + r.stderr).trim()}`, { hint: `is it running? see ${ctx.runDir}/bird.log` });
  return r.stdout;
}

export const birdObserver: BgpObserver = {
  async sessions(ctx) {
    return parseBirdProtocols(await birdc(ctx, ['show', 'protocols', 'all'])).map((p): SessionObservation => ({
      peer: p.neighborAddress ? peerNodeName(ctx, p.neighborAddress) : p.name,
      peerAddress: p.neighborAddress ?? '',
      peerAsn: p.neighborAs ?? 0,
      state: p.state,
    }));
  },
  async routes(ctx, prefix) {
    // BIRD prints "from ADDR" only for multihop neighbours: name the peer by its protocol.
    const neighbors = new Map(parseBirdProtocols(await birdc(ctx, ['show', 'protocols', 'all'])).map((p) => [p.name, p.neighborAddress]));
    const text = await birdc(ctx, ['show', 'route', ...(prefix ? [prefix] : []), 'all']);
    return parseBirdRoutes(text)
      .filter((r) => r.attributes['BGP.as_path'] !== undefined)
      .map((r) => {
        const address = r.from ?? neighbors.get(r.protocol);
        return birdRouteObservation(r, address ? peerNodeName(ctx, address) : 'local');
      });
  },
};
