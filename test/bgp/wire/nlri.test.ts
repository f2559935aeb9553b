/**
 * NLRI prefixes: decoding random NLRI fields against reference text (support/address-reference.ts), and
 * prefix text → wire against a plain reference (a regex for the length, the address parsers
 * on the sliced text) for any text, valid or not, down to the error message.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseIpv4Number, parseIpv6Into } from '../../../src/bgp/wire/address.js';
import { BgpEncodeError, Writer } from '../../../src/bgp/wire/index.js';
import { decodePrefixes, encodePrefixes, parsePrefixText, prefixEncodedLength, type NlriErrorSpec } from '../../../src/bgp/wire/nlri.js';
import { ipv4Reference, ipv6Reference, masked } from './support/address-reference.js';

const SPEC: NlriErrorSpec = { code: 'test.nlri', errorCode: 3, errorSubcode: 10, what: 'NLRI' };

describe('decodePrefixes', () => {
  const nlri = (afi: 1 | 2, addPath: boolean) =>
    fc.array(
      fc.record({
        bits: fc.integer({ min: 0, max: afi === 1 ? 32 : 128 }),
        bytes: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        pathId: fc.integer({ min: 0, max: 0xffffffff }),
      }),
      { maxLength: 8 },
    ).map((entries) => {
      const wire: number[] = [];
      const expected = entries.map(({ bits, bytes, pathId }) => {
        const n = (bits + 7) >>> 3;
        if (addPath) wire.push(pathId >>> 24, (pathId >>> 16) & 255, (pathId >>> 8) & 255, pathId & 255);
        wire.push(bits, ...bytes.subarray(0, n));
        const net = masked(bytes, bits, afi === 1 ? 4 : 16);
        const prefix = `${afi === 1 ? ipv4Reference(net) : ipv6Reference(net)}/${bits}`;
        return addPath ? { prefix, pathId } : { prefix };
      });
      return { wire: Uint8Array.from(wire), expected };
    });

  for (const afi of [1, 2] as const) {
    for (const addPath of [false, true]) {
      test(`${afi === 1 ? 'IPv4' : 'IPv6'}${addPath ? ' with path ids' : ''}: each prefix's network as text`, () => {
        fc.assert(
          fc.property(nlri(afi, addPath), fc.uint8Array({ maxLength: 6 }), ({ wire, expected }, around) => {
            // Decoded from the middle of a larger buffer, as from an UPDATE.
            const buf = Uint8Array.from([...around, ...wire, ...around]);
            const got = decodePrefixes(buf, around.length, around.length + wire.length, afi, addPath, SPEC);
            expect(got).toStrictEqual(expected);
          }),
          { numRuns: 500 },
        );
      });
    }
  }

  test('a prefix running past the field or longer than the family allows is the error the caller names', () => {
    expect(() => decodePrefixes(Uint8Array.of(24, 10, 0), 0, 3, 1, false, SPEC)).toThrow(/NLRI: prefix of length 24 needs 3 bytes, 2 left/);
    expect(() => decodePrefixes(Uint8Array.of(33, 10, 0, 0, 0, 0), 0, 6, 1, false, SPEC)).toThrow(/NLRI: prefix length 33 exceeds 32/);
    expect(() => decodePrefixes(Uint8Array.of(0, 0, 0, 1), 0, 4, 1, true, SPEC)).toThrow(/path identifier and prefix length run past the end/);
  });
});

/** What parsePrefixText did before it read the text in place: the reference for any input. */
function parseReference(text: string, afi: number): { bits: number; bytes: number[] } | string {
  const slash = text.indexOf('/');
  const bitsText = slash < 0 ? '' : text.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  const maxBits = afi === 2 ? 128 : 32;
  if (!(bits >= 0 && bits <= maxBits)) return `prefix "${text}" has no valid length (0..${maxBits})`;
  const addr = new Uint8Array(16);
  if (afi === 2) {
    if (!parseIpv6Into(text.slice(0, slash), addr, 0)) return `prefix "${text}" is not an IPv6 prefix`;
  } else {
    const v = parseIpv4Number(text.slice(0, slash));
    if (v === undefined) return `prefix "${text}" is not an IPv4 prefix`;
    addr.set([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  }
  const n = (bits + 7) >>> 3;
  const net = masked(addr, bits, 16);
  if (net.some((b, i) => b !== addr[i])) return `prefix "${text}" has host bits set`;
  return { bits, bytes: [...addr.subarray(0, n)] };
}

function outcome(f: () => { bits: number; bytes: ArrayLike<number> }): { bits: number; bytes: number[] } | string {
  try {
    const r = f();
    return { bits: r.bits, bytes: Array.from(r.bytes) };
  } catch (e) {
    if (!(e instanceof BgpEncodeError)) throw e;
    return e.message;
  }
}

/** Prefix texts: mostly valid ones (some with host bits), and texts one edit away from valid. */
function prefixText(afi: 1 | 2): fc.Arbitrary<string> {
  const valid = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: afi === 1 ? 32 : 128 }), fc.boolean()).map(([b, bits, clean]) => {
    const net = clean ? masked(b, bits, 16) : b;
    return `${afi === 1 ? ipv4Reference(net) : ipv6Reference(net)}/${bits}`;
  });
  const junk = fc.constantFrom('/', '.', ':', '0', '9', '00', '1/2', ' ', 'x', '', '/33', '/0', '::', '1.2.3');
  const edited = fc.tuple(valid, fc.nat(), fc.nat(5), junk).map(([t, at, del, ins]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + ins + t.slice(i + del);
  });
  return fc.oneof(valid, edited, fc.string({ maxLength: 12 }));
}

describe('prefix text to wire', () => {
  for (const afi of [1, 2] as const) {
    test(`${afi === 1 ? 'IPv4' : 'IPv6'}: parsePrefixText and encodePrefixes agree with the reference on any text`, () => {
      fc.assert(
        fc.property(prefixText(afi), (text) => {
          const expected = parseReference(text, afi);
          expect(outcome(() => parsePrefixText(text, afi))).toEqual(expected);
          const w = new Writer(8);
          const encoded = outcome(() => {
            encodePrefixes(w, [{ prefix: text }], afi, false);
            const b = w.result();
            return { bits: b[0]!, bytes: b.subarray(1) };
          });
          expect(encoded).toEqual(expected);
          if (typeof expected !== 'string') expect(prefixEncodedLength({ prefix: text }, false)).toBe(1 + expected.bytes.length);
        }),
        { numRuns: 3000 },
      );
    });
  }

  test('encodedLength reads the length as Number() does, whatever follows the last slash', () => {
    const tail = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.string({ maxLength: 4 }), fc.constantFrom('', '024', '1e1', ' 8', '0x10', '128'));
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), tail, fc.boolean(), (head, t, addPath) => {
        const text = `${head}/${t}`;
        const bits = Number(text.slice(text.lastIndexOf('/') + 1));
        expect(prefixEncodedLength({ prefix: text }, addPath)).toBe((addPath ? 4 : 0) + 1 + ((bits + 7) >>> 3));
      }),
      { numRuns: 2000 },
    );
  });

  test('with ADD-PATH the path id comes first, and is checked after the prefix', () => {
    const w = new Writer(16);
    encodePrefixes(w, [{ prefix: '192.0.2.0/24', pathId: 7 }], 1, true);
    expect([...w.result()]).toEqual([0, 0, 0, 7, 24, 192, 0, 2]);
    expect(() => encodePrefixes(new Writer(16), [{ prefix: '192.0.2.1/24', pathId: -1 }], 1, true)).toThrow(/host bits set/);
    expect(() => encodePrefixes(new Writer(16), [{ prefix: '192.0.2.0/24', pathId: -1 }], 1, true)).toThrow(/path id -1/);
  });
});
