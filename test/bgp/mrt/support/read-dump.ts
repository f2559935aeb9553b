// Reads a whole TABLE_DUMP_V2 dump back with flatlab's MRT decoders, every entry of every
// prefix, IPv6 next hops folded into nextHop as the RIB keeps them.
import { decodePeerIndexTable, type PeerIndexTable } from '../../../../src/bgp/mrt/peer-index-table.js';
import { readMrtRecords } from '../../../../src/bgp/mrt/record.js';
import { decodeRibRecord } from '../../../../src/bgp/mrt/rib-entries.js';
import { decodeRibAttributes } from '../../../../src/bgp/mrt/route-attributes.js';
import { addressText, MRT_TYPE, TABLE_DUMP_V2_SUBTYPE } from '../../../../src/bgp/mrt/to-json.js';
import type { PathAttributes } from '../../../../src/bgp/wire/index.js';

export interface ReadEntry {
  peerIndex: number;
  originatedTime: number;
  attributes: PathAttributes;
}

export interface ReadDump {
  timestamp: number;
  table: PeerIndexTable;
  routes: Array<{ prefix: string; entries: ReadEntry[] }>;
}

export function readDump(bytes: Uint8Array): ReadDump {
  let table: PeerIndexTable | undefined;
  let timestamp = 0;
  const routes: ReadDump['routes'] = [];
  for (const r of readMrtRecords(bytes)) {
    if (r.type !== MRT_TYPE.TABLE_DUMP_V2) throw new Error(`record type ${r.type} in a RIB dump`);
    if (r.subtype === TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE) {
      if (table) throw new Error('a second PEER_INDEX_TABLE');
      table = decodePeerIndexTable(r.message, r.offset);
      timestamp = r.timestamp;
      continue;
    }
    if (!table) throw new Error('RIB record before the PEER_INDEX_TABLE');
    const afi = r.subtype === TABLE_DUMP_V2_SUBTYPE.RIB_IPV4_UNICAST ? 1 : r.subtype === TABLE_DUMP_V2_SUBTYPE.RIB_IPV6_UNICAST ? 2 : undefined;
    if (afi === undefined) throw new Error(`subtype ${r.subtype}`);
    const rib = decodeRibRecord(r.message, afi === 1 ? 32 : 128, r.offset);
    const full = new Uint8Array(afi === 1 ? 4 : 16);
    full.set(rib.prefix);
    const prefix = `${addressText(full)}/${rib.prefixLength}`;
    routes.push({
      prefix,
      entries: rib.entries.map((e) => {
        const d = decodeRibAttributes(e.attributes, { afi, prefixLength: rib.prefixLength, prefix: rib.prefix });
        if (d.errors.length > 0) throw new Error(`attribute errors for ${prefix}: ${JSON.stringify(d.errors)}`);
        const { mpReach, ...rest } = d.attributes;
        return { peerIndex: e.peerIndex, originatedTime: e.originatedTime, attributes: mpReach ? { ...rest, nextHop: mpReach.nextHop } : rest };
      }),
    });
  }
  if (!table) throw new Error('no PEER_INDEX_TABLE');
  return { timestamp, table, routes };
}
