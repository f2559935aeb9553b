/**
 * The overlay's packets on the underlay (one UDP datagram each), a small stand-in for
 * ZeroTier's VL1 packet: a clear header that routes the packet (like ZeroTier's destination
 * and source addresses, which roots read to relay), then a ChaCha20-Poly1305 sealed payload
 * whose tag also covers the header (ZeroTier: Salsa20/12 + Poly1305 or AES-GMAC-SIV).
 *
 *   0        1      2          7          12              24
 *   +--------+------+----------+----------+---------------+--------------------+-----+
 *   | version| type | dst (40) | src (40) | nonce (96)    | ciphertext          | tag |
 *   +--------+------+----------+----------+---------------+--------------------+-----+
 *
 * HELLO and REGISTER carry clear payloads (a public key; nothing): they set up keys and let a
 * root learn where a member is, as ZeroTier's HELLO does.
 */
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { FlatlabError } from '../config/diagnostics.js';
import type { MemberId } from './ids.js';

export const PACKET_VERSION = 1;
export const HEADER_LENGTH = 24;
export const TAG_LENGTH = 16;

export const PacketType = {
  /** Member → controller or controller → member: the sender's X25519 public key (clear). */
  HELLO: 1,
  /** Member → controller: config request (sealed with the member–controller key). */
  REQUEST: 2,
  /** Controller → member: network config or denial (sealed). */
  CONFIG: 3,
  /** Member → member: one Ethernet frame (sealed with the pair key). */
  FRAME: 4,
  /** Member → member: path probe and its answer (sealed with the pair key). */
  ECHO: 5,
  ECHO_REPLY: 6,
  /** Member → root: "I am here" (clear, empty); the root relays packets for that member to where this came from. */
  REGISTER: 7,
} as const;
export type PacketTypeCode = (typeof PacketType)[keyof typeof PacketType];

export interface PacketHeader {
  type: PacketTypeCode;
  dst: MemberId;
  src: MemberId;
  nonce: Uint8Array;
}

/** A datagram that is not one of ours; the agents drop it (a wire error, never a crash). */
export class PacketError extends FlatlabError {
  constructor(message: string) {
    super('zt.bad-packet', message);
  }
}

const idBytes = (id: string) => Buffer.from(id, 'hex');
const idText = (b: Uint8Array) => Buffer.from(b).toString('hex') as MemberId;

function header(type: PacketTypeCode, dst: MemberId, src: MemberId, nonce: Uint8Array): Buffer {
  const h = Buffer.alloc(HEADER_LENGTH);
  h[0] = PACKET_VERSION;
  h[1] = type;
  idBytes(dst).copy(h, 2);
  idBytes(src).copy(h, 7);
  Buffer.from(nonce).copy(h, 12);
  return h;
}

export function decodeHeader(packet: Uint8Array): PacketHeader {
  if (packet.length < HEADER_LENGTH) throw new PacketError(`packet of ${packet.length} bytes is shorter than the ${HEADER_LENGTH}-byte header`);
  if (packet[0] !== PACKET_VERSION) throw new PacketError(`unknown packet version ${packet[0]}`);
  const type = packet[1]!;
  if (type < 1 || type > 7) throw new PacketError(`unknown packet type ${type}`);
  return { type: type as PacketTypeCode, dst: idText(packet.subarray(2, 7)), src: idText(packet.subarray(7, 12)), nonce: packet.subarray(12, 24) };
}

/** A packet with a clear payload (HELLO, REGISTER). */
export function encodeClear(type: PacketTypeCode, dst: MemberId, src: MemberId, payload: Uint8Array = new Uint8Array(0)): Buffer {
  return Buffer.concat([header(type, dst, src, new Uint8Array(12)), payload]);
}

export function clearPayload(packet: Uint8Array): Uint8Array {
  return packet.subarray(HEADER_LENGTH);
}

/** Seal `payload` under `key` (32 bytes); the header is authenticated too. `nonce` is injectable for tests. */
export function seal(type: PacketTypeCode, dst: MemberId, src: MemberId, key: Uint8Array, payload: Uint8Array, nonce: Uint8Array = randomBytes(12)): Buffer {
  const h = header(type, dst, src, nonce);
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH });
  c.setAAD(h, { plaintextLength: payload.length });
  const body = Buffer.concat([c.update(payload), c.final()]);
  return Buffer.concat([h, body, c.getAuthTag()]);
}

/** The payload of a sealed packet, or undefined when it does not authenticate under `key`. */
export function open(packet: Uint8Array, key: Uint8Array): Buffer | undefined {
  if (packet.length < HEADER_LENGTH + TAG_LENGTH) return undefined;
  const h = packet.subarray(0, HEADER_LENGTH);
  const body = packet.subarray(HEADER_LENGTH, packet.length - TAG_LENGTH);
  const d = createDecipheriv('chacha20-poly1305', key, h.subarray(12, 24), { authTagLength: TAG_LENGTH });
  d.setAAD(h, { plaintextLength: body.length });
  d.setAuthTag(packet.subarray(packet.length - TAG_LENGTH));
  try {
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    return undefined;
  }
}

export interface Identity {
  publicKey: Buffer;
  privateKey: KeyObject;
}

/** A fresh X25519 key pair; the public key is the raw 32 bytes. */
export function generateIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { publicKey: Buffer.from(raw), privateKey };
}

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** The member–controller key: X25519 agreement, then HKDF-SHA256 bound to both addresses. */
export function agreeKey(own: Identity, peerPublic: Uint8Array, a: MemberId, b: MemberId): Buffer {
  if (peerPublic.length !== 32) throw new PacketError('an X25519 public key is 32 bytes');
  const pub = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peerPublic]), format: 'der', type: 'spki' });
  const secret = diffieHellman({ privateKey: own.privateKey, publicKey: pub });
  const info = a < b ? `${a}${b}` : `${b}${a}`;
  return Buffer.from(hkdfSync('sha256', secret, 'flatlab-zt', info, 32));
}

