/**
 * MRT records as JSON objects, the lines of `flatlab mrt dump`: one per RIB entry (with the
 * prefix and peer repeated, so every line stands alone), one per BGP4MP message or state
 * change, one per PEER_INDEX_TABLE. BGP fields are named as in `flatlab bgp decode`.
 * Record types and subtypes flatlab does not decode give a line with `"unknown": true` and the
 * body as hex. A record whose body is corrupt throws MrtDecodeError (with its byte offset).
 */
import { formatIpv4Bytes, formatIpv6Bytes } from '../wire/address.js';
import { BgpDecodeError, codecContext, decodeErrorJson, decodedMessageJson, decodeMessage, toJsonValue, type Family, type Json } from '../wire/index.js';
import { ADD_PATH_SUBTYPES, decodeBgp4mp } from './bgp4mp.js';
import { decodePeerIndexTable, type MrtPeer } from './peer-index-table.js';
import type { MrtRecord } from './record.js';
import { decodeRibRecord } from './rib-entries.js';
import { decodeRibAttributes } from './route-attributes.js';

export type JsonObject = { [k: string]: Json };

/** RFC 6396 §4 type codes. */
export const MRT_TYPE = { TABLE_DUMP: 12, TABLE_DUMP_V2: 13, BGP4MP: 16, BGP4MP_ET: 17 } as const;

export const TABLE_DUMP_V2_SUBTYPE = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  RIB_IPV4_UNICAST_ADDPATH: 8,
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
} as const;

/** The address-specific RIB subtypes: their family and whether entries carry path identifiers (RFC 8050). */
const RIB_SUBTYPES: ReadonlyMap<number, { name: string; afi: 1 | 2; addPath: boolean }> = new Map(
  Object.entries(TABLE_DUMP_V2_SUBTYPE)
    .filter(([name]) => name.startsWith('RIB_IP'))
    .map(([name, code]) => [code, { name, afi: name.startsWith('RIB_IPV4') ? 1 : 2, addPath: name.endsWith('_ADDPATH') }] as const),
);

const BGP4MP_NAMES: Readonly<Record<number, string>> = {
  0: 'STATE_CHANGE', 1: 'MESSAGE', 4: 'MESSAGE_AS4', 5: 'STATE_CHANGE_AS4', 6: 'MESSAGE_LOCAL', 7: 'MESSAGE_AS4_LOCAL',
  8: 'MESSAGE_ADDPATH', 9: 'MESSAGE_AS4_ADDPATH', 10: 'MESSAGE_LOCAL_ADDPATH', 11: 'MESSAGE_AS4_LOCAL_ADDPATH',
};

/** BGP FSM states as numbered in RFC 6396 §4.4.1. */
export const FSM_STATE_NAMES: readonly string[] = ['', 'Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

export function addressText(bytes: Uint8Array): string {
  return bytes.length === 4 ? formatIpv4Bytes(bytes, 0) : formatIpv6Bytes(bytes, 0);
}

function prefixText(afi: 1 | 2, prefix: Uint8Array, length: number): string {
  const full = new Uint8Array(afi === 1 ? 4 : 16);
  full.set(prefix.subarray(0, full.length));
  return `${addressText(full)}/${length}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function header(record: MrtRecord, typeName: string, subtypeName: string): JsonObject {
  const out: JsonObject = { offset: record.offset, timestamp: record.timestamp };
  if (record.microseconds !== undefined) out.microseconds = record.microseconds;
  out.mrtType = typeName;
  out.subtype = subtypeName;
  return out;
}

function unknown(record: MrtRecord, why: string): JsonObject {
  return { offset: record.offset, timestamp: record.timestamp, mrtType: record.type, subtype: record.subtype, unknown: true, reason: why, hex: hex(record.message) };
}

/** Stateful: RIB entries name their peer by index into the last PEER_INDEX_TABLE. */
export class MrtJsonDecoder {
  private peers: readonly MrtPeer[] = [];

  decode(record: MrtRecord): JsonObject[] {
    switch (record.type) {
      case MRT_TYPE.TABLE_DUMP_V2:
        return this.tableDumpV2(record);
      case MRT_TYPE.BGP4MP:
      case MRT_TYPE.BGP4MP_ET:
        return [this.bgp4mp(record)];
      case MRT_TYPE.TABLE_DUMP:
        return [unknown(record, 'legacy TABLE_DUMP (type 12) is not decoded; TABLE_DUMP_V2 is')];
      default:
        return [unknown(record, `MRT type ${record.type} is not decoded`)];
    }
  }

  private tableDumpV2(record: MrtRecord): JsonObject[] {
    if (record.subtype === TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE) {
      const table = decodePeerIndexTable(record.message, record.offset);
      this.peers = table.peers;
      return [{
        ...header(record, 'TABLE_DUMP_V2', 'PEER_INDEX_TABLE'),
        collectorBgpId: table.collectorBgpId,
        viewName: table.viewName,
        peers: table.peers.map((p, index) => ({ index, bgpId: p.bgpId, address: addressText(p.address), as: p.as })),
      }];
    }
    const kind = RIB_SUBTYPES.get(record.subtype);
    if (kind === undefined) return [unknown(record, `TABLE_DUMP_V2 subtype ${record.subtype} is not decoded`)];
    const rib = decodeRibRecord(record.message, kind.afi === 1 ? 32 : 128, record.offset, kind.addPath);
    const prefix = prefixText(kind.afi, rib.prefix, rib.prefixLength);
    return rib.entries.map((entry) => {
      const peer = this.peers[entry.peerIndex];
      const line: JsonObject = { ...header(record, 'TABLE_DUMP_V2', kind.name), sequence: rib.sequenceNumber, prefix, peerIndex: entry.peerIndex };
      if (peer) line.peer = { address: addressText(peer.address), as: peer.as, bgpId: peer.bgpId };
      line.originatedTime = entry.originatedTime;
      if (entry.pathId !== undefined) line.pathId = entry.pathId;
      try {
        const decoded = decodeRibAttributes(entry.attributes, { afi: kind.afi, prefixLength: rib.prefixLength, prefix: rib.prefix });
        line.attributes = toJsonValue(decoded.attributes);
        if (decoded.errors.length > 0) line.errors = decoded.errors.map((e) => ({ attribute: e.name, disposition: e.disposition, message: e.error.message }));
      } catch (e) {
        if (!(e instanceof BgpDecodeError)) throw e;
        line.attributesHex = hex(entry.attributes);
        line.error = decodeErrorJson(e);
      }
      return line;
    });
  }

  private bgp4mp(record: MrtRecord): JsonObject {
    const typeName = record.type === MRT_TYPE.BGP4MP ? 'BGP4MP' : 'BGP4MP_ET';
    const name = BGP4MP_NAMES[record.subtype];
    if (name === undefined) return unknown(record, `${typeName} subtype ${record.subtype} is not decoded`);
    const m = decodeBgp4mp(record.subtype, record.message, record.offset);
    const line: JsonObject = {
      ...header(record, typeName, name),
      peerAs: m.peerAs,
      localAs: m.localAs,
      interfaceIndex: m.interfaceIndex,
      peerIp: addressText(m.peerIp),
      localIp: addressText(m.localIp),
    };
    if (m.state) {
      line.oldState = FSM_STATE_NAMES[m.state.old] ?? m.state.old;
      line.newState = FSM_STATE_NAMES[m.state.new] ?? m.state.new;
      return line;
    }
    const bytes = m.bgpMessage ?? new Uint8Array(0);
    // RFC 6396 §4.4.2: MESSAGE (not _AS4) holds a message from a session without 4-octet ASNs.
    const addPath = ADD_PATH_SUBTYPES.has(record.subtype) ? new Set<Family>(['ipv4-unicast', 'ipv6-unicast']) : new Set<Family>();
    const ctx = codecContext({
      fourOctetAs: name.includes('AS4'),
      ibgp: m.peerAs === m.localAs,
      extendedMessage: true,
      addPathReceive: addPath,
      addPathSend: addPath,
    });
    try {
      line.message = decodedMessageJson(decodeMessage(bytes, ctx));
    } catch (e) {
      if (!(e instanceof BgpDecodeError)) throw e;
      line.messageHex = hex(bytes);
      line.error = decodeErrorJson(e);
    }
    return line;
  }
}
