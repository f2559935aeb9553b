/**
 * Model-free convergence property: after any sequence of originations, withdrawals, session
 * stops/starts and clock advances, once everything is up again, what each speaker holds in
 * its Adj-RIB-Out towards a peer is exactly what that peer holds in its Adj-RIB-In from it,
 * and every originated prefix is reachable everywhere with a loop-free AS_PATH.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Lab } from './harness.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';
import { attributesKey, type PeerConfig } from '../../../src/bgp/speaker/index.js';
import type { PathAttributes } from '../../../src/bgp/wire/index.js';

const ALL = resolvePolicyChain(['all'], {});
const fast = { connectRetry: 1, idleHold: { initial: 1, max: 2, forget: 10 }, holdTime: 9 };
const peer = (id: string, address: string, remoteAsn: number, localAddress: string, localAddress6: string): PeerConfig => ({ id, address, remoteAsn, localAddress, localAddress6, import: ALL, export: ALL, ...fast });

/** A triangle of three ASes, so routes have two ways to go and loops are possible. */
function triangle(): Lab {
  const lab = new Lab();
  lab.add('a', { localAsn: 65001, routerId: '10.255.0.1', peers: [peer('b', '10.0.12.2', 65002, '10.0.12.1', 'fd00:12::1'), peer('c', '10.0.13.3', 65003, '10.0.13.1', 'fd00:13::1')] });
  lab.add('b', { localAsn: 65002, routerId: '10.255.0.2', peers: [peer('a', '10.0.12.1', 65001, '10.0.12.2', 'fd00:12::2'), peer('c', '10.0.23.3', 65003, '10.0.23.2', 'fd00:23::2')] });
  lab.add('c', { localAsn: 65003, routerId: '10.255.0.3', peers: [peer('a', '10.0.13.1', 65001, '10.0.13.3', 'fd00:13::3'), peer('b', '10.0.23.2', 65002, '10.0.23.3', 'fd00:23::3')] });
  lab.wire('a', 'b', 'b', 'a');
  lab.wire('a', 'c', 'c', 'a');
  lab.wire('b', 'c', 'c', 'b');
  return lab;
}

const nodes = ['a', 'b', 'c'] as const;
const sessions: Array<[string, string]> = [['a', 'b'], ['a', 'c'], ['b', 'c']];
const prefixes = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/25', '2001:db8:1::/48', '2001:db8:2::/64'];

type Op =
  | { op: 'originate'; node: string; prefix: string; med: number | undefined }
  | { op: 'withdraw'; node: string; prefix: string }
  | { op: 'stop'; node: string; peer: string }
  | { op: 'start'; node: string; peer: string }
  | { op: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('originate' as const), node: fc.constantFrom(...nodes), prefix: fc.constantFrom(...prefixes), med: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }),
  fc.record({ op: fc.constant('withdraw' as const), node: fc.constantFrom(...nodes), prefix: fc.constantFrom(...prefixes) }),
  fc.constantFrom(...sessions).chain(([x, y]) => fc.record({ op: fc.constantFrom('stop' as const, 'start' as const), node: fc.constant(x), peer: fc.constant(y) })),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 12_000 }) }),
);

/** The received form of an advertised route: what the peer decoded, IPv6 next hop already in `nextHop`. */
const key = (a: PathAttributes) => attributesKey({ ...a });

describe('convergence', () => {
  test('Adj-RIB-Out of each side equals Adj-RIB-In of the other; every origin reachable without loops', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
        const lab = triangle();
        lab.startAll();
        const originated = new Map<string, Set<string>>();
        for (const o of ops) {
          if (o.op === 'originate') {
            lab.apply(o.node, lab.speaker(o.node).originate(o.prefix, o.med === undefined ? {} : { med: o.med }));
            (originated.get(o.prefix) ?? originated.set(o.prefix, new Set()).get(o.prefix)!).add(o.node);
          } else if (o.op === 'withdraw') {
            lab.apply(o.node, lab.speaker(o.node).withdrawOriginated(o.prefix));
            originated.get(o.prefix)?.delete(o.node);
          } else if (o.op === 'stop') lab.apply(o.node, lab.speaker(o.node).stopPeer(o.peer));
          else if (o.op === 'start') lab.apply(o.node, lab.speaker(o.node).startPeer(o.peer));
          else lab.advance(o.ms);
        }
        for (const [x, y] of sessions) {
          lab.apply(x, lab.speaker(x).startPeer(y));
          lab.apply(y, lab.speaker(y).startPeer(x));
        }
        lab.advance(30_000);
        for (const [x, y] of sessions) {
          expect(lab.speaker(x).sessionState(y)).toBe('Established');
          for (const [from, to] of [[x, y], [y, x]] as const) {
            const out = [...lab.speaker(from).adjRibOut(to)].map(([p, a]) => [p, key(a)]).sort();
            const inn = [...lab.speaker(to).adjRibIn(from, 'pre-policy')].map(([p, a]) => [p, key(a)]).sort();
            expect(inn).toEqual(out);
          }
        }
        for (const n of nodes) {
          const s = lab.speaker(n);
          for (const p of prefixes) {
            const origins = originated.get(p) ?? new Set();
            const best = s.bestRoute(p);
            expect(best !== undefined, `${n} ${p}`).toBe(origins.size > 0);
            if (best) {
              const path = flatAsPath(best.attributes.asPath);
              expect(new Set(path).size).toBe(path.length);
              if (best.from === '(local)') expect(origins.has(n)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
