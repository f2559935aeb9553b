/**
 * Decoded BGP messages: plain, typed records (style.md: "a decoded UPDATE is a record of
 * typed optional fields, not a list of polymorphic objects"). Field names follow the RFCs.
 * Shared by the codec (wire/), the FSM, RIBs, policy, speaker, MRT and the CLI's JSON.
 *
 * Conventions: ASNs are numbers (0..2^32-1); IPv4 addresses dotted quads; IPv6 addresses in
 * RFC 5952 canonical text; prefixes `addr/len` with host bits zero; communities are 32-bit
 * numbers (ASN << 16 | value); large communities are [global, local1, local2].
 */

import type { AddressTexts } from './address.js';

export type Afi = 1 | 2; // IPv4, IPv6
export type Safi = 1 | 2 | number; // unicast, multicast, others carried opaquely
export type Family = 'ipv4-unicast' | 'ipv6-unicast';

export const AFI_IPV4 = 1;
export const AFI_IPV6 = 2;
export const SAFI_UNICAST = 1;

export const MESSAGE_TYPE = { OPEN: 1, UPDATE: 2, NOTIFICATION: 3, KEEPALIVE: 4, ROUTE_REFRESH: 5 } as const;
export const HEADER_LENGTH = 19;
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654 extended messages. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;
export const AS_TRANS = 23456;

/** Session knobs that change how bytes are read and written (style.md: explicit context, never globals). */
export interface CodecContext {
  /** Both sides advertised 4-octet AS (RFC 6793): AS_PATH carries 4-byte ASNs. */
  fourOctetAs: boolean;
  /** Families for which ADD-PATH receive/send is negotiated (RFC 7911): NLRI carry a path id. */
  addPathReceive: ReadonlySet<Family>;
  addPathSend: ReadonlySet<Family>;
  /** RFC 8654 negotiated: messages up to 65535 bytes. */
  extendedMessage: boolean;
  /** Peer is internal (iBGP): affects which attribute errors are tolerated (RFC 7606 §7). */
  ibgp: boolean;
  /**
   * The session's memo of address texts (address.ts AddressTexts), so the attribute sets of one
   * peer share their next-hop strings; without one every address is formatted afresh.
   */
  addressTexts?: AddressTexts;
}

export const DEFAULT_CONTEXT: CodecContext = Object.freeze({
  fourOctetAs: true,
  addPathReceive: new Set<Family>(),
  addPathSend: new Set<Family>(),
  extendedMessage: false,
  ibgp: false,
  addressTexts: undefined,
});

// ---------------------------------------------------------------- prefixes / NLRI

export interface Prefix {
  /** `203.0.113.0/24` or `2001:db8::/32`. */
  prefix: string;
  /** ADD-PATH path identifier, when negotiated for the family. */
  pathId?: number;
}

// ---------------------------------------------------------------- capabilities (RFC 5492)

export type Capability =
  | { code: 1; name: 'multiprotocol'; afi: number; safi: number }
  | { code: 2; name: 'route-refresh' }
  | { code: 64; name: 'graceful-restart'; restartFlags: number; restartTime: number; families: Array<{ afi: number; safi: number; flags: number }> }
  | { code: 65; name: 'four-octet-as'; asn: number }
  | { code: 69; name: 'add-path'; families: Array<{ afi: number; safi: number; sendReceive: 1 | 2 | 3 }> }
  | { code: 6; name: 'extended-message' }
  | { code: 70; name: 'enhanced-route-refresh' }
  | { code: 73; name: 'fqdn'; hostname: string; domain: string }
  | { code: number; name: 'unknown'; data: Uint8Array };

// ---------------------------------------------------------------- path attributes

export type Origin = 0 | 1 | 2; // IGP, EGP, INCOMPLETE

export type AsPathSegmentType = 1 | 2 | 3 | 4; // AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET
export interface AsPathSegment {
  type: AsPathSegmentType;
  asns: number[];
}

export interface Aggregator {
  asn: number;
  address: string;
}

/** An attribute we do not interpret, kept byte for byte (flags include Partial as received). */
export interface UnknownAttribute {
  flags: number;
  typeCode: number;
  value: Uint8Array;
}

export interface MpReach {
  afi: number;
  safi: number;
  /** Global next hop, and for IPv6 optionally the link-local one (RFC 2545: 32-byte next hop). */
  nextHop: string;
  linkLocalNextHop?: string;
  nlri: Prefix[];
}

export interface MpUnreach {
  afi: number;
  safi: number;
  withdrawn: Prefix[];
}

/** Extended community (RFC 4360): 8 raw bytes plus a decoded view where the type is known. */
export interface ExtendedCommunity {
  type: number;
  subtype: number;
  /** The 6 value bytes. */
  value: Uint8Array;
  /** e.g. `rt:65000:100`, `soo:192.0.2.1:7`, or `raw:0x…` when not interpreted. */
  text: string;
}

export type LargeCommunity = readonly [number, number, number];

/**
 * The path attributes of one UPDATE, as typed optional fields. Frozen and interned by the
 * RIB so many routes share one object.
 */
export interface PathAttributes {
  origin?: Origin;
  /** AS_PATH as received/sent (after AS4_PATH merge when decoding from a 2-octet session). */
  asPath?: AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  extendedCommunities?: ExtendedCommunity[];
  largeCommunities?: LargeCommunity[];
  /** RFC 6793 attributes, present only on 2-octet sessions before merging. */
  as4Path?: AsPathSegment[];
  as4Aggregator?: Aggregator;
  unknown?: UnknownAttribute[];
}

// ---------------------------------------------------------------- messages

export interface OpenMessage {
  type: 'OPEN';
  version: number;
  /** The 2-octet field as sent (AS_TRANS when the real ASN needs 4 octets). */
  myAs: number;
  holdTime: number;
  bgpIdentifier: string;
  capabilities: Capability[];
  /** Optional parameters other than capabilities, kept raw. */
  unknownParameters?: Array<{ type: number; value: Uint8Array }>;
  /**
   * How many capabilities each Capabilities optional parameter held, in order, when that was
   * not one per parameter (BIRD puts all in one). Only for byte-exact re-encoding; absent means
   * one capability per parameter, which is what flatlab sends.
   */
  capabilityGroups?: number[];
}

export interface UpdateMessage {
  type: 'UPDATE';
  withdrawn: Prefix[];
  attributes: PathAttributes;
  nlri: Prefix[];
}

export interface NotificationMessage {
  type: 'NOTIFICATION';
  code: number;
  subcode: number;
  data: Uint8Array;
  /**
   * Decoded view only (the encoder writes `data`): the shutdown communication of a Cease /
   * Administrative Shutdown or Reset (RFC 8203, RFC 9003), when `data` holds a valid one.
   */
  shutdownCommunication?: string;
}

export interface KeepaliveMessage {
  type: 'KEEPALIVE';
}

export interface RouteRefreshMessage {
  type: 'ROUTE_REFRESH';
  afi: number;
  /** RFC 7313: 0 normal request, 1 BoRR, 2 EoRR. */
  subtype: number;
  safi: number;
}

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

// ---------------------------------------------------------------- errors

/** NOTIFICATION error codes (RFC 4271 §4.5) and the subcodes we send. */
export const ERROR_CODE = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH: 7,
} as const;

/** RFC 7606 §2 error handling approaches, in increasing severity. */
export type ErrorDisposition = 'attribute-discard' | 'treat-as-withdraw' | 'session-reset';
