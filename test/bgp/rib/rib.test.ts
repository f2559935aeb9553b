import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { AdjRibOut } from '../../../src/bgp/rib/index.js';
import { RoutePositions } from '../../../src/bgp/rib/rib.js';
import { rib, seq } from './fixtures.js';

/** One of each key kind (prefix-key.ts): numbers for /0-/24, text for longer and for IPv6. */
const ADJ_OUT_PREFIXES = ['10.0.0.0/8', '192.0.2.0/24', '0.0.0.0/0', '192.0.2.128/25', '2001:db8::/32'];

describe('Rib', () => {
  test('best path changes are reported with the deciding step', () => {
    const r = rib();
    r.addPeer({ id: 'a', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1' });
    r.addPeer({ id: 'b', address: '192.0.2.2', asn: 65002, routerId: '2.2.2.2' });
    const c1 = r.announce('a', '203.0.113.0/24', 0, { origin: 0, asPath: seq(65001, 65100), nextHop: '192.0.2.1' });
    expect(c1?.reason).toBe('only-path');
    const c2 = r.announce('b', '203.0.113.0/24', 0, { origin: 0, asPath: seq(65002), nextHop: '192.0.2.2' });
    expect(c2?.new?.peer.id).toBe('b');
    expect(c2?.old?.peer.id).toBe('a');
    expect(c2?.reason).toBe('as-path-length');
    const c3 = r.withdraw('b', '203.0.113.0/24');
    expect(c3?.new?.peer.id).toBe('a');
    const c4 = r.withdraw('a', '203.0.113.0/24');
    expect(c4).toMatchObject({ new: undefined, reason: 'withdrawn' });
    expect(r.size).toBe(0);
  });

  test('attribute sets are interned across peers and updates', () => {
    const r = rib();
    r.addPeer({ id: 'a', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1' });
    for (let i = 0; i < 100; i++) {
      r.applyUpdate('a', { withdrawn: [], nlri: [{ prefix: `10.0.${i}.0/24` }], attributes: { origin: 0, asPath: seq(65001), nextHop: '192.0.2.1' } });
    }
    const objs = new Set([...r.locRib()].map((e) => e.path.attrs));
    expect(objs.size).toBe(1);
    expect(Object.isFrozen([...objs][0])).toBe(true);
  });

  test('AdjRibOut reports only differences', () => {
    const out = new AdjRibOut();
    const a = Object.freeze({ origin: 0 as const });
    expect(out.set('10.0.0.0/8', 0, a)).toBe('announce');
    expect(out.set('10.0.0.0/8', 0, a)).toBeUndefined();
    expect(out.set('10.0.0.0/8', 0, undefined)).toBe('withdraw');
    expect(out.set('10.0.0.0/8', 0, undefined)).toBeUndefined();
  });

  test('property: AdjRibOut answers as a plain map of what was sent, whatever the order of get, set and clear', () => {
    const sets = [Object.freeze({ origin: 0 as const }), Object.freeze({ origin: 1 as const }), undefined];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('get' as const), prefix: fc.constantFrom(...ADJ_OUT_PREFIXES), pathId: fc.constantFrom(0, 0, 7) }),
      fc.record({ kind: fc.constant('set' as const), prefix: fc.constantFrom(...ADJ_OUT_PREFIXES), pathId: fc.constantFrom(0, 0, 7), attrs: fc.nat(2) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const out = new AdjRibOut();
        const model = new Map<string, object>();
        for (const o of ops) {
          if (o.kind === 'clear') {
            out.clear();
            model.clear();
            continue;
          }
          // A fresh string each time, as a decoded prefix is.
          const prefix = `${o.prefix.slice(0, 3)}${o.prefix.slice(3)}`;
          const key = `${o.prefix}#${o.pathId}`;
          if (o.kind === 'get') {
            expect(out.get(prefix, o.pathId)).toBe(model.get(key));
            continue;
          }
          const attrs = sets[o.attrs];
          const before = model.get(key);
          const want = attrs === undefined ? (before === undefined ? undefined : 'withdraw') : before === attrs ? undefined : 'announce';
          expect(out.set(prefix, o.pathId, attrs)).toBe(want);
          if (attrs === undefined) model.delete(key);
          else model.set(key, attrs);
        }
        expect(out.size).toBe(model.size);
        expect(new Map([...out.entries()].map((e) => [`${e.prefix}#${e.pathId}`, e.attrs]))).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  test('property: Adj-RIB-Outs sharing route positions each answer as their own plain map', () => {
    const sets = [Object.freeze({ origin: 0 as const }), Object.freeze({ origin: 1 as const }), undefined];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('get' as const), peer: fc.nat(2), prefix: fc.constantFrom(...ADJ_OUT_PREFIXES), pathId: fc.constantFrom(0, 0, 7) }),
      fc.record({ kind: fc.constant('set' as const), peer: fc.nat(2), prefix: fc.constantFrom(...ADJ_OUT_PREFIXES), pathId: fc.constantFrom(0, 0, 7), attrs: fc.nat(2) }),
      fc.record({ kind: fc.constant('clear' as const), peer: fc.nat(2) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const positions = new RoutePositions();
        const outs = [new AdjRibOut(positions), new AdjRibOut(positions), new AdjRibOut(positions)];
        const models = [new Map<string, object>(), new Map<string, object>(), new Map<string, object>()];
        for (const o of ops) {
          const out = outs[o.peer]!;
          const model = models[o.peer]!;
          if (o.kind === 'clear') {
            out.clear();
            model.clear();
            continue;
          }
          const key = `${o.prefix}#${o.pathId}`;
          if (o.kind === 'get') {
            expect(out.get(o.prefix, o.pathId)).toBe(model.get(key));
            continue;
          }
          const attrs = sets[o.attrs];
          const before = model.get(key);
          const want = attrs === undefined ? (before === undefined ? undefined : 'withdraw') : before === attrs ? undefined : 'announce';
          expect(out.set(o.prefix, o.pathId, attrs)).toBe(want);
          if (attrs === undefined) model.delete(key);
          else model.set(key, attrs);
        }
        for (let i = 0; i < outs.length; i++) {
          expect(outs[i]!.size).toBe(models[i]!.size);
          expect(new Map([...outs[i]!.entries()].map((e) => [`${e.prefix}#${e.pathId}`, e.attrs]))).toEqual(models[i]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Rib arrival order', () => {
  const PEERS = [
    { id: 'a', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1' },
    { id: 'b', address: '192.0.2.2', asn: 65002, routerId: '1.1.1.1' },
    { id: 'c', address: '192.0.2.3', asn: 65001, routerId: '3.3.3.3' },
    { id: 'i', address: '10.0.0.1', asn: 65000, routerId: '4.4.4.4' },
  ];
  const arbRoute = fc.record({
    peer: fc.constantFrom('a', 'b', 'c', 'i'),
    pathId: fc.constantFrom(0, 1, 2),
    origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    med: fc.constantFrom(undefined, 0, 10),
    localPref: fc.constantFrom(undefined, 100, 200),
    first: fc.constantFrom(65001, 65002),
    len: fc.nat(2),
  });

  test.each([{}, { deterministicMed: true }, { alwaysCompareMed: true }, { medMissingAsWorst: true }])(
    'announce and withdraw in any order: same best and reason (%o)',
    (decision) => {
      fc.assert(
        fc.property(
          fc.uniqueArray(arbRoute, { selector: (r) => `${r.peer}#${r.pathId}`, minLength: 1, maxLength: 10 }),
          fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
          fc.nat(),
          fc.nat(),
          (routes, withdrawMask, seedA, seedB) => {
            const shuffle = <T,>(xs: T[], seed: number) => {
              const out = xs.slice();
              let s = seed || 1;
              for (let i = out.length - 1; i > 0; i--) {
                s = (s * 1103515245 + 12345) >>> 0;
                const j = s % (i + 1);
                [out[i], out[j]] = [out[j]!, out[i]!];
              }
              return out;
            };
            const results = [seedA, seedB].map((seed) => {
              const r = rib({ decision });
              for (const p of PEERS) r.addPeer(p);
              for (const x of shuffle(routes, seed)) {
                const path = Array.from({ length: x.len }, (_, k) => 64500 + k);
                r.announce(x.peer, '203.0.113.0/24', x.pathId, {
                  origin: x.origin,
                  asPath: seq(x.first, ...path),
                  nextHop: '192.0.2.1',
                  ...(x.med === undefined ? {} : { med: x.med }),
                  ...(x.localPref === undefined ? {} : { localPref: x.localPref }),
                });
              }
              const gone = routes.filter((_, k) => withdrawMask[k]);
              for (const x of shuffle(gone, seed + 7)) r.withdraw(x.peer, '203.0.113.0/24', x.pathId);
              const b = r.best('203.0.113.0/24');
              return b ? `${b.path.peer.id}#${b.path.pathId} ${b.reason}` : 'none';
            });
            expect(results[0]).toBe(results[1]);
          },
        ),
        { numRuns: 200 },
      );
    },
  );
});
