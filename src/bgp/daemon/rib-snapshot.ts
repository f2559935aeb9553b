/**
 * What a TABLE_DUMP_V2 dump of the daemon holds (RFC 6396 §4.3), taken in one synchronous step
 * so a dump is one instant's RIB even though writing it takes longer. Peer index 0 is the
 * daemon itself (its own routes, address 0.0.0.0, as BIRD writes them); then each configured
 * peer in config order, with the BGP identifier from its OPEN (0.0.0.0 before one arrived).
 */
import { parseIp } from '../../net/ip.js';
import type { MrtPeer } from '../mrt/peer-index-table.js';
import type { RibDump, RibDumpRoute } from '../mrt/rib-dump-writer.js';
import type { PathAttributes } from '../wire/types.js';

export interface SnapshotPeer {
  readonly id: string;
  readonly address: string;
  readonly asn: number;
  readonly bgpId: string | undefined;
  /** Unix seconds the session last became Established: the entries' Originated Time (no per-route arrival time is kept). */
  readonly establishedAt: number;
}

/** The parts of a running daemon a snapshot reads. */
export interface RibSource {
  readonly routerId: string;
  readonly asn: number;
  /** Unix seconds the daemon started: Originated Time of its own routes. */
  readonly startedAt: number;
  readonly peers: readonly SnapshotPeer[];
  /** The id the Loc-RIB gives the daemon's own routes. */
  readonly localId: string;
  locRib(): Iterable<{ readonly prefix: string; readonly from: string; readonly attributes: PathAttributes }>;
  /** After import policy. */
  adjRibIn(peerId: string): ReadonlyMap<string, PathAttributes>;
}

/** Network-order octets of an address literal. */
export function addressOctets(text: string): Uint8Array {
  const ip = parseIp(text);
  if (!ip) throw new RangeError(`"${text}" is not an IP address`);
  const n = ip.family === 'ipv4' ? 4 : 16;
  const out = new Uint8Array(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * RIB entries carry every family's next hop as RFC 6396 §4.3.4 says: IPv4 in NEXT_HOP, IPv6 in
 * MP_REACH_NLRI (the RIB keeps both in `nextHop`).
 */
export function entryAttributes(prefix: string, a: PathAttributes): PathAttributes {
  if (!prefix.includes(':')) return a;
  const { nextHop, ...rest } = a;
  return nextHop === undefined ? rest : { ...rest, mpReach: { afi: 2, safi: 1, nextHop, nlri: [] } };
}

const familyFirst = (a: string, b: string): number => {
  const v6a = a.includes(':');
  const v6b = b.includes(':');
  if (v6a !== v6b) return v6a ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The dump's content: `best` has one entry per prefix (the Loc-RIB); `all` has every accepted
 * path, the best first, then the others in peer-index order.
 */
export function ribSnapshot(source: RibSource, routes: 'all' | 'best', timestamp: number, viewName = ''): Omit<RibDump, 'mpReach'> & { routes: RibDumpRoute[] } {
  const peers: MrtPeer[] = [{ bgpId: source.routerId, address: new Uint8Array(4), as: source.asn, as4: true }];
  const index = new Map<string, number>([[source.localId, 0]]);
  const since = new Map<string, number>([[source.localId, source.startedAt]]);
  for (const p of source.peers) {
    index.set(p.id, peers.length);
    since.set(p.id, p.establishedAt);
    peers.push({ bgpId: p.bgpId ?? '0.0.0.0', address: addressOctets(p.address), as: p.asn, as4: true });
  }
  type Entry = RibDumpRoute['entries'][number];
  const byPrefix = new Map<string, { best: Entry | undefined; others: Entry[] }>();
  const entry = (prefix: string, from: string, attributes: PathAttributes): Entry | undefined => {
    const peerIndex = index.get(from);
    if (peerIndex === undefined) return undefined;
    // Our own routes get their next hop when announced; the dump says "this router" as GoBGP shows it (RFC 4271 requires NEXT_HOP).
    const a = from === source.localId && attributes.nextHop === undefined ? { ...attributes, nextHop: prefix.includes(':') ? '::' : '0.0.0.0' } : attributes;
    return { peerIndex, originatedTime: since.get(from) ?? timestamp, attributes: entryAttributes(prefix, a) };
  };
  const bestFrom = new Map<string, string>();
  for (const r of source.locRib()) {
    const e = entry(r.prefix, r.from, r.attributes);
    if (!e) continue;
    byPrefix.set(r.prefix, { best: e, others: [] });
    bestFrom.set(r.prefix, r.from);
  }
  if (routes === 'all') {
    for (const p of source.peers) {
      for (const [prefix, attributes] of source.adjRibIn(p.id)) {
        if (bestFrom.get(prefix) === p.id) continue;
        const e = entry(prefix, p.id, attributes)!;
        const slot = byPrefix.get(prefix);
        if (slot) slot.others.push(e);
        else byPrefix.set(prefix, { best: undefined, others: [e] });
      }
    }
  }
  const prefixes = [...byPrefix.keys()].sort(familyFirst);
  return {
    timestamp,
    collectorBgpId: source.routerId,
    viewName,
    peers,
    routes: prefixes.map((prefix) => {
      const { best, others } = byPrefix.get(prefix)!;
      return { prefix, entries: best ? [best, ...others] : others };
    }),
  };
}
