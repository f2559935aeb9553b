/** Round-trip property for every message, attribute and capability type in types.ts. */
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { ATTRIBUTE_SPECS, codecContext, maxMessageLength, messageEncodedLength } from '../../../src/bgp/wire/index.js';
import type { AttributeSpec } from '../../../src/bgp/wire/attributes/attribute.js';
import { capabilityCodec } from '../../../src/bgp/wire/capabilities/registry.js';
import type { BgpMessage, CodecContext, PathAttributes } from '../../../src/bgp/wire/index.js';
import * as A from './support/arbitraries.js';
import { elementCodec, messageCodec, roundTrip } from './support/round-trip.js';

const withContext = <T>(f: (ctx: CodecContext) => fc.Arbitrary<T>): fc.Arbitrary<[T, CodecContext]> => A.context.chain((ctx) => f(ctx).map((v) => [v, ctx] as [T, CodecContext]));
const fits = (m: BgpMessage, ctx: CodecContext): boolean => messageEncodedLength(m, ctx) <= maxMessageLength(ctx);

/** On a 2-octet session the element codecs take 2-octet ASNs only; AS_TRANS substitution is the attribute list's job. */
const fitsTwoOctets = (a: PathAttributes): boolean =>
  (a.asPath ?? []).every((s) => s.asns.every((n) => n <= 0xffff)) && (a.aggregator === undefined || a.aggregator.asn <= 0xffff);

describe('path attributes', () => {
  // AS4_* are generated, never taken from the record, so they are tested through UPDATEs.
  const direct = ATTRIBUTE_SPECS.filter((s) => s.field !== 'as4Path' && s.field !== 'as4Aggregator');
  for (const spec of direct as AttributeSpec[]) {
    test(`${spec.name} round-trips`, () => {
      const arb = withContext((ctx) =>
        A.pathAttributes({ ...ctx, ibgp: true } as CodecContext)
          .filter((a) => a[spec.field] !== undefined && (ctx.fourOctetAs || fitsTwoOctets(a)))
          .map((a) => a[spec.field] as NonNullable<PathAttributes[typeof spec.field]>),
      );
      roundTrip(elementCodec(spec.codec as never), arb as never);
    });
  }
  test('AS4_PATH and AS4_AGGREGATOR round-trip as 4-octet values on any session', () => {
    const as4 = ATTRIBUTE_SPECS.filter((s) => s.field === 'as4Path' || s.field === 'as4Aggregator');
    for (const spec of as4 as AttributeSpec[]) {
      const value: fc.Arbitrary<unknown> = spec.field === 'as4Path' ? A.asPath(codecContext()) : fc.record({ asn: A.u32, address: A.ipv4 });
      roundTrip(elementCodec(spec.codec as never), withContext(() => value) as never, 100);
    }
  });
});

test('every capability round-trips', () => {
  roundTrip(elementCodec(capabilityCodec), withContext(() => A.capability), 500);
});

describe('messages', () => {
  test('OPEN', () => roundTrip(messageCodec, withContext(() => A.open as fc.Arbitrary<BgpMessage>).filter(([m, c]) => fits(m, c))));
  test('UPDATE', () => roundTrip(messageCodec, withContext((ctx) => A.update(ctx) as fc.Arbitrary<BgpMessage>).filter(([m, c]) => fits(m, c)), 400));
  test('NOTIFICATION', () => roundTrip(messageCodec, withContext(() => A.notification as fc.Arbitrary<BgpMessage>)));
  test('KEEPALIVE', () => roundTrip(messageCodec, withContext(() => A.keepalive as fc.Arbitrary<BgpMessage>), 5));
  test('ROUTE-REFRESH', () => roundTrip(messageCodec, withContext(() => A.routeRefresh as fc.Arbitrary<BgpMessage>)));
});
