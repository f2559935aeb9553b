// The routes of a TABLE_DUMP_V2 RIB dump, one entry per prefix, for replaying into a
// session. A collector's dump has one entry per peer that sent the prefix; which one is
// taken is the caller's choice: the first entry (BIRD and GoBGP write their best path first
// in their own dumps) or the entry of one peer of the PEER_INDEX_TABLE.
import type { PathAttributes } from '../wire/index.js';
import { decodePeerIndexTable, type MrtPeer } from './peer-index-table.js';
import type { MrtRecord } from './record.js';
import { decodeRibRecord } from './rib-entries.js';
import { decodeRibAttributes } from './route-attributes.js';
import { addressText, MRT_TYPE, TABLE_DUMP_V2_SUBTYPE } from './to-json.js';

export interface RibRouteOut {
  readonly prefix: string;
  readonly attributes: PathAttributes;
}

/** `first`: each prefix's first entry; otherwise the entries of the peer with this address. */
export type EntrySelection = { readonly kind: 'first' } | { readonly kind: 'peer'; readonly address: string };

export interface RibRouteStats {
  /** Entries whose attributes could not be decoded (skipped). */
  skipped: number;
}

const UNICAST: ReadonlyMap<number, 1 | 2> = new Map([
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST, 1],
  [TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST, 2],
]);

function prefixText(afi: 1 | 2, bytes: Uint8Array, length: number): string {
  const full = new Uint8Array(afi === 1 ? 4 : 16);
  full.set(bytes.subarray(0, full.length));
  return `${addressText(full)}/${length}`;
}

export async function* ribRoutes(records: AsyncIterable<MrtRecord>, select: EntrySelection, stats: RibRouteStats = { skipped: 0 }): AsyncGenerator<RibRouteOut> {
  let peers: readonly MrtPeer[] = [];
  for await (const record of records) {
    if (record.type !== MRT_TYPE.TABLE_DUMP_V2) continue;
    if (record.subtype === TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE) {
      peers = decodePeerIndexTable(record.message, record.offset).peers;
      continue;
    }
    const afi = UNICAST.get(record.subtype);
    if (afi === undefined) continue;
    const rib = decodeRibRecord(record.message, afi === 1 ? 32 : 128, record.offset);
    const entry = select.kind === 'first' ? rib.entries[0] : rib.entries.find((e) => {
      const peer = peers[e.peerIndex];
      return peer !== undefined && addressText(peer.address) === select.address;
    });
    if (entry === undefined) continue;
    try {
      const decoded = decodeRibAttributes(entry.attributes, { afi, prefixLength: rib.prefixLength, prefix: rib.prefix });
      const { mpReach, mpUnreach: _u, ...attributes } = decoded.attributes;
      // The speaker takes the IPv6 next hop in nextHop and builds MP_REACH_NLRI itself.
      yield { prefix: prefixText(afi, rib.prefix, rib.prefixLength), attributes: mpReach ? { ...attributes, nextHop: mpReach.nextHop } : attributes };
    } catch {
      stats.skipped++;
    }
  }
}
