/**
 * OPEN (RFC 4271 §4.2) with optional parameters (RFC 5492 capabilities, type 2) and RFC 9072
 * extended optional parameters length (used on encode only when the parameters exceed 255
 * bytes). Decoding rejects what no session could accept (version ≠ 4, hold time 1 or 2, BGP
 * Identifier 0); the checks that need configuration (peer AS, own identifier, required
 * capabilities) are in `checkOpen`.
 */
import { formatIpv4Bytes, writeIpv4 } from '../address.js';
import { capabilityCodec } from '../capabilities/registry.js';
import type { Codec } from '../codec.js';
import { Writer, type Reader } from '../cursor.js';
import { BgpDecodeError, BgpEncodeError, OPEN_SUBCODE } from '../errors.js';
import type { Capability, CodecContext, OpenMessage } from '../types.js';

const PARAM_CAPABILITIES = 2;
/** RFC 9072 §2: Non-Ext OP Len 255 and Non-Ext OP Type 255 announce the extended format. */
const EXTENDED_PARAMS = 255;

const SHORT_OPEN = { code: 'bgp.open.truncated', errorCode: 2, errorSubcode: OPEN_SUBCODE.UNSPECIFIC, what: 'OPEN optional parameters' };

function openError(offset: number, subcode: number, code: string, message: string, data?: Uint8Array): BgpDecodeError {
  return new BgpDecodeError({ code, message, errorCode: 2, errorSubcode: subcode, offset, ...(data ? { data } : {}) });
}

interface Param {
  type: number;
  /** Capabilities in this parameter, or the raw value for other types. */
  capabilities?: Capability[];
  value?: Uint8Array;
}

function paramsOf(v: OpenMessage): Param[] {
  const params: Param[] = [];
  const groups = v.capabilityGroups ?? v.capabilities.map(() => 1);
  let at = 0;
  for (const n of groups) {
    params.push({ type: PARAM_CAPABILITIES, capabilities: v.capabilities.slice(at, at + n) });
    at += n;
  }
  if (at !== v.capabilities.length) throw new BgpEncodeError(`capabilityGroups adds up to ${at} capabilities, the OPEN has ${v.capabilities.length}`);
  for (const p of v.unknownParameters ?? []) params.push({ type: p.type, value: p.value });
  return params;
}

function paramValueLength(p: Param, ctx: CodecContext): number {
  if (p.capabilities) {
    let n = 0;
    for (const c of p.capabilities) n += capabilityCodec.encodedLength(c, ctx);
    return n;
  }
  return p.value?.length ?? 0;
}

function layout(v: OpenMessage, ctx: CodecContext): { params: Param[]; lengths: number[]; extended: boolean; total: number } {
  const params = paramsOf(v);
  const lengths = params.map((p) => paramValueLength(p, ctx));
  const short = lengths.reduce((a, n) => a + 2 + n, 0);
  const extended = short > 255 || lengths.some((n) => n > 255);
  const total = extended ? lengths.reduce((a, n) => a + 3 + n, 0) : short;
  return { params, lengths, extended, total };
}

export const openCodec: Codec<OpenMessage> = {
  encode(v, w: Writer, ctx) {
    if (!(Number.isInteger(v.myAs) && v.myAs >= 0 && v.myAs <= 0xffff)) throw new BgpEncodeError(`OPEN My Autonomous System ${v.myAs} does not fit 2 octets`, 'send AS_TRANS (23456) and the real ASN in the four-octet-as capability');
    if (!(v.holdTime >= 0 && v.holdTime <= 0xffff)) throw new BgpEncodeError(`OPEN hold time ${v.holdTime} out of range`);
    w.u8(v.version);
    w.u16(v.myAs);
    w.u16(v.holdTime);
    writeIpv4(w, v.bgpIdentifier, 'BGP Identifier');
    const { params, lengths, extended, total } = layout(v, ctx);
    if (extended) {
      w.u8(EXTENDED_PARAMS);
      w.u8(EXTENDED_PARAMS);
      w.u16(total);
    } else w.u8(total);
    params.forEach((p, i) => {
      w.u8(p.type);
      const len = lengths[i] as number;
      if (extended) w.u16(len);
      else w.u8(len);
      if (p.capabilities) for (const c of p.capabilities) capabilityCodec.encode(c, w, ctx);
      else if (p.value) w.bytes(p.value);
    });
  },

  decode(r, len, ctx) {
    if (len < 10) throw openError(r.pos, OPEN_SUBCODE.UNSPECIFIC, 'bgp.open.truncated', `OPEN body is ${len} bytes, at least 10 needed`);
    const start = r.pos;
    const version = r.u8();
    if (version !== 4) {
      // RFC 4271 §6.2: data is the largest locally supported version number.
      throw openError(start, OPEN_SUBCODE.UNSUPPORTED_VERSION, 'bgp.open.unsupported-version', `BGP version ${version} is not supported (only 4)`, Uint8Array.of(0, 4));
    }
    const myAs = r.u16();
    const holdTime = r.u16();
    if (holdTime === 1 || holdTime === 2) throw openError(start + 3, OPEN_SUBCODE.UNACCEPTABLE_HOLD_TIME, 'bgp.open.hold-time', `hold time ${holdTime} s is not allowed (0 or at least 3, RFC 4271 §4.2)`);
    const idAt = r.pos;
    const bgpIdentifier = formatIpv4Bytes(r.bytes, r.pos);
    r.pos += 4;
    if (bgpIdentifier === '0.0.0.0') throw openError(idAt, OPEN_SUBCODE.BAD_BGP_IDENTIFIER, 'bgp.open.bad-identifier', 'BGP Identifier 0.0.0.0 is not valid (RFC 6286 §2.1: non-zero)', r.bytes.slice(idAt, idAt + 4));
    let paramsLen = r.u8();
    let extended = false;
    if (paramsLen === EXTENDED_PARAMS && r.remaining >= 1 && r.bytes[r.pos] === EXTENDED_PARAMS) {
      r.u8();
      paramsLen = r.u16();
      extended = true;
    }
    if (paramsLen !== r.remaining) throw openError(r.pos, OPEN_SUBCODE.UNSPECIFIC, 'bgp.open.parameters-length', `optional parameters length ${paramsLen} does not match the ${r.remaining} bytes left in the OPEN`);
    const params = r.sub(paramsLen, SHORT_OPEN);
    const capabilities: Capability[] = [];
    const groups: number[] = [];
    const unknownParameters: Array<{ type: number; value: Uint8Array }> = [];
    while (params.pos < params.end) {
      const type = params.u8();
      const plen = extended ? params.u16() : params.u8();
      const body = params.sub(plen);
      if (type === PARAM_CAPABILITIES) {
        let n = 0;
        while (body.pos < body.end) {
          const capStart = body.pos;
          const c = capabilityCodec.decode(body, body.end - body.pos, ctx);
          if (body.pos <= capStart) break;
          capabilities.push(c);
          n++;
        }
        groups.push(n);
      } else unknownParameters.push({ type, value: body.copy(plen) });
    }
    const msg: OpenMessage = { type: 'OPEN', version, myAs, holdTime, bgpIdentifier, capabilities };
    if (unknownParameters.length > 0) msg.unknownParameters = unknownParameters;
    if (groups.some((n) => n !== 1)) msg.capabilityGroups = groups;
    return msg;
  },

  encodedLength(v, ctx) {
    const { extended, total } = layout(v, ctx);
    return 10 + (extended ? 3 : 0) + total;
  },
};

/** What the local side expects of a peer's OPEN (RFC 4271 §6.2). */
export interface OpenExpectation {
  /** The configured peer ASN (compared with the four-octet-as capability when present). */
  peerAs?: number;
  /** Our own BGP Identifier: an iBGP peer's must differ (RFC 6286 §2.2 allows equal ones only between ASes). */
  localBgpIdentifier?: string;
  ibgp?: boolean;
  /** Capability codes we cannot do without (RFC 5492 §3: NOTIFICATION with the missing ones). */
  requiredCapabilities?: readonly Capability[];
  /** Reject a non-zero hold time below this (seconds). */
  minHoldTime?: number;
}

/** The peer's real ASN: four-octet-as capability when present, else My Autonomous System. */
export function peerAsOf(open: OpenMessage): number {
  for (const c of open.capabilities) if (c.name === 'four-octet-as') return c.asn;
  return open.myAs;
}

/**
 * Check a decoded OPEN against configuration; throws the BgpDecodeError to send as NOTIFICATION
 * (code 2: bad peer AS, bad BGP identifier, unacceptable hold time, unsupported capability,
 * unsupported optional parameter).
 */
export function checkOpen(open: OpenMessage, expect: OpenExpectation): void {
  if (open.unknownParameters && open.unknownParameters.length > 0) {
    const p = open.unknownParameters[0] as { type: number };
    throw openError(0, OPEN_SUBCODE.UNSUPPORTED_OPTIONAL_PARAMETER, 'bgp.open.unsupported-parameter', `optional parameter type ${p.type} is not supported`);
  }
  if (expect.peerAs !== undefined) {
    const asn = peerAsOf(open);
    if (asn !== expect.peerAs) {
      const data = new Uint8Array(2);
      new DataView(data.buffer).setUint16(0, open.myAs);
      throw openError(0, OPEN_SUBCODE.BAD_PEER_AS, 'bgp.open.bad-peer-as', `peer says AS ${asn}, configured AS ${expect.peerAs}`, data);
    }
  }
  if (expect.localBgpIdentifier !== undefined && expect.ibgp !== false && open.bgpIdentifier === expect.localBgpIdentifier) {
    throw openError(0, OPEN_SUBCODE.BAD_BGP_IDENTIFIER, 'bgp.open.bad-identifier', `peer uses our own BGP Identifier ${open.bgpIdentifier}`);
  }
  if (expect.minHoldTime !== undefined && open.holdTime !== 0 && open.holdTime < expect.minHoldTime) {
    throw openError(0, OPEN_SUBCODE.UNACCEPTABLE_HOLD_TIME, 'bgp.open.hold-time', `hold time ${open.holdTime} s is below the configured minimum ${expect.minHoldTime} s`);
  }
  const missing = (expect.requiredCapabilities ?? []).filter((need) => !open.capabilities.some((c) => sameCapability(c, need)));
  if (missing.length > 0) {
    throw openError(0, OPEN_SUBCODE.UNSUPPORTED_CAPABILITY, 'bgp.open.unsupported-capability', `peer lacks required capabilit${missing.length === 1 ? 'y' : 'ies'} ${missing.map((c) => c.name).join(', ')}`, encodeCapabilities(missing));
  }
}

function sameCapability(a: Capability, b: Capability): boolean {
  if (a.code !== b.code) return false;
  if (a.name === 'multiprotocol' && b.name === 'multiprotocol') return a.afi === b.afi && a.safi === b.safi;
  return true;
}

/** RFC 5492 §3: the Unsupported Capability data lists the capabilities (code, length, value). */
function encodeCapabilities(caps: readonly Capability[]): Uint8Array {
  const ctx: CodecContext = { fourOctetAs: true, addPathReceive: new Set(), addPathSend: new Set(), extendedMessage: false, ibgp: false };
  const w = new Writer(64);
  for (const c of caps) capabilityCodec.encode(c, w, ctx);
  return w.result().slice();
}
