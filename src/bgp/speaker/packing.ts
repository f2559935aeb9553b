/**
 * Update packing: the changes due to one peer become as few UPDATEs as the session's maximum
 * message length allows. Announcements are grouped by identical outgoing attributes (one
 * attribute block carries many NLRI, as BIRD's and FRR's update groups do); withdrawals go
 * together. IPv4 unicast uses the classic fields, IPv6 MP_REACH/MP_UNREACH (RFC 4760).
 */
import { maxMessageLength, messageEncodedLength, MESSAGE_TYPE, type CodecContext, type Family, type PathAttributes, type Prefix, type UpdateMessage } from '../wire/index.js';

export interface OutgoingChange {
  prefix: string;
  /** Absent: withdraw. For IPv6 the next hop is in `nextHop` (moved into MP_REACH here). */
  attributes?: PathAttributes;
}

/** A canonical text of an attribute set: equal attributes give equal keys whatever the key order. */
export function attributesKey(a: PathAttributes): string {
  // Attribute sets are frozen and shared by many prefixes: compute each one's key once.
  if (!Object.isFrozen(a)) return JSON.stringify(canonical(a));
  let key = keyCache.get(a);
  if (key === undefined) keyCache.set(a, (key = JSON.stringify(canonical(a))));
  return key;
}

const keyCache = new WeakMap<PathAttributes, string>();

function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

/** Bytes of one NLRI entry: length octet, the prefix's significant octets, and a path id under ADD-PATH. */
function prefixBytes(p: string, addPath: boolean): number {
  // The length after the slash, read without slicing: this runs per prefix per peer.
  let len = 0;
  for (let i = p.lastIndexOf('/') + 1; i < p.length; i++) len = len * 10 + p.charCodeAt(i) - 48;
  return 1 + ((len + 7) >> 3) + (addPath ? 4 : 0);
}

/**
 * Split `items` into runs whose message stays within `max`, given the message's size with no
 * items. Items that fit one message are that run themselves (the common case: no copy).
 */
function chunks(items: Prefix[], base: number, max: number, addPath: boolean): Prefix[][] {
  if (items.length === 0) return [];
  let out: Prefix[][] | undefined;
  let start = 0;
  let size = base;
  for (let i = 0; i < items.length; i++) {
    const n = prefixBytes(items[i]!.prefix, addPath);
    if (i > start && size + n > max) {
      (out ??= []).push(items.slice(start, i));
      start = i;
      size = base;
    }
    size += n;
  }
  if (out === undefined) return [items];
  out.push(items.slice(start));
  return out;
}

function ipv6Attributes(a: PathAttributes, nlri: Prefix[]): PathAttributes {
  const { nextHop, ...rest } = a;
  return { ...rest, mpReach: { afi: 2, safi: 1, nextHop: nextHop ?? '::', nlri } };
}

/** Prefixes announced with one attribute set. */
export interface AttributeGroup {
  attributes: PathAttributes;
  prefixes: Prefix[];
}

/** UPDATEs for one family's changes; withdrawals first, then one or more UPDATEs per attribute group. */
export function packUpdates(family: Family, changes: readonly OutgoingChange[], ctx: CodecContext): UpdateMessage[] {
  const withdrawn: Prefix[] = [];
  // Frozen sets (the speaker's are interned: equal sets are one object) group by identity, which
  // spares a canonical key per set; a caller's unfrozen sets group by content.
  const groups: AttributeGroup[] = [];
  const byObject = new Map<PathAttributes, AttributeGroup>();
  const byKey = new Map<string, AttributeGroup>();
  for (const c of changes) {
    const a = c.attributes;
    if (a === undefined) {
      withdrawn.push({ prefix: c.prefix });
      continue;
    }
    const frozen = Object.isFrozen(a);
    const key = frozen ? '' : attributesKey(a);
    let g = frozen ? byObject.get(a) : byKey.get(key);
    if (!g) {
      groups.push((g = { attributes: a, prefixes: [] }));
      if (frozen) byObject.set(a, g);
      else byKey.set(key, g);
    }
    g.prefixes.push({ prefix: c.prefix });
  }
  return packGroups(family, withdrawn, groups, ctx);
}

/**
 * UPDATEs for withdrawals and announcements already grouped by attribute set (the speaker groups
 * its interned sets as it finds them). The Prefix objects go into the messages as they are, and
 * so does a list that fits one message: the caller hands the lists over.
 */
export function packGroups(family: Family, withdrawn: Prefix[], groups: readonly AttributeGroup[], ctx: CodecContext): UpdateMessage[] {
  const max = maxMessageLength(ctx, MESSAGE_TYPE.UPDATE);
  const addPath = ctx.addPathSend.has(family);
  const v6 = family === 'ipv6-unicast';
  // Slack for an MP attribute growing past 255 bytes (extended length flag: one more header byte).
  const slack = v6 ? 1 : 0;
  const out: UpdateMessage[] = [];

  if (withdrawn.length > 0) {
    const empty: UpdateMessage = v6
      ? { type: 'UPDATE', withdrawn: [], attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: [] } }, nlri: [] }
      : { type: 'UPDATE', withdrawn: [], attributes: {}, nlri: [] };
    for (const run of chunks(withdrawn, messageEncodedLength(empty, ctx) + slack, max, addPath)) {
      out.push(v6 ? { type: 'UPDATE', withdrawn: [], attributes: { mpUnreach: { afi: 2, safi: 1, withdrawn: run } }, nlri: [] } : { type: 'UPDATE', withdrawn: run, attributes: {}, nlri: [] });
    }
  }

  for (const g of groups) {
    const base = messageEncodedLength(announcement(v6, g.attributes, NO_PREFIXES), ctx) + slack;
    for (const run of chunks(g.prefixes, base, max, addPath)) out.push(announcement(v6, g.attributes, run));
  }
  return out;
}

/** Read only: the NLRI of a message measured without any. */
const NO_PREFIXES: Prefix[] = [];

function announcement(v6: boolean, attributes: PathAttributes, run: Prefix[]): UpdateMessage {
  return v6 ? { type: 'UPDATE', withdrawn: [], attributes: ipv6Attributes(attributes, run), nlri: [] } : { type: 'UPDATE', withdrawn: [], attributes, nlri: run };
}
