// BGP4MP records for update logs (RFC 6396 §4.4): BGP4MP_MESSAGE_AS4 for a received message,
// BGP4MP_MESSAGE_AS4_LOCAL (§4.4.6) for one we sent, BGP4MP_STATE_CHANGE_AS4 for FSM changes;
// in BGP4MP_ET records (§3) when microsecond timestamps are asked for. Pure: bytes out.
import { BGP4MP_SUBTYPE, encodeBgp4mp } from './bgp4mp.js';
import { encodeMrtRecord } from './record.js';
import { MRT_TYPE } from './to-json.js';

/** RFC 6396 §4.4.1 state codes, by the FSM's state names (RFC 4271 §8.2.2). */
export const BGP4MP_STATE: Readonly<Record<string, number>> = { Idle: 1, Connect: 2, Active: 3, OpenSent: 4, OpenConfirm: 5, Established: 6 };

/** The two ends of a session as BGP4MP records them. Addresses are 4 octets (IPv4) or 16 (IPv6), both of one family. */
export interface Bgp4mpSession {
  readonly peerAs: number;
  readonly localAs: number;
  readonly peerIp: Uint8Array;
  readonly localIp: Uint8Array;
  readonly interfaceIndex?: number;
}

/** When a record was made (Unix milliseconds), and whether to write the BGP4MP_ET form. */
export interface Bgp4mpTime {
  readonly epochMs: number;
  readonly extended: boolean;
}

function record(at: Bgp4mpTime, subtype: number, message: Uint8Array): Uint8Array {
  const seconds = Math.floor(at.epochMs / 1000);
  const microseconds = Math.min(999_999, Math.round((at.epochMs - seconds * 1000) * 1000));
  return encodeMrtRecord({ timestamp: seconds >>> 0, type: at.extended ? MRT_TYPE.BGP4MP_ET : MRT_TYPE.BGP4MP, subtype, microseconds: at.extended ? microseconds : undefined, message });
}

function ends(s: Bgp4mpSession): { peerAs: number; localAs: number; interfaceIndex: number; afi: 1 | 2; peerIp: Uint8Array; localIp: Uint8Array } {
  if (s.peerIp.length !== s.localIp.length || (s.peerIp.length !== 4 && s.peerIp.length !== 16)) {
    throw new RangeError(`BGP4MP addresses must be both IPv4 or both IPv6 (got ${s.peerIp.length} and ${s.localIp.length} octets)`);
  }
  return { peerAs: s.peerAs, localAs: s.localAs, interfaceIndex: s.interfaceIndex ?? 0, afi: s.peerIp.length === 4 ? 1 : 2, peerIp: s.peerIp, localIp: s.localIp };
}

/** One whole BGP message (marker included), `direction` received from the peer or sent to it. */
export function bgp4mpMessageRecord(at: Bgp4mpTime, session: Bgp4mpSession, bgpMessage: Uint8Array, direction: 'received' | 'sent'): Uint8Array {
  const subtype = direction === 'received' ? BGP4MP_SUBTYPE.MESSAGE_AS4 : BGP4MP_SUBTYPE.MESSAGE_AS4_LOCAL;
  return record(at, subtype, encodeBgp4mp({ subtype, ...ends(session), bgpMessage }));
}

/** An FSM transition; states by name (Idle … Established). */
export function bgp4mpStateChangeRecord(at: Bgp4mpTime, session: Bgp4mpSession, from: string, to: string): Uint8Array {
  const old = BGP4MP_STATE[from];
  const now = BGP4MP_STATE[to];
  if (old === undefined || now === undefined) throw new RangeError(`no BGP4MP state code for ${old === undefined ? from : to}`);
  return record(at, BGP4MP_SUBTYPE.STATE_CHANGE_AS4, encodeBgp4mp({ subtype: BGP4MP_SUBTYPE.STATE_CHANGE_AS4, ...ends(session), state: { old, new: now } }));
}
