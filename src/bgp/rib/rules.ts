/**
 * Import and export rules that do not depend on user policy: loop detection (RFC 4271 §9.1.2,
 * RFC 4456 §8), LOCAL_PREF handling (RFC 4271 §5.1.5), well-known communities (RFC 1997),
 * iBGP split horizon and route reflection (RFC 4456 §6), eBGP attribute rewriting (RFC 4271
 * §5.1.3, §5.1.4) and RFC 8212 default deny.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import type { AsPathSegment, PathAttributes } from '../wire/types.js';
import type { ImportRejection, PathRecord, RibPeer } from './types.js';

export const NO_EXPORT = 0xffffff01;
export const NO_ADVERTISE = 0xffffff02;
export const NO_EXPORT_SUBCONFED = 0xffffff03;

export interface RuleContext {
  localAs: number;
  routerId: string;
  /** RFC 4456 cluster id; our router id unless configured. */
  clusterId: string;
  /** RFC 8212: eBGP sessions without an import (export) policy accept (send) nothing. */
  rfc8212: boolean;
  defaultLocalPref: number;
  /** We reflect routes (RFC 4456): true when any peer is a route-reflector client. */
  routeReflector: boolean;
}

export class RibExportError extends FlatlabError {}

function ownAsCount(segs: readonly AsPathSegment[] | undefined, asn: number): number {
  if (!segs) return 0;
  let n = 0;
  for (const s of segs) for (const a of s.asns) if (a === asn) n++;
  return n;
}

/** Why a received route may not enter the decision process, or undefined when it may. */
export function importRejection(attrs: PathAttributes, peer: RibPeer, ctx: RuleContext): ImportRejection | undefined {
  if (ctx.rfc8212 && !peer.ibgp && !peer.local && !peer.hasImportPolicy) return 'rfc8212';
  if (ownAsCount(attrs.asPath, ctx.localAs) > peer.allowAsIn) return 'as-loop';
  // RFC 4456 §8: a reflected route that comes back to its originator or its cluster.
  if (attrs.originatorId !== undefined && attrs.originatorId === ctx.routerId) return 'originator-id-loop';
  if (attrs.clusterList?.includes(ctx.clusterId)) return 'cluster-loop';
  return undefined;
}

/**
 * The attributes import policy starts from. RFC 4271 §5.1.5: LOCAL_PREF from an external peer
 * is ignored; like BIRD (`default bgp_local_pref`) and FRR we then give every learned route the
 * default LOCAL_PREF explicitly, so `show route` and policy matches see the value the decision
 * uses. RFC 4456 §8: ORIGINATOR_ID and CLUSTER_LIST never come from outside the AS, so an
 * eBGP peer's copies are dropped.
 */
export function importAttributes(attrs: PathAttributes, peer: RibPeer, defaultLocalPref: number): PathAttributes {
  if (peer.local) return attrs;
  if (peer.ibgp) return attrs.localPref === undefined ? { ...attrs, localPref: defaultLocalPref } : attrs;
  if (attrs.localPref === defaultLocalPref && attrs.originatorId === undefined && attrs.clusterList === undefined) return attrs;
  const out = { ...attrs };
  delete out.originatorId;
  delete out.clusterList;
  out.localPref = defaultLocalPref;
  return out;
}

export type ExportRejection =
  | 'rfc8212'
  | 'source-peer'
  | 'no-advertise'
  | 'no-export'
  | 'ibgp-split-horizon'
  | 'reflection-non-client';

/** Whether `path` (the Loc-RIB best) may be advertised to `to`, before export policy. */
export function exportRejection(path: PathRecord, to: RibPeer, ctx: RuleContext): ExportRejection | undefined {
  if (ctx.rfc8212 && !to.ibgp && !to.hasExportPolicy) return 'rfc8212';
  // Not back to the peer it came from (BIRD and GoBGP both skip the source peer).
  if (path.peer === to) return 'source-peer';
  const communities = path.attrs.communities;
  if (communities) {
    if (communities.includes(NO_ADVERTISE)) return 'no-advertise';
    // Without confederations, NO_EXPORT_SUBCONFED acts as NO_EXPORT (RFC 1997).
    if (!to.ibgp && (communities.includes(NO_EXPORT) || communities.includes(NO_EXPORT_SUBCONFED))) return 'no-export';
  }
  if (path.peer.ibgp && to.ibgp) {
    // RFC 4271 §9.2: iBGP-learned routes stay off iBGP, unless we reflect (RFC 4456 §6):
    // from a client to every peer, from a non-client to clients only.
    if (!ctx.routeReflector) return 'ibgp-split-horizon';
    if (!path.peer.rrClient && !to.rrClient) return 'reflection-non-client';
  }
  return undefined;
}

function prependAs(segs: readonly AsPathSegment[] | undefined, asn: number): AsPathSegment[] {
  // Confederation segments are removed when leaving the confederation (RFC 5065 §5.2.1).
  const rest = (segs ?? []).filter((s) => s.type === 1 || s.type === 2);
  const first = rest[0];
  if (first && first.type === 2 && first.asns.length < 255) {
    return [{ type: 2, asns: [asn, ...first.asns] }, ...rest.slice(1)];
  }
  return [{ type: 2, asns: [asn] }, ...rest];
}

function setNextHop(out: PathAttributes, address: string): void {
  if (out.mpReach) {
    out.mpReach = { ...out.mpReach, nextHop: address };
    delete out.mpReach.linkLocalNextHop;
  } else {
    out.nextHop = address;
  }
}

function requireLocalAddress(to: RibPeer): string {
  if (to.localAddress === undefined) {
    throw new RibExportError('bgp.rib.no-local-address', `peer ${to.id}: no local session address to use as NEXT_HOP`, {
      hint: 'give the peer a localAddress (the speaker sets it when the session comes up)',
    });
  }
  return to.localAddress;
}

/** The attributes sent to `to` for `path`, before export policy (which may change them further). */
export function exportAttributes(path: PathRecord, to: RibPeer, ctx: RuleContext): PathAttributes {
  const out: PathAttributes = { ...path.attrs };
  // AS4_PATH / AS4_AGGREGATOR are the codec's business on 2-octet sessions.
  delete out.as4Path;
  delete out.as4Aggregator;
  if (!to.ibgp) {
    out.asPath = prependAs(path.attrs.asPath, ctx.localAs);
    if (!to.nextHopUnchanged || (out.nextHop === undefined && !out.mpReach)) setNextHop(out, requireLocalAddress(to));
    delete out.localPref;
    // RFC 4271 §5.1.4: a MED received from a neighbouring AS is not passed to other ASes.
    if (!path.peer.local) delete out.med;
    // RFC 4456 §8: ORIGINATOR_ID and CLUSTER_LIST do not leave the AS.
    delete out.originatorId;
    delete out.clusterList;
    return out;
  }
  out.localPref = path.attrs.localPref ?? ctx.defaultLocalPref;
  if (to.nextHopSelf || (out.nextHop === undefined && !out.mpReach)) setNextHop(out, requireLocalAddress(to));
  if (path.peer.ibgp) {
    // Reflection (RFC 4456 §8): record the originator once and prepend our cluster id.
    out.originatorId = path.attrs.originatorId ?? path.peer.routerId;
    out.clusterList = [ctx.clusterId, ...(path.attrs.clusterList ?? [])];
  }
  return out;
}
