/** JSON views of the daemon's state, shared by the control API and `flatlab bgp` output. */
import type { PathAttributes } from '../wire/types.js';
import type { BgpDaemon } from './daemon.js';

export interface NeighborView {
  name: string;
  address: string;
  remoteAs: number;
  state: string;
  /** Seconds in the current state. */
  uptime: number;
  prefixes: { received: number; accepted: number; advertised: number };
}

export function neighborViews(d: BgpDaemon): NeighborView[] {
  return d.config.peers.map((p) => {
    const id = p.name ?? p.address;
    const state = d.speaker.sessionState(id);
    const up = state === 'Established';
    return {
      name: id,
      address: p.address,
      remoteAs: p['remote-as'],
      state,
      uptime: Math.round((d.uptimeMs() - d.peerSince(id)) / 1000),
      prefixes: {
        received: up ? d.speaker.adjRibIn(id, 'pre-policy').size : 0,
        accepted: up ? d.speaker.adjRibIn(id).size : 0,
        advertised: up ? d.speaker.adjRibOut(id).size : 0,
      },
    };
  });
}

export interface RouteView {
  prefix: string;
  from: string;
  asPath: number[];
  nextHop: string;
  origin?: string;
  localPref?: number;
  med?: number;
  communities: string[];
  largeCommunities: string[];
  /** Why this route is best (the decision step that chose it). */
  reason?: string;
}

export function routeView(prefix: string, a: PathAttributes, from: string, reason?: string): RouteView {
  return {
    prefix,
    from,
    asPath: (a.asPath ?? []).flatMap((s) => s.asns),
    nextHop: a.mpReach?.nextHop ?? a.nextHop ?? '',
    ...(a.origin !== undefined ? { origin: ['igp', 'egp', 'incomplete'][a.origin] } : {}),
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
    communities: (a.communities ?? []).map((c) => `${c >>> 16}:${c & 0xffff}`),
    largeCommunities: (a.largeCommunities ?? []).map((c) => c.join(':')),
    ...(reason ? { reason } : {}),
  };
}
