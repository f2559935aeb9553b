/**
 * ZeroTier identifiers: a member (node) address is 40 bits, written as 10 hex digits; a
 * network id is 64 bits, 16 hex digits, whose top 40 bits are its controller's address and
 * whose low 24 bits number the network on that controller (ZeroTier manual §2.2).
 */
import { createHash } from 'node:crypto';
import { FlatlabError } from '../config/diagnostics.js';

export type NetworkId = string & { readonly __brand: 'NetworkId' };
export type MemberId = string & { readonly __brand: 'MemberId' };

export class ZtIdError extends FlatlabError {}

const NETWORK_ID = /^[0-9a-f]{16}$/;
const MEMBER_ID = /^[0-9a-f]{10}$/;

export function parseNetworkId(text: string): NetworkId {
  const t = text.toLowerCase();
  if (!NETWORK_ID.test(t)) throw new ZtIdError('zt.bad-network-id', `"${text}" is not a ZeroTier network id`, { hint: 'a network id is 16 hex digits: the controller address (10) and a network number (6), e.g. 8056c2e21c000001' });
  return t as NetworkId;
}

export function parseMemberId(text: string): MemberId {
  const t = text.toLowerCase();
  if (!MEMBER_ID.test(t)) throw new ZtIdError('zt.bad-member-id', `"${text}" is not a ZeroTier member address`, { hint: 'a member (node) address is 10 hex digits, e.g. 87c29dbef6' });
  // ZeroTier reserves 0x0000000000 and addresses starting with 0xff (Address.hpp isReserved()).
  if (t === '0000000000' || t.startsWith('ff')) throw new ZtIdError('zt.reserved-member-id', `member address ${t} is reserved by ZeroTier`, { hint: 'addresses 0000000000 and ff………… are reserved' });
  return t as MemberId;
}

export function isNetworkId(text: string): text is NetworkId {
  return NETWORK_ID.test(text);
}

export function isMemberId(text: string): text is MemberId {
  return MEMBER_ID.test(text) && text !== '0000000000' && !text.startsWith('ff');
}

/** The controller that serves a network: the network id's top 40 bits. */
export function controllerOf(network: NetworkId): MemberId {
  return network.slice(0, 10) as MemberId;
}

/**
 * A lab member's address, stable for a node name. Real ZeroTier derives it from the public
 * key by a memory-hard hash; the lab needs ids known at generate time, so it hashes the name
 * and steps over the reserved values.
 */
export function memberIdForNode(lab: string, node: string): MemberId {
  for (let salt = 0; ; salt++) {
    const hex = createHash('sha256').update(`flatlab-zt:${lab}:${node}:${salt}`).digest('hex').slice(0, 10);
    if (isMemberId(hex)) return hex as MemberId;
  }
}

export function networkIdToBigInt(id: NetworkId): bigint {
  return BigInt(`0x${id}`);
}

export function memberIdToBigInt(id: MemberId): bigint {
  return BigInt(`0x${id}`);
}
