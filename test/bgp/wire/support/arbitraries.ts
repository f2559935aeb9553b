/**
 * fast-check arbitraries for every record type in src/bgp/wire/types.ts. Text forms are built
 * independently of the code under test (ip-address for IPv6, plain arithmetic for IPv4), so a
 * formatting bug shows up as a round-trip failure.
 */
import fc from 'fast-check';
import { Address6 } from 'ip-address';
import { ATTRIBUTE_SPECS, AS_TRANS, CAPABILITY_SPECS, codecContext, extendedCommunity } from '../../../../src/bgp/wire/index.js';
import type {
  AsPathSegment,
  Capability,
  CodecContext,
  ExtendedCommunity,
  Family,
  KeepaliveMessage,
  LargeCommunity,
  MpReach,
  MpUnreach,
  NotificationMessage,
  OpenMessage,
  PathAttributes,
  Prefix,
  RouteRefreshMessage,
  UnknownAttribute,
  UpdateMessage,
} from '../../../../src/bgp/wire/index.js';

export const u8 = fc.integer({ min: 0, max: 255 });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });

export const ipv4 = fc.tuple(u8, u8, u8, u8).map((b) => b.join('.'));
export const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Address6.fromByteArray([...b]).correctForm());
export const linkLocal = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Address6.fromByteArray([0xfe, 0x80, 0, 0, 0, 0, 0, 0, ...b]).correctForm());

function maskBytes(b: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    out[i] = (b[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

export const ipv4Prefix = fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 })).map(([b, bits]) => `${[...maskBytes(b, bits)].join('.')}/${bits}`);
export const ipv6Prefix = fc
  .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }))
  .map(([b, bits]) => `${Address6.fromByteArray([...maskBytes(b, bits)]).correctForm()}/${bits}`);

export function prefixes(afi: 1 | 2, addPath: boolean, max = 20): fc.Arbitrary<Prefix[]> {
  const p = afi === 1 ? ipv4Prefix : ipv6Prefix;
  return fc.array(addPath ? fc.record({ prefix: p, pathId: u32 }) : p.map((prefix) => ({ prefix })), { maxLength: max });
}

/** A context; ADD-PATH sets are the same both ways so what is sent is what is read. */
export const context: fc.Arbitrary<CodecContext> = fc
  .record({
    fourOctetAs: fc.boolean(),
    addPath: fc.subarray<Family>(['ipv4-unicast', 'ipv6-unicast']),
    extendedMessage: fc.boolean(),
    ibgp: fc.boolean(),
  })
  .map(({ addPath, ...rest }) => codecContext({ ...rest, addPathReceive: new Set(addPath), addPathSend: new Set(addPath) }));

const segment = (types: readonly AsPathSegment['type'][], asn: fc.Arbitrary<number>): fc.Arbitrary<AsPathSegment> =>
  fc.record({ type: fc.constantFrom(...types), asns: fc.array(asn, { minLength: 1, maxLength: 12 }) });

/**
 * AS paths. On 2-octet sessions confederation segments only lead (RFC 5065) and hold 2-octet
 * member ASNs: AS4_PATH carries no confederation segments (RFC 6793 §3), so a 4-octet member
 * ASN cannot cross such a session.
 */
export function asPath(ctx: CodecContext): fc.Arbitrary<AsPathSegment[]> {
  const asn = fc.oneof(u16, u32);
  return fc
    .tuple(fc.array(segment([3, 4], ctx.fourOctetAs ? asn : u16), { maxLength: 2 }), fc.array(segment([1, 2], asn), { maxLength: 5 }))
    .map(([confed, rest]) => (ctx.fourOctetAs ? [...rest, ...confed] : [...confed, ...rest]));
}

export const largeCommunity: fc.Arbitrary<LargeCommunity> = fc.tuple(u32, u32, u32);
export const extCommunity: fc.Arbitrary<ExtendedCommunity> = fc
  .tuple(fc.constantFrom(0x00, 0x01, 0x02, 0x40, 0x41, 0x42, 0x03, 0x43, 0x06, 0x80), fc.constantFrom(2, 3, 0x0b, 0), fc.uint8Array({ minLength: 6, maxLength: 6 }))
  .map(([t, s, v]) => extendedCommunity(t, s, v));

const knownCodes = new Set(ATTRIBUTE_SPECS.map((s) => s.typeCode));
export const unknownAttributes: fc.Arbitrary<UnknownAttribute[]> = fc
  .uniqueArray(fc.integer({ min: 19, max: 255 }).filter((c) => !knownCodes.has(c)), { maxLength: 3 })
  .chain((codes) => fc.tuple(...codes.map((typeCode) => bytes(300).map((value) => ({ flags: 0xe0, typeCode, value })))))
  .map((list) => [...list].sort((a, b) => a.typeCode - b.typeCode));

export function mpReach(ctx: CodecContext): fc.Arbitrary<MpReach> {
  return fc.oneof(
    fc.record({ afi: fc.constant(1), safi: fc.constantFrom(1, 2), nextHop: ipv4, nlri: prefixes(1, ctx.addPathSend.has('ipv4-unicast')) }),
    fc.record({ afi: fc.constant(2), safi: fc.constantFrom(1, 2), nextHop: ipv6, nlri: prefixes(2, ctx.addPathSend.has('ipv6-unicast')) }),
    fc.record({ afi: fc.constant(2), safi: fc.constant(1), nextHop: ipv6, linkLocalNextHop: linkLocal, nlri: prefixes(2, ctx.addPathSend.has('ipv6-unicast')) }),
  ).map((m) => (m.safi === 1 ? m : { ...m, nlri: m.nlri.map((p) => ({ prefix: p.prefix })) }));
}

export function mpUnreach(ctx: CodecContext): fc.Arbitrary<MpUnreach> {
  return fc.oneof(
    fc.record({ afi: fc.constant(1), safi: fc.constant(1), withdrawn: prefixes(1, ctx.addPathSend.has('ipv4-unicast')) }),
    fc.record({ afi: fc.constant(2), safi: fc.constant(1), withdrawn: prefixes(2, ctx.addPathSend.has('ipv6-unicast')) }),
  );
}

const aggregator = fc.record({ asn: u32, address: ipv4 });

/** Attributes that survive decoding unchanged in `ctx` (eBGP drops LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST). */
export function pathAttributes(ctx: CodecContext): fc.Arbitrary<PathAttributes> {
  const ibgpOnly = ctx.ibgp
    ? { localPref: u32, originatorId: ipv4, clusterList: fc.array(ipv4, { minLength: 1, maxLength: 4 }) }
    : {};
  return fc
    .record(
      {
        origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
        asPath: asPath(ctx),
        nextHop: ipv4,
        med: u32,
        atomicAggregate: fc.constant(true),
        aggregator: ctx.fourOctetAs ? aggregator : fc.oneof(aggregator.filter((a) => a.asn > 0xffff), fc.record({ asn: fc.constant(AS_TRANS), address: ipv4 })),
        communities: fc.array(u32, { minLength: 1, maxLength: 6 }),
        mpReach: mpReach(ctx),
        mpUnreach: mpUnreach(ctx),
        extendedCommunities: fc.array(extCommunity, { minLength: 1, maxLength: 4 }),
        largeCommunities: fc.array(largeCommunity, { minLength: 1, maxLength: 4 }),
        unknown: unknownAttributes.filter((u) => u.length > 0),
        ...ibgpOnly,
      },
      { requiredKeys: [] },
    )
    .map((a) => a as PathAttributes);
}

/** UPDATEs that decode to themselves: mandatory attributes present whenever NLRI are announced. */
export function update(ctx: CodecContext): fc.Arbitrary<UpdateMessage> {
  const addPath = ctx.addPathSend.has('ipv4-unicast');
  return fc
    .record({ withdrawn: prefixes(1, addPath, 8), attributes: pathAttributes(ctx), nlri: prefixes(1, addPath, 8), origin: fc.constantFrom(0 as const, 2 as const), nh: ipv4, path: asPath(ctx) })
    .map(({ withdrawn, attributes, nlri, origin, nh, path }) => {
      const a: PathAttributes = { ...attributes };
      const announces = nlri.length > 0 || (a.mpReach !== undefined && a.mpReach.nlri.length > 0);
      if (announces) {
        a.origin ??= origin;
        a.asPath ??= path;
        if (nlri.length > 0) a.nextHop ??= nh;
      }
      return { type: 'UPDATE' as const, withdrawn, attributes: a, nlri };
    });
}

const knownCapCodes = new Set(CAPABILITY_SPECS.map((s) => s.code));
const hostLabel = fc.stringMatching(/^[a-z0-9-]{0,30}$/);
export const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ code: fc.constant(1 as const), name: fc.constant('multiprotocol' as const), afi: u16, safi: u8 }),
  fc.constant({ code: 2 as const, name: 'route-refresh' as const }),
  fc.constant({ code: 6 as const, name: 'extended-message' as const }),
  fc.constant({ code: 70 as const, name: 'enhanced-route-refresh' as const }),
  fc.record({ code: fc.constant(65 as const), name: fc.constant('four-octet-as' as const), asn: u32 }),
  fc.record({
    code: fc.constant(64 as const),
    name: fc.constant('graceful-restart' as const),
    restartFlags: fc.integer({ min: 0, max: 15 }),
    restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(fc.record({ afi: u16, safi: u8, flags: u8 }), { maxLength: 4 }),
  }),
  fc.record({
    code: fc.constant(69 as const),
    name: fc.constant('add-path' as const),
    families: fc.array(fc.record({ afi: u16, safi: u8, sendReceive: fc.constantFrom(1 as const, 2 as const, 3 as const) }), { maxLength: 4 }),
  }),
  fc.record({ code: fc.constant(73 as const), name: fc.constant('fqdn' as const), hostname: hostLabel.filter((h) => h.length > 0), domain: hostLabel }),
  fc.record({ code: u8.filter((c) => !knownCapCodes.has(c)), name: fc.constant('unknown' as const), data: bytes(40) }),
);

export const open: fc.Arbitrary<OpenMessage> = fc
  .record({
    myAs: u16,
    holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
    bgpIdentifier: ipv4.filter((a) => a !== '0.0.0.0'),
    capabilities: fc.array(capability, { maxLength: 8 }),
    grouping: fc.boolean(),
    unknownParameters: fc.array(fc.record({ type: u8.filter((t) => t !== 2 && t !== 255), value: bytes(20) }), { maxLength: 2 }),
  })
  .map(({ grouping, unknownParameters, ...o }) => {
    const m: OpenMessage = { type: 'OPEN', version: 4, ...o };
    if (unknownParameters.length > 0) m.unknownParameters = unknownParameters;
    // BIRD's layout: every capability in one parameter.
    if (grouping && o.capabilities.length > 1) m.capabilityGroups = [o.capabilities.length];
    return m;
  });

const shutdownText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => new TextEncoder().encode(s).length <= 255);
export const notification: fc.Arbitrary<NotificationMessage> = fc.oneof(
  fc.record({ type: fc.constant('NOTIFICATION' as const), code: u8, subcode: u8, data: bytes(64) }).filter((n) => !(n.code === 6 && (n.subcode === 2 || n.subcode === 4))),
  fc.tuple(fc.constantFrom(2, 4), shutdownText).map(([subcode, text]) => {
    const t = new TextEncoder().encode(text);
    return { type: 'NOTIFICATION' as const, code: 6, subcode, data: Uint8Array.from([t.length, ...t]), shutdownCommunication: text };
  }),
);

export const keepalive: fc.Arbitrary<KeepaliveMessage> = fc.constant({ type: 'KEEPALIVE' as const });
export const routeRefresh: fc.Arbitrary<RouteRefreshMessage> = fc.record({ type: fc.constant('ROUTE_REFRESH' as const), afi: u16, subtype: u8, safi: u8 });
