// A TABLE_DUMP_V2 RIB dump (RFC 6396 §4.3): one PEER_INDEX_TABLE, then one RIB_IPV4_UNICAST
// or RIB_IPV6_UNICAST record per prefix with an entry per peer. Pure: the caller supplies the
// routes (a speaker's Loc-RIB or Adj-RIB-In views) and writes the bytes (atomically).
import { parsePrefixText } from '../wire/nlri.js';
import type { PathAttributes } from '../wire/index.js';
import { encodePeerIndexTable, type MrtPeer } from './peer-index-table.js';
import { encodeMrtRecord } from './record.js';
import { encodeRibRecord } from './rib-entries.js';
import { encodeRibAttributes } from './route-attributes.js';
import { MRT_TYPE, TABLE_DUMP_V2_SUBTYPE } from './to-json.js';

export interface RibDumpRoute {
  readonly prefix: string;
  readonly entries: ReadonlyArray<{ readonly peerIndex: number; readonly originatedTime: number; readonly attributes: PathAttributes }>;
}

export interface RibDump {
  readonly timestamp: number;
  readonly collectorBgpId: string;
  readonly viewName: string;
  readonly peers: readonly MrtPeer[];
  readonly routes: Iterable<RibDumpRoute>;
  /**
   * MP_REACH_NLRI form: `rfc6396` (default; §4.3.4, next hop only) or `full` (RFC 4760 with the
   * record's prefix as NLRI, for readers that know only that form: GoBGP before 3.17, Quagga).
   */
  readonly mpReach?: 'rfc6396' | 'full';
}

/** The dump's records, in order (concatenate them for the file). */
export function* ribDumpRecords(dump: RibDump): Generator<Uint8Array> {
  const header = { timestamp: dump.timestamp, type: MRT_TYPE.TABLE_DUMP_V2, microseconds: undefined };
  yield encodeMrtRecord({ ...header, subtype: TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE, message: encodePeerIndexTable(dump) });
  let sequenceNumber = 0;
  for (const route of dump.routes) {
    const afi = route.prefix.includes(':') ? 2 : 1;
    const parsed = parsePrefixText(route.prefix, afi);
    const message = encodeRibRecord({
      sequenceNumber: sequenceNumber++ >>> 0,
      prefixLength: parsed.bits,
      prefix: parsed.bytes,
      entries: route.entries.map((e) => ({ peerIndex: e.peerIndex, originatedTime: e.originatedTime, attributes: encodeRibAttributes(e.attributes, dump.mpReach === 'full' ? route.prefix : undefined) })),
    });
    yield encodeMrtRecord({ ...header, subtype: afi === 1 ? TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST : TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST, message });
  }
}
