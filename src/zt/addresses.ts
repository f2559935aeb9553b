/**
 * Addresses ZeroTier derives from a network id and a member address, computed as its
 * InetAddress::makeIpv6rfc4193 / makeIpv66plane and MAC::fromAddress do (ZeroTier manual
 * §2.2.3; node/InetAddress.cpp, node/MAC.hpp):
 *
 * - RFC 4193: `fd` + network id (64 bits) + `9993` + member address (40 bits), a /88.
 * - 6PLANE: `fc` + (network id high 32 bits XOR low 32 bits) + member address (40 bits) is the
 *   member's /80; its own address is that prefix `::1` (the member may route the rest of the
 *   /80, e.g. to containers).
 * - The member's Ethernet MAC on the network: first octet from the network id's low byte
 *   (locally administered, unicast, 0x52 avoided), then the address XORed with network id
 *   bytes 1..5, so a peer's address can be recovered from its MAC.
 */
import { memberIdToBigInt, networkIdToBigInt, type MemberId, type NetworkId } from './ids.js';

function ipv6FromBigInt(v: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return compressIpv6(groups);
}

/** RFC 5952 text form: lower case, longest run of zero groups (≥ 2) as `::`. */
function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** The member's RFC 4193 address with its prefix length (`fd…/88`). */
export function rfc4193Address(network: NetworkId, member: MemberId): string {
  const v = (0xfdn << 120n) | (networkIdToBigInt(network) << 56n) | (0x9993n << 40n) | memberIdToBigInt(member);
  return `${ipv6FromBigInt(v)}/88`;
}

/** The member's 6PLANE address (`fc…::1/80`); the /80 is the member's own prefix. */
export function sixPlaneAddress(network: NetworkId, member: MemberId): string {
  const nwid = networkIdToBigInt(network);
  const folded = ((nwid >> 32n) ^ nwid) & 0xffffffffn;
  const v = (0xfcn << 120n) | (folded << 88n) | (memberIdToBigInt(member) << 48n) | 1n;
  return `${ipv6FromBigInt(v)}/80`;
}

/**
 * The whole 6PLANE network, `fc` + folded network id, a /40: ZeroTier routes it onto the
 * network's device so every member's /80 is reachable through neighbour discovery there.
 */
export function sixPlaneNetwork(network: NetworkId): string {
  const nwid = networkIdToBigInt(network);
  const folded = ((nwid >> 32n) ^ nwid) & 0xffffffffn;
  return `${ipv6FromBigInt((0xfcn << 120n) | (folded << 88n))}/40`;
}

/** First MAC octet for a network (MAC::firstOctetForNetwork). */
export function firstOctetForNetwork(network: NetworkId): number {
  const o = (Number(networkIdToBigInt(network) & 0xffn) & 0xfe) | 0x02;
  // 0x52 is the first octet of KVM/QEMU's default MACs; ZeroTier avoids it.
  return o === 0x52 ? 0x32 : o;
}

function maskFor(network: NetworkId): bigint {
  const nwid = networkIdToBigInt(network);
  let m = 0n;
  for (let i = 1n; i <= 5n; i++) m |= ((nwid >> (8n * i)) & 0xffn) << (8n * (5n - i));
  return m;
}

/** The member's MAC on the network, `aa:bb:cc:dd:ee:ff`. */
export function memberMac(network: NetworkId, member: MemberId): string {
  const m = (BigInt(firstOctetForNetwork(network)) << 40n) | (memberIdToBigInt(member) ^ maskFor(network));
  return m.toString(16).padStart(12, '0').match(/../g)!.join(':');
}

/** The member address behind a MAC on the network, or undefined when the MAC is not a member MAC there. */
export function memberOfMac(network: NetworkId, mac: string): MemberId | undefined {
  const hex = mac.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex) || parseInt(hex.slice(0, 2), 16) !== firstOctetForNetwork(network)) return undefined;
  const a = (BigInt(`0x${hex.slice(2)}`) ^ maskFor(network)).toString(16).padStart(10, '0');
  return a as MemberId;
}
