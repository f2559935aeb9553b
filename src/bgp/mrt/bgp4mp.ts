// BGP4MP / BGP4MP_ET peer header (RFC 6396 §4.4): STATE_CHANGE(_AS4) and MESSAGE(_AS4),
// the _LOCAL variants share MESSAGE's layout. The BGP message itself stays raw here.
import { MrtDecodeError } from './record.js';

export const BGP4MP_SUBTYPE = { STATE_CHANGE: 0, MESSAGE: 1, MESSAGE_AS4: 4, STATE_CHANGE_AS4: 5, MESSAGE_LOCAL: 6, MESSAGE_AS4_LOCAL: 7, MESSAGE_ADDPATH: 8, MESSAGE_AS4_ADDPATH: 9, MESSAGE_LOCAL_ADDPATH: 10, MESSAGE_AS4_LOCAL_ADDPATH: 11 } as const;

export interface Bgp4mpRecord {
  readonly subtype: number;
  readonly peerAs: number;
  readonly localAs: number;
  readonly interfaceIndex: number;
  readonly afi: 1 | 2;
  readonly peerIp: Uint8Array;
  readonly localIp: Uint8Array;
  /** STATE_CHANGE(_AS4) only. */
  readonly state?: { readonly old: number; readonly new: number };
  /** MESSAGE* only: the whole BGP message including its marker. */
  readonly bgpMessage?: Uint8Array;
}

const AS4_SUBTYPES: ReadonlySet<number> = new Set([4, 5, 7, 9, 11]);
const STATE_SUBTYPES: ReadonlySet<number> = new Set([0, 5]);
// 8–11: RFC 8050 ADD-PATH variants, laid out as MESSAGE(_AS4)(_LOCAL); NLRI carry path identifiers.
const KNOWN_SUBTYPES: ReadonlySet<number> = new Set([0, 1, 4, 5, 6, 7, 8, 9, 10, 11]);
export const ADD_PATH_SUBTYPES: ReadonlySet<number> = new Set([8, 9, 10, 11]);

export function decodeBgp4mp(subtype: number, body: Uint8Array, recordOffset: number): Bgp4mpRecord {
  if (!KNOWN_SUBTYPES.has(subtype)) throw new MrtDecodeError(`BGP4MP subtype ${subtype} not decoded (kept raw)`, recordOffset);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const asLength = AS4_SUBTYPES.has(subtype) ? 4 : 2;
  const fixed = 2 * asLength + 4;
  if (body.length < fixed) throw new MrtDecodeError('BGP4MP peer header truncated', recordOffset);
  const peerAs = asLength === 4 ? view.getUint32(0) : view.getUint16(0);
  const localAs = asLength === 4 ? view.getUint32(asLength) : view.getUint16(asLength);
  const interfaceIndex = view.getUint16(2 * asLength);
  const afiValue = view.getUint16(2 * asLength + 2);
  if (afiValue !== 1 && afiValue !== 2) throw new MrtDecodeError(`BGP4MP AFI ${afiValue} is neither 1 (IPv4) nor 2 (IPv6)`, recordOffset);
  const ipLength = afiValue === 1 ? 4 : 16;
  let at = fixed;
  if (body.length - at < 2 * ipLength) throw new MrtDecodeError('BGP4MP addresses truncated', recordOffset);
  const peerIp = body.slice(at, at + ipLength);
  const localIp = body.slice(at + ipLength, at + 2 * ipLength);
  at += 2 * ipLength;
  const base = { subtype, peerAs, localAs, interfaceIndex, afi: afiValue as 1 | 2, peerIp, localIp };
  if (STATE_SUBTYPES.has(subtype)) {
    if (body.length - at !== 4) throw new MrtDecodeError(`BGP4MP state change has ${body.length - at} bytes of states, expected 4`, recordOffset);
    return { ...base, state: { old: view.getUint16(at), new: view.getUint16(at + 2) } };
  }
  return { ...base, bgpMessage: body.slice(at) };
}

export function encodeBgp4mp(record: Bgp4mpRecord): Uint8Array {
  const asLength = AS4_SUBTYPES.has(record.subtype) ? 4 : 2;
  const tail = record.state ? 4 : (record.bgpMessage?.length ?? 0);
  const out = new Uint8Array(2 * asLength + 4 + record.peerIp.length + record.localIp.length + tail);
  const view = new DataView(out.buffer);
  if (asLength === 4) { view.setUint32(0, record.peerAs); view.setUint32(4, record.localAs); } else { view.setUint16(0, record.peerAs); view.setUint16(2, record.localAs); }
  let at = 2 * asLength;
  view.setUint16(at, record.interfaceIndex);
  view.setUint16(at + 2, record.afi);
  at += 4;
  out.set(record.peerIp, at); at += record.peerIp.length;
  out.set(record.localIp, at); at += record.localIp.length;
  if (record.state) { view.setUint16(at, record.state.old); view.setUint16(at + 2, record.state.new); } else if (record.bgpMessage) out.set(record.bgpMessage, at);
  return out;
}
