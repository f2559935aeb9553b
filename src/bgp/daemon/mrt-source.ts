/**
 * How MRT output reads a running daemon: the RIB snapshot source and each session's ends for
 * BGP4MP records, both from the running configuration and the speaker core.
 */
import { LOCAL } from '../speaker/index.js';
import type { Bgp4mpSession } from '../mrt/bgp4mp-writer.js';
import type { BgpdConfig } from './config.js';
import type { BgpDaemon } from './daemon.js';
import { addressOctets, type RibSource } from './rib-snapshot.js';

const peerId = (p: BgpdConfig['peers'][number]): string => p.name ?? p.address;

export function daemonRibSource(d: BgpDaemon, wallMs: number): RibSource {
  const wallAt = (monotonicMs: number): number => Math.floor((wallMs - (d.uptimeMs() - monotonicMs)) / 1000);
  return {
    routerId: d.config['router-id'],
    asn: d.config.asn,
    startedAt: wallAt(0),
    localId: LOCAL,
    peers: d.config.peers.map((p) => ({ id: peerId(p), address: p.address, asn: p['remote-as'], bgpId: d.speaker.peerRouterId(peerId(p)), establishedAt: wallAt(d.peerSince(peerId(p))) })),
    locRib: () => d.speaker.locRibRoutes(),
    adjRibIn: (id) => d.speaker.adjRibIn(id, 'post-policy'),
  };
}

const sessions = new WeakMap<BgpdConfig, Map<string, Bgp4mpSession>>();

/** The peer's and our AS and addresses (local-address is required and of the peer's family: config checks). */
export function daemonSessionEnds(d: BgpDaemon, id: string): Bgp4mpSession | undefined {
  let byId = sessions.get(d.config);
  if (!byId) {
    byId = new Map();
    for (const p of d.config.peers) {
      if (!p['local-address']) continue;
      byId.set(peerId(p), { peerAs: p['remote-as'], localAs: d.config.asn, peerIp: addressOctets(p.address), localIp: addressOctets(p['local-address']) });
    }
    sessions.set(d.config, byId);
  }
  return byId.get(id);
}
