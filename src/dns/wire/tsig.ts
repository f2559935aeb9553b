/**
 * TSIG (RFC 8945) with HMAC-SHA256 and HMAC-SHA512: reading the TSIG record of a request,
 * verifying it, and signing responses, including every message of a multi-message answer
 * (AXFR, §5.3.1). Clock comes in as a parameter.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { FlatlabError } from '../../config/diagnostics.js';
import { DnsFormatError } from './errors.js';
import { CLASS, RCODE, TYPE } from './constants.js';
import type { WireMessage, WireRecord } from './message.js';
import { nameKey, nameToLabels, readName } from './names.js';

export type TsigAlgorithm = 'hmac-sha256' | 'hmac-sha512';

export interface TsigKey {
  /** Key name as both sides configure it (compared case-insensitively). */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

const DIGEST: Record<TsigAlgorithm, { hash: string; size: number }> = {
  'hmac-sha256': { hash: 'sha256', size: 32 },
  'hmac-sha512': { hash: 'sha512', size: 64 },
};

/** Fudge we put in what we sign and accept by default: 300 s, as RFC 8945 §10 recommends. */
export const DEFAULT_FUDGE = 300;

export class TsigKeyError extends FlatlabError {}

/** `name:alg:base64secret` or `alg:name:secret` (dig -y order) → key. */
export function parseTsigKeySpec(spec: string): TsigKey {
  const parts = spec.split(':');
  if (parts.length !== 3) {
    throw new TsigKeyError('tsig.bad-key-spec', `TSIG key "${spec}" is not name:algorithm:secret`, {
      hint: 'write e.g. transfer-key:hmac-sha256:c2VjcmV0c2VjcmV0 (secret in base64, as dig -y and tsig-keygen use)',
    });
  }
  const [a = '', b = '', secretText = ''] = parts;
  const alg = isAlgorithm(a) ? a : isAlgorithm(b) ? b : undefined;
  if (!alg) {
    throw new TsigKeyError('tsig.bad-algorithm', `TSIG key "${spec}" names no supported algorithm`, {
      hint: 'use hmac-sha256 or hmac-sha512',
    });
  }
  const name = alg === a ? b : a;
  const secret = Buffer.from(secretText, 'base64');
  if (!name || secret.length === 0 || secret.toString('base64').replace(/=+$/, '') !== secretText.replace(/=+$/, '')) {
    throw new TsigKeyError('tsig.bad-secret', `TSIG key "${spec}" needs a key name and a base64 secret`, {
      hint: 'generate one with `tsig-keygen -a hmac-sha256 NAME` or `openssl rand -base64 32`',
    });
  }
  return { name, algorithm: alg, secret };
}

function isAlgorithm(s: string): s is TsigAlgorithm {
  return s === 'hmac-sha256' || s === 'hmac-sha512';
}

export interface TsigRecord {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
  /** The raw record, to strip it before verifying. */
  wire: WireRecord;
}

/** The request's TSIG record if it has one; it must be the last additional (RFC 8945 §5.1). */
export function readTsig(msg: WireMessage): TsigRecord | undefined {
  const all = [...msg.answers, ...msg.authorities, ...msg.additionals];
  const idx = all.findIndex((r) => r.type === TYPE.TSIG);
  if (idx < 0) return undefined;
  const wire = all[idx] as WireRecord;
  if (idx !== all.length - 1 || msg.additionals[msg.additionals.length - 1] !== wire) {
    throw new DnsFormatError('TSIG record is not the last record of the message', wire.start);
  }
  if (wire.class !== CLASS.ANY || wire.ttl !== 0) throw new DnsFormatError('TSIG record must have class ANY and TTL 0', wire.start);
  const buf = msg.raw;
  const alg = readName(buf, wire.rdataStart);
  let p = alg.end;
  const need = (n: number) => {
    if (p + n > wire.end) throw new DnsFormatError('TSIG rdata is truncated', p);
  };
  need(10);
  const timeSigned = buf.readUIntBE(p, 6);
  const fudge = buf.readUInt16BE(p + 6);
  const macSize = buf.readUInt16BE(p + 8);
  p += 10;
  need(macSize);
  const mac = buf.subarray(p, p + macSize);
  p += macSize;
  need(6);
  const originalId = buf.readUInt16BE(p);
  const error = buf.readUInt16BE(p + 2);
  const otherLen = buf.readUInt16BE(p + 4);
  p += 6;
  need(otherLen);
  const otherData = buf.subarray(p, p + otherLen);
  p += otherLen;
  if (p !== wire.end) throw new DnsFormatError('TSIG rdata has trailing bytes', p);
  return { keyName: wire.name, algorithm: nameKey(alg.name), timeSigned, fudge, mac, originalId, error, otherData, wire };
}

export type TsigVerdict =
  | { ok: true; key: TsigKey; mac: Buffer; tsig: TsigRecord }
  /** `error` goes in the response's TSIG; the response RCODE is NOTAUTH (RFC 8945 §5.2). */
  | { ok: false; error: number; key?: TsigKey; tsig: TsigRecord; why: string };

/** Verify a signed request (RFC 8945 §5.2): key, then MAC, then time. */
export function verifyRequest(msg: WireMessage, tsig: TsigRecord, keys: readonly TsigKey[], nowSeconds: number): TsigVerdict {
  const key = keys.find((k) => nameKey(k.name) === nameKey(tsig.keyName));
  if (!key || nameKey(key.algorithm) !== tsig.algorithm) {
    return { ok: false, error: RCODE.BADKEY, tsig, why: key ? `key ${tsig.keyName} is not ${tsig.algorithm}` : `unknown key ${tsig.keyName}` };
  }
  const full = DIGEST[key.algorithm].size;
  // §5.2.2.1: a truncated MAC must keep at least half the digest and 10 bytes.
  if (tsig.mac.length > full || tsig.mac.length < Math.max(10, full / 2)) {
    throw new DnsFormatError(`TSIG MAC of ${tsig.mac.length} bytes for ${key.algorithm}`, tsig.wire.rdataStart);
  }
  const unsigned = stripTsig(msg, tsig);
  const expected = hmac(key, [unsigned, tsigVariables(tsig.keyName, key.algorithm, tsig.timeSigned, tsig.fudge, tsig.error, tsig.otherData)]);
  if (!timingSafeEqual(expected.subarray(0, tsig.mac.length), tsig.mac)) return { ok: false, error: RCODE.BADSIG, key, tsig, why: 'MAC does not match' };
  if (Math.abs(nowSeconds - tsig.timeSigned) > tsig.fudge) {
    return { ok: false, error: RCODE.BADTIME, key, tsig, why: `time signed ${tsig.timeSigned} is more than ${tsig.fudge}s from ours (${nowSeconds})` };
  }
  return { ok: true, key, mac: tsig.mac, tsig };
}

/** The message as it was before the TSIG record was added: ARCOUNT − 1, original ID. */
function stripTsig(msg: WireMessage, tsig: TsigRecord): Buffer {
  const b = Buffer.from(msg.raw.subarray(0, tsig.wire.start));
  b.writeUInt16BE(tsig.originalId, 0);
  b.writeUInt16BE(msg.header.arcount - 1, 10);
  return b;
}

function tsigVariables(keyName: string, alg: string, time: number, fudge: number, error: number, other: Buffer): Buffer {
  const name = canonicalWire(keyName);
  const algName = canonicalWire(alg);
  const b = Buffer.alloc(name.length + 6 + algName.length + 8 + 4 + other.length);
  let p = name.copy(b, 0);
  b.writeUInt16BE(CLASS.ANY, p);
  b.writeUInt32BE(0, p + 2);
  p += 6;
  p += algName.copy(b, p);
  b.writeUIntBE(time, p, 6);
  b.writeUInt16BE(fudge, p + 6);
  b.writeUInt16BE(error, p + 8);
  b.writeUInt16BE(other.length, p + 10);
  p += 12;
  other.copy(b, p);
  return b;
}

function timers(time: number, fudge: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUIntBE(time, 0, 6);
  b.writeUInt16BE(fudge, 6);
  return b;
}

/** Names in MAC input are in canonical form: lower case, uncompressed (RFC 8945 §4.3.3). */
function canonicalWire(name: string): Buffer {
  const labels = nameToLabels(nameKey(name));
  return Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), l]), Buffer.from([0])]);
}

function macWithLength(mac: Buffer): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(mac.length);
  return Buffer.concat([b, mac]);
}

function hmac(key: TsigKey, parts: readonly Buffer[]): Buffer {
  const h = createHmac(DIGEST[key.algorithm].hash, key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

export interface SignOptions {
  key: TsigKey;
  nowSeconds: number;
  fudge?: number;
  /** MAC of the request (first response) or of the previous message (later AXFR messages). */
  priorMac?: Buffer;
  /** Later messages of a multi-message response digest only the timers (§5.3.1). */
  timersOnly?: boolean;
  error?: number;
  otherData?: Buffer;
  /** ID of the request, written as the TSIG original ID. */
  originalId?: number;
}

/** Append a TSIG record to an encoded message; returns the signed message and its MAC. */
export function signMessage(message: Buffer, opts: SignOptions): { message: Buffer; mac: Buffer } {
  const fudge = opts.fudge ?? DEFAULT_FUDGE;
  const error = opts.error ?? 0;
  const other = opts.otherData ?? Buffer.alloc(0);
  const parts: Buffer[] = [];
  if (opts.priorMac) parts.push(macWithLength(opts.priorMac));
  parts.push(message);
  parts.push(opts.timersOnly ? timers(opts.nowSeconds, fudge) : tsigVariables(opts.key.name, opts.key.algorithm, opts.nowSeconds, fudge, error, other));
  const mac = hmac(opts.key, parts);
  return { message: appendTsig(message, { ...opts, fudge, error, otherData: other, mac }), mac };
}

/** A response to a request whose TSIG failed with BADKEY or BADSIG carries an empty MAC (§5.3.2). */
export function appendUnsignedTsig(message: Buffer, t: TsigRecord, error: number): Buffer {
  return appendTsig(message, {
    key: { name: t.keyName, algorithm: t.algorithm as TsigAlgorithm, secret: Buffer.alloc(0) },
    nowSeconds: t.timeSigned,
    fudge: t.fudge,
    error,
    otherData: Buffer.alloc(0),
    mac: Buffer.alloc(0),
    originalId: t.originalId,
  });
}

function appendTsig(message: Buffer, o: SignOptions & { mac: Buffer; fudge: number; error: number; otherData: Buffer }): Buffer {
  const owner = canonicalWire(o.key.name);
  const alg = canonicalWire(o.key.algorithm);
  const rdlen = alg.length + 10 + o.mac.length + 6 + o.otherData.length;
  const rr = Buffer.alloc(owner.length + 10 + rdlen);
  let p = owner.copy(rr, 0);
  rr.writeUInt16BE(TYPE.TSIG, p);
  rr.writeUInt16BE(CLASS.ANY, p + 2);
  rr.writeUInt32BE(0, p + 4);
  rr.writeUInt16BE(rdlen, p + 8);
  p += 10;
  p += alg.copy(rr, p);
  rr.writeUIntBE(o.nowSeconds, p, 6);
  rr.writeUInt16BE(o.fudge, p + 6);
  rr.writeUInt16BE(o.mac.length, p + 8);
  p += 10;
  p += o.mac.copy(rr, p);
  rr.writeUInt16BE(o.originalId ?? message.readUInt16BE(0), p);
  rr.writeUInt16BE(o.error, p + 2);
  rr.writeUInt16BE(o.otherData.length, p + 4);
  p += 6;
  o.otherData.copy(rr, p);
  const out = Buffer.concat([message, rr]);
  out.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return out;
}

/** Verify a signed response (client side, and for tests): MAC over request MAC + message. */
export function verifyResponse(msg: WireMessage, key: TsigKey, requestMac: Buffer, opts: { timersOnly?: boolean } = {}): boolean {
  const t = readTsig(msg);
  if (!t) return false;
  const unsigned = stripTsig(msg, t);
  const vars = opts.timersOnly ? timers(t.timeSigned, t.fudge) : tsigVariables(t.keyName, key.algorithm, t.timeSigned, t.fudge, t.error, t.otherData);
  const expected = hmac(key, [macWithLength(requestMac), unsigned, vars]);
  return t.mac.length === expected.length && timingSafeEqual(expected, t.mac);
}

