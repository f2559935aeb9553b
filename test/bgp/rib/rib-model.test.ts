/**
 * Model-based test of the incremental RIB (fast-check commands) against a reference that
 * keeps plain maps and recomputes every best path from scratch after each command.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Rib, selectBest } from '../../../src/bgp/rib/index.js';
import type { BestChange, PathRecord } from '../../../src/bgp/rib/index.js';
import { factsOf } from '../../../src/bgp/rib/intern.js';
import type { PathAttributes } from '../../../src/bgp/wire/types.js';
import { LOCAL_AS, seq } from './fixtures.js';

const PEERS = [
  { id: 'e1', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1' },
  { id: 'e2', address: '192.0.2.2', asn: 65002, routerId: '2.2.2.2' },
  { id: 'e3', address: '192.0.2.3', asn: 65001, routerId: '3.3.3.3' },
  { id: 'i1', address: '10.0.0.1', asn: LOCAL_AS, routerId: '4.4.4.4' },
];
// Of each key kind the RIB uses (prefix-key.ts): numbers for IPv4 /0-/24, text otherwise.
const PREFIXES = ['198.51.100.0/24', '203.0.113.0/24', '192.0.2.0/25', '0.0.0.0/0', '2001:db8::/32'];
const ATTRS: PathAttributes[] = [
  { origin: 0, asPath: seq(65001), nextHop: '192.0.2.1' },
  { origin: 0, asPath: seq(65001, 65100), nextHop: '192.0.2.1', med: 5 },
  { origin: 1, asPath: seq(65002), nextHop: '192.0.2.2', localPref: 300 },
  { origin: 0, asPath: seq(65002, 65100), nextHop: '192.0.2.2', med: 1 },
  { origin: 2, asPath: [], nextHop: '10.0.0.1', localPref: 120 },
  { origin: 0, asPath: seq(65001, LOCAL_AS), nextHop: '192.0.2.1' }, // AS loop
  { origin: 0, asPath: seq(65003), nextHop: '192.0.2.9' }, // next hop unreachable
];
const UNREACHABLE = '192.0.2.9';

/** Reference: what each peer currently announces, as given. */
type Model = Map<string, PathAttributes>; // `${peer}|${prefix}|${pathId}` → attrs

interface Real {
  rib: Rib;
  /** The last command's changes; undefined when it asked for none (removePeer without report). */
  last: BestChange[] | undefined;
}

function newRib(alwaysCompareMed: boolean): Rib {
  const rib = new Rib({
    localAs: LOCAL_AS,
    routerId: '10.255.0.1',
    rfc8212: false,
    decision: { alwaysCompareMed },
    nextHopReachable: (nh) => nh !== UNREACHABLE,
  });
  for (const p of PEERS) rib.addPeer(p);
  return rib;
}

/** Best per prefix from scratch: import rules applied by hand, then the decision on all paths. */
function referenceBest(model: Model, rib: Rib, alwaysCompareMed: boolean): Map<string, { peer: string; pathId: number; attrs: PathAttributes }> {
  const byPrefix = new Map<string, PathRecord[]>();
  for (const [key, attrs] of model) {
    const [peerId, prefix, pathId] = key.split('|') as [string, string, string];
    if (attrs.asPath?.some((s) => s.asns.includes(LOCAL_AS))) continue;
    const peer = rib.peer(peerId);
    const a = { ...attrs };
    // Import sets the default LOCAL_PREF: always from eBGP (RFC 4271 §5.1.5), when missing from iBGP.
    if (!peer.ibgp) a.localPref = 100;
    else a.localPref ??= 100;
    const list = byPrefix.get(prefix) ?? [];
    list.push({ prefix, pathId: Number(pathId), peer, attrs: a, facts: factsOf(rib.intern(a)) });
    byPrefix.set(prefix, list);
  }
  const out = new Map<string, { peer: string; pathId: number; attrs: PathAttributes }>();
  for (const [prefix, list] of byPrefix) {
    let best: PathRecord | undefined;
    if (alwaysCompareMed) {
      // With MED always compared the steps form a total order: sort by a lexicographic key.
      const eligible = list.filter((p) => p.facts.nextHop !== UNREACHABLE);
      const key = (p: PathRecord) => [
        -(p.facts.localPref ?? 100),
        p.facts.asPathLength,
        p.facts.origin,
        p.facts.med ?? 0,
        p.peer.ibgp ? 1 : 0,
        p.facts.originatorId ?? p.peer.routerIdNumber,
        p.facts.clusterListLength,
        p.peer.addressKey,
        p.pathId,
      ];
      eligible.sort((x, y) => {
        const kx = key(x);
        const ky = key(y);
        for (let i = 0; i < kx.length; i++) if (kx[i]! !== ky[i]!) return kx[i]! < ky[i]! ? -1 : 1;
        return 0;
      });
      best = eligible[0];
    } else {
      best = selectBest(list, rib.decision).best;
    }
    if (best) out.set(prefix, { peer: best.peer.id, pathId: best.pathId, attrs: best.attrs });
  }
  return out;
}

class Announce implements fc.Command<Model, Real> {
  constructor(readonly peer: string, readonly prefix: string, readonly pathId: number, readonly attrs: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const a = ATTRS[this.attrs]!;
    m.set(`${this.peer}|${this.prefix}|${this.pathId}`, a);
    const c = r.rib.announce(this.peer, this.prefix, this.pathId, structuredClone(a));
    r.last = c ? [c] : [];
  }
  toString = () => `announce(${this.peer}, ${this.prefix}#${this.pathId}, attrs ${this.attrs})`;
}

class Withdraw implements fc.Command<Model, Real> {
  constructor(readonly peer: string, readonly prefix: string, readonly pathId: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    m.delete(`${this.peer}|${this.prefix}|${this.pathId}`);
    const c = r.rib.withdraw(this.peer, this.prefix, this.pathId);
    r.last = c ? [c] : [];
  }
  toString = () => `withdraw(${this.peer}, ${this.prefix}#${this.pathId})`;
}

class PeerDown implements fc.Command<Model, Real> {
  constructor(
    readonly peer: string,
    readonly report: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    for (const k of [...m.keys()]) if (k.startsWith(`${this.peer}|`)) m.delete(k);
    const changes = r.rib.removePeer(this.peer, this.report);
    if (!this.report) expect(changes).toEqual([]);
    r.last = this.report ? changes : undefined;
    r.rib.addPeer(PEERS.find((p) => p.id === this.peer)!);
  }
  toString = () => `down(${this.peer}${this.report ? '' : ', no report'})`;
}

const peerId = fc.constantFrom(...PEERS.map((p) => p.id));
const prefix = fc.constantFrom(...PREFIXES);
const pathId = fc.constantFrom(0, 0, 1);
const commands = [
  fc.tuple(peerId, prefix, pathId, fc.nat(ATTRS.length - 1)).map(([a, b, c, d]) => new Announce(a, b, c, d)),
  fc.tuple(peerId, prefix, pathId).map(([a, b, c]) => new Withdraw(a, b, c)),
  fc.tuple(peerId, fc.boolean()).map(([p, report]) => new PeerDown(p, report)),
];

function check(alwaysCompareMed: boolean) {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
      const rib = newRib(alwaysCompareMed);
      const model: Model = new Map();
      const real: Real = { rib, last: [] };
      let before = referenceBest(model, rib, alwaysCompareMed);
      for (const cmd of cmds) {
        cmd.run(model, real);
        const after = referenceBest(model, rib, alwaysCompareMed);
        for (const p of PREFIXES) {
          const want = after.get(p);
          const got = rib.best(p);
          expect(got ? { peer: got.path.peer.id, pathId: got.path.pathId } : undefined, `${cmd} → ${p}`).toEqual(
            want ? { peer: want.peer, pathId: want.pathId } : undefined,
          );
          if (want && got) expect(got.path.attrs).toEqual(want.attrs);
          // A change is reported exactly when the best path (or its attributes) changed.
          if (real.last === undefined) continue;
          const changed = JSON.stringify(before.get(p)) !== JSON.stringify(want);
          const reported = real.last.filter((c) => c.prefix === p);
          if (changed) {
            expect(reported.length, `${cmd}: change for ${p}`).toBe(1);
            expect(reported[0]!.new?.peer.id).toBe(want?.peer);
          } else if (reported.length > 0) {
            // Same peer, same attributes, new path object is not a change worth reporting.
            expect(reported, `${cmd}: spurious change for ${p}`).toEqual([]);
          }
        }
        before = after;
      }
    }),
    { numRuns: 200 },
  );
}

describe('RIB against a from-scratch reference', () => {
  test('RFC 4271 MED (per neighbour AS): incremental = from scratch', () => check(false));
  test('always-compare-med: incremental = sorting by a lexicographic key', () => check(true));
});

/**
 * The RIB keeps a prefix's paths as pairs and runs the decision on views it reuses (kept per path
 * count up to 64): here prefixes with up to 80 paths, so past the decision's 32-path mask and past
 * the kept views, are checked against the paths each peer sent and the decision run afresh on them.
 */
describe('many paths for one prefix', () => {
  const MANY = Array.from({ length: 80 }, (_, i) => ({
    id: `m${i}`,
    address: `198.18.${i >> 8}.${(i & 255) + 1}`,
    asn: 65100 + (i % 7),
    routerId: `9.9.${i >> 8}.${(i & 255) + 1}`,
  }));
  const SETS: PathAttributes[] = [
    { origin: 0, asPath: seq(65100, 65200), nextHop: '198.18.0.1', med: 10 },
    { origin: 0, asPath: seq(65101, 65200), nextHop: '198.18.0.2', med: 5 },
    { origin: 1, asPath: seq(65102), nextHop: '198.18.0.3' },
    { origin: 0, asPath: seq(65103), nextHop: UNREACHABLE },
  ];
  const WHERE = ['198.51.100.0/24', '2001:db8::/32'];

  test('paths, best path and reported changes follow a from-scratch decision', () => {
    const op = fc.record({ peer: fc.nat(MANY.length - 1), prefix: fc.constantFrom(...WHERE), pathId: fc.constantFrom(0, 0, 0, 2), set: fc.option(fc.nat(SETS.length - 1), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 400 }), fc.boolean(), (ops, alwaysCompareMed) => {
        const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.0.1', rfc8212: false, decision: { alwaysCompareMed }, nextHopReachable: (nh) => nh !== UNREACHABLE });
        for (const p of MANY) rib.addPeer(p);
        const sent = new Map<string, number>(); // `${peer}|${prefix}|${pathId}` → set
        const bestBefore = new Map<string, string>();
        for (const { peer, prefix, pathId, set } of ops) {
          const id = MANY[peer]!.id;
          const k = `${id}|${prefix}|${pathId}`;
          let change: BestChange | undefined;
          if (set === undefined) {
            sent.delete(k);
            change = rib.withdraw(id, prefix, pathId);
          } else {
            sent.set(k, set);
            change = rib.announce(id, prefix, pathId, structuredClone(SETS[set]!));
          }
          const paths = rib.paths(prefix);
          const want = [...sent].filter(([key]) => key.split('|')[1] === prefix).map(([key, s]) => `${key.split('|')[0]}#${key.split('|')[2]}:${SETS[s]!.asPath![0]!.asns[0]}`);
          expect(paths.map((p) => `${p.peer.id}#${p.pathId}:${p.attrs.asPath![0]!.asns[0]}`).sort()).toEqual(want.sort());
          const fresh = selectBest(paths.map((p) => ({ prefix: p.prefix, pathId: p.pathId, peer: p.peer, attrs: p.attrs, facts: factsOf(p.attrs) })), rib.decision);
          const best = rib.best(prefix);
          const name = (p: PathRecord | undefined) => (p ? `${p.peer.id}#${p.pathId}` : '-');
          expect(name(best?.path)).toBe(name(fresh.best));
          if (best) expect(best.reason).toBe(fresh.reason);
          const now = best ? `${name(best.path)}:${JSON.stringify(best.path.attrs)}` : '-';
          const was = bestBefore.get(prefix) ?? '-';
          expect(change !== undefined, `change reported for ${was} → ${now}`).toBe(now !== was);
          if (change) expect(`${name(change.old)} ${name(change.new)}`).toBe(`${was.split(':')[0]} ${now.split(':')[0]}`);
          bestBefore.set(prefix, now);
        }
        expect(rib.bestCount).toBe([...bestBefore.values()].filter((b) => b !== '-').length);
      }),
      { numRuns: 20 },
    );
  });
});
