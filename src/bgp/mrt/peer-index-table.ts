// TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 §4.3.1): the peer list RIB entries index into.
import { MrtDecodeError } from './record.js';

export interface MrtPeer {
  readonly bgpId: string; // dotted quad
  readonly address: Uint8Array; // 4 or 16 octets
  readonly as: number;
  readonly as4: boolean;
}

export interface PeerIndexTable {
  readonly collectorBgpId: string;
  readonly viewName: string;
  readonly peers: readonly MrtPeer[];
}

const PEER_TYPE_IPV6 = 0x01;
const PEER_TYPE_AS4 = 0x02;

export function decodePeerIndexTable(body: Uint8Array, recordOffset: number): PeerIndexTable {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  const need = (n: number, what: string): void => {
    if (body.length - at < n) throw new MrtDecodeError(`PEER_INDEX_TABLE truncated in ${what}`, recordOffset);
  };
  need(6, 'header');
  const collectorBgpId = [...body.subarray(0, 4)].join('.');
  const nameLength = view.getUint16(4);
  at = 6;
  need(nameLength + 2, 'view name');
  const viewName = new TextDecoder().decode(body.subarray(at, at + nameLength));
  at += nameLength;
  const count = view.getUint16(at);
  at += 2;
  const peers: MrtPeer[] = [];
  for (let i = 0; i < count; i++) {
    need(5, `peer ${i}`);
    const type = body[at] ?? 0;
    const bgpId = [...body.subarray(at + 1, at + 5)].join('.');
    at += 5;
    const addressLength = type & PEER_TYPE_IPV6 ? 16 : 4;
    const asLength = type & PEER_TYPE_AS4 ? 4 : 2;
    need(addressLength + asLength, `peer ${i}`);
    const address = body.slice(at, at + addressLength);
    at += addressLength;
    const as = asLength === 4 ? view.getUint32(at) : view.getUint16(at);
    at += asLength;
    peers.push({ bgpId, address, as, as4: asLength === 4 });
  }
  if (at !== body.length) throw new MrtDecodeError(`PEER_INDEX_TABLE has ${body.length - at} trailing bytes`, recordOffset);
  return { collectorBgpId, viewName, peers };
}

export function encodePeerIndexTable(table: PeerIndexTable): Uint8Array {
  const name = new TextEncoder().encode(table.viewName);
  const parts: number[] = [...table.collectorBgpId.split('.').map(Number), name.length >> 8, name.length & 0xff, ...name];
  parts.push(table.peers.length >> 8, table.peers.length & 0xff);
  for (const peer of table.peers) {
    const as4 = peer.as4 || peer.as > 0xffff;
    parts.push((peer.address.length === 16 ? PEER_TYPE_IPV6 : 0) | (as4 ? PEER_TYPE_AS4 : 0), ...peer.bgpId.split('.').map(Number), ...peer.address);
    if (as4) parts.push((peer.as >>> 24) & 0xff, (peer.as >>> 16) & 0xff);
    parts.push((peer.as >>> 8) & 0xff, peer.as & 0xff);
  }
  return Uint8Array.from(parts);
}
