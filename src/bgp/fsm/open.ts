/**
 * Our OPEN, the checks on the peer's OPEN (RFC 4271 §6.2, RFC 5492 §3, RFC 6286, RFC 6793),
 * and the session parameters both OPENs agree on.
 */
import { AS_TRANS, ERROR_CODE } from '../wire/types.js';
import { OPEN_SUBCODE } from '../wire/errors.js';
import type { Capability, Family, OpenMessage } from '../wire/types.js';
import type { FsmConfig, GracefulRestartParameters, MessageError, NegotiatedSession } from './types.js';

/** OPEN Message Error subcodes (RFC 4271 §6.2, RFC 5492 §3): the codec's table. */
export const OPEN_ERROR = OPEN_SUBCODE;

export const BGP_VERSION = 4;

export function buildOpen(config: FsmConfig): OpenMessage {
  return {
    type: 'OPEN',
    version: BGP_VERSION,
    // RFC 6793 §4.1: a 4-octet ASN goes in the capability, AS_TRANS in the 2-octet field.
    myAs: config.localAs > 0xffff ? AS_TRANS : config.localAs,
    holdTime: config.holdTime,
    bgpIdentifier: config.routerId,
    capabilities: config.capabilities,
  };
}

/** Dotted quad → unsigned 32-bit number, or undefined when it is not one. */
export function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** The peer's real ASN: the 4-octet capability's when present (RFC 6793 §4.1), else the 2-octet field. */
export function openAsn(open: OpenMessage): number {
  for (const c of open.capabilities) if (c.code === 65 && c.name === 'four-octet-as') return c.asn;
  return open.myAs;
}

function error(subcode: number, data?: Uint8Array): MessageError {
  return data ? { code: ERROR_CODE.OPEN_MESSAGE, subcode, data } : { code: ERROR_CODE.OPEN_MESSAGE, subcode };
}

/**
 * The first thing wrong with the peer's OPEN, in the order RFC 4271 §6.2 lists the checks,
 * or undefined when it is acceptable.
 */
export function validateOpen(open: OpenMessage, config: FsmConfig): MessageError | undefined {
  if (open.version !== BGP_VERSION) {
    // Data: the largest version we support, 2 octets (RFC 4271 §6.2).
    return error(OPEN_ERROR.UNSUPPORTED_VERSION, new Uint8Array([0, BGP_VERSION]));
  }
  const peerAs = openAsn(open);
  const hasFourOctet = open.capabilities.some((c) => c.code === 65);
  // AS_TRANS in the 2-octet field without the capability cannot name a real peer (RFC 6793 §4.1).
  if (peerAs !== config.peerAs || (!hasFourOctet && open.myAs === AS_TRANS && config.peerAs !== AS_TRANS)) {
    return error(OPEN_ERROR.BAD_PEER_AS);
  }
  const id = ipv4ToNumber(open.bgpIdentifier);
  // RFC 6286 §2.2: zero is invalid; two iBGP speakers must not share an identifier. Between
  // different ASes an equal identifier is allowed (the collision rule uses the AS then).
  if (id === undefined || id === 0 || (config.localAs === peerAs && id === ipv4ToNumber(config.routerId))) {
    return error(OPEN_ERROR.BAD_BGP_IDENTIFIER);
  }
  if (open.unknownParameters && open.unknownParameters.length > 0) return error(OPEN_ERROR.UNSUPPORTED_OPTIONAL_PARAMETER);
  if (open.holdTime === 1 || open.holdTime === 2) return error(OPEN_ERROR.UNACCEPTABLE_HOLD_TIME);
  const missing = config.requiredCapabilities.filter((code) => !open.capabilities.some((c) => c.code === code));
  if (missing.length > 0) {
    // RFC 5492 §3: the data lists the capabilities we needed; we know only their codes.
    const data = new Uint8Array(missing.length * 2);
    missing.forEach((code, i) => (data[i * 2] = code));
    return error(OPEN_ERROR.UNSUPPORTED_CAPABILITY, data);
  }
  return undefined;
}

export function familyOfAfiSafi(afi: number, safi: number): Family | undefined {
  if (safi !== 1) return undefined;
  return afi === 1 ? 'ipv4-unicast' : afi === 2 ? 'ipv6-unicast' : undefined;
}

function familiesOf(caps: readonly Capability[]): Set<Family> {
  const mp = caps.filter((c): c is Extract<Capability, { name: 'multiprotocol' }> => c.code === 1 && c.name === 'multiprotocol');
  // RFC 4760 §8 / RFC 4271: a speaker that sends no multiprotocol capability does IPv4 unicast.
  if (mp.length === 0) return new Set<Family>(['ipv4-unicast']);
  const out = new Set<Family>();
  for (const c of mp) {
    const f = familyOfAfiSafi(c.afi, c.safi);
    if (f) out.add(f);
  }
  return out;
}

function addPathModes(caps: readonly Capability[]): Map<Family, number> {
  const out = new Map<Family, number>();
  for (const c of caps) {
    if (c.code !== 69 || c.name !== 'add-path') continue;
    for (const f of c.families) {
      const fam = familyOfAfiSafi(f.afi, f.safi);
      if (fam) out.set(fam, f.sendReceive);
    }
  }
  return out;
}

function has(caps: readonly Capability[], code: number): boolean {
  return caps.some((c) => c.code === code);
}

/** Session parameters from both OPENs (the peer's already validated). */
export function negotiate(config: FsmConfig, peerOpen: OpenMessage): NegotiatedSession {
  const ours = config.capabilities;
  const theirs = peerOpen.capabilities;
  const holdTime = Math.min(config.holdTime, peerOpen.holdTime);
  const ourFamilies = familiesOf(ours);
  const theirFamilies = familiesOf(theirs);
  const families = [...ourFamilies].filter((f) => theirFamilies.has(f)).sort();
  const ourAddPath = addPathModes(ours);
  const theirAddPath = addPathModes(theirs);
  const addPathReceive = new Set<Family>();
  const addPathSend = new Set<Family>();
  // RFC 7911 §4: 1 receive, 2 send, 3 both; we receive path ids when we can receive and they can send.
  for (const f of families) {
    const o = ourAddPath.get(f) ?? 0;
    const t = theirAddPath.get(f) ?? 0;
    if (o & 1 && t & 2) addPathReceive.add(f);
    if (o & 2 && t & 1) addPathSend.add(f);
  }
  const peerAs = openAsn(peerOpen);
  const session: NegotiatedSession = {
    peerAs,
    peerRouterId: peerOpen.bgpIdentifier,
    ibgp: peerAs === config.localAs,
    holdTime,
    keepaliveTime: Math.floor(holdTime / 3),
    fourOctetAs: has(ours, 65) && has(theirs, 65),
    extendedMessage: has(ours, 6) && has(theirs, 6),
    routeRefresh: has(ours, 2) && has(theirs, 2),
    enhancedRouteRefresh: has(ours, 70) && has(theirs, 70),
    families,
    addPathReceive,
    addPathSend,
  };
  const gr = theirs.find((c): c is Extract<Capability, { name: 'graceful-restart' }> => c.code === 64 && c.name === 'graceful-restart');
  if (gr && has(ours, 64)) session.gracefulRestart = gracefulRestartOf(gr);
  return session;
}

function gracefulRestartOf(c: Extract<Capability, { name: 'graceful-restart' }>): GracefulRestartParameters {
  return {
    restartTime: c.restartTime,
    // RFC 4724 §3: the Restart State bit is the most significant of the four flag bits.
    restarting: (c.restartFlags & 0x8) !== 0,
    families: c.families.map((f) => ({
      family: familyOfAfiSafi(f.afi, f.safi) ?? 'other',
      afi: f.afi,
      safi: f.safi,
      forwardingPreserved: (f.flags & 0x80) !== 0,
    })),
  };
}
