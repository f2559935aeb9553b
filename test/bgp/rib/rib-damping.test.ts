/**
 * Flap damping inside the RIB and the speaker: suppressed eBGP paths stay in the Adj-RIB-In but
 * leave the decision; the reuse time puts them back; iBGP paths are never damped, and a session
 * reset forgets unsuppressed routes' records (as FRR 8.4).
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_DAMPING, Rib } from '../../../src/bgp/rib/index.js';
import type { DampingConfig } from '../../../src/bgp/rib/index.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { LOCAL_AS, seq } from './fixtures.js';
import type { PathAttributes } from '../../../src/bgp/wire/types.js';
import { Lab } from '../speaker/harness.js';

const LAB: DampingConfig = { halfLife: 60, reuse: 1500, suppress: 2000, maxSuppress: 240 };
const P = '203.0.113.0/24';
const E1 = { id: 'e1', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1' };
const E2 = { id: 'e2', address: '192.0.2.2', asn: 65002, routerId: '2.2.2.2' };
const I1 = { id: 'i1', address: '10.0.0.1', asn: LOCAL_AS, routerId: '4.4.4.4' };
const viaE1: PathAttributes = { origin: 0, asPath: seq(65001), nextHop: '192.0.2.1' };
const viaE2: PathAttributes = { origin: 0, asPath: seq(65002, 65100), nextHop: '192.0.2.2' };

function dampedRib(clock: { now: number }): Rib {
  return new Rib({ localAs: LOCAL_AS, routerId: '10.255.0.1', rfc8212: false, damping: LAB, clock: () => clock.now });
}

describe('RIB with damping', () => {
  test('the third flap suppresses the route; the other path wins until reuse; then it is best again', () => {
    const clock = { now: 0 };
    const rib = dampedRib(clock);
    rib.addPeer(E1);
    rib.addPeer(E2);
    rib.announce('e2', P, 0, viaE2);
    rib.announce('e1', P, 0, viaE1);
    expect(rib.best(P)!.path.peer.id).toBe('e1');
    for (const t of [1, 11, 21]) {
      clock.now = t * 1000;
      rib.withdraw('e1', P);
      clock.now += 3000;
      rib.announce('e1', P, 0, viaE1);
    }
    expect(rib.best(P)!.path.peer.id).toBe('e2');
    expect(rib.suppressedPaths(P).map((p) => p.peer.id)).toEqual(['e1']);
    expect([...rib.adjRibInPost('e1')].map((p) => p.prefix)).toEqual([P]);
    const state = rib.dampingState('e1', P)!;
    expect(state.suppressed).toBe(true);
    expect(state.flaps).toBe(3);
    expect(state.penalty).toBeGreaterThan(2000);
    const at = rib.nextReuse()!;
    clock.now = at - 10;
    expect(rib.reuseDue()).toEqual([]);
    clock.now = at;
    const changes = rib.reuseDue();
    expect(changes.map((c) => [c.prefix, c.new?.peer.id])).toEqual([[P, 'e1']]);
    expect(rib.best(P)!.path.peer.id).toBe('e1');
    expect(rib.suppressedPaths(P)).toEqual([]);
  });

  test('a session going down forgets the records of unsuppressed routes (FRR 8.4), so resets alone never suppress', () => {
    const clock = { now: 0 };
    const rib = dampedRib(clock);
    for (let i = 0; i < 3; i++) {
      rib.addPeer(E1);
      clock.now += 1000;
      rib.announce('e1', P, 0, viaE1);
      expect(rib.acceptedCount('e1')).toBe(1);
      clock.now += 1000;
      rib.removePeer('e1');
      expect(rib.dampingState('e1', P)).toBeUndefined();
    }
    rib.addPeer(E1);
    rib.announce('e1', P, 0, viaE1);
    expect(rib.best(P)!.path.peer.id).toBe('e1');
  });

  test('a suppressed route stays suppressed across a session reset, counting it as one more withdrawal', () => {
    const clock = { now: 0 };
    const rib = dampedRib(clock);
    rib.addPeer(E1);
    for (let i = 0; i < 3; i++) {
      rib.announce('e1', P, 0, viaE1);
      clock.now += 1000;
      rib.withdraw('e1', P);
      clock.now += 1000;
    }
    rib.announce('e1', P, 0, viaE1);
    const before = rib.dampingState('e1', P)!;
    expect(before.suppressed).toBe(true);
    rib.removePeer('e1');
    const after = rib.dampingState('e1', P)!;
    expect(after).toMatchObject({ suppressed: true, withdrawn: true, flaps: before.flaps + 1 });
    rib.addPeer(E1);
    rib.announce('e1', P, 0, viaE1);
    expect(rib.best(P)).toBeUndefined();
    expect(rib.size).toBe(1);
    expect(rib.bestCount).toBe(0);
    // A withdrawal while suppressed takes it out of the Adj-RIB-In too; reuse then brings nothing back.
    rib.withdraw('e1', P);
    expect(rib.size).toBe(0);
    clock.now = rib.nextReuse()!;
    expect(rib.reuseDue()).toEqual([]);
    expect(rib.dampingState('e1', P)?.suppressed ?? false).toBe(false);
  });

  test('iBGP-learned routes are never damped', () => {
    const clock = { now: 0 };
    const rib = dampedRib(clock);
    rib.addPeer(I1);
    for (let i = 0; i < 5; i++) {
      rib.announce('i1', P, 0, { ...viaE1, localPref: 100 });
      rib.withdraw('i1', P);
    }
    rib.announce('i1', P, 0, { ...viaE1, localPref: 100 });
    expect(rib.best(P)!.path.peer.id).toBe('i1');
    expect(rib.dampingState('i1', P)).toBeUndefined();
  });

  test('attribute changes count half a flap', () => {
    // FRR's defaults: with reuse 1500 a lone 500 would be forgotten at once (at or below reuse/2).
    const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.0.1', rfc8212: false, damping: DEFAULT_DAMPING, clock: () => 0 });
    rib.addPeer(E1);
    rib.announce('e1', P, 0, viaE1);
    for (let med = 1; med <= 4; med++) rib.announce('e1', P, 0, { ...viaE1, med });
    expect(rib.dampingState('e1', P)!.penalty).toBe(2000);
    expect(rib.best(P)).toBeUndefined();
  });

  test('without damping nothing is held back', () => {
    const rib = new Rib({ localAs: LOCAL_AS, routerId: '10.255.0.1', rfc8212: false });
    rib.addPeer(E1);
    for (let i = 0; i < 5; i++) {
      rib.announce('e1', P, 0, viaE1);
      rib.withdraw('e1', P);
    }
    rib.announce('e1', P, 0, viaE1);
    expect(rib.best(P)!.path.peer.id).toBe('e1');
    expect(rib.dampingEnabled).toBe(false);
    expect(rib.nextReuse()).toBeUndefined();
  });
});

describe('speaker with damping', () => {
  const ALL = resolvePolicyChain(['all'], {});
  const fast = { connectRetry: 1, holdTime: 9, import: ALL, export: ALL };

  test('a route flapping over a stable eBGP session gets suppressed, and the reuse timer (nextDeadline) brings it back', () => {
    const lab = new Lab();
    const a = lab.add('a', { localAsn: 65001, routerId: '10.255.0.1', peers: [{ id: 'b', address: '10.0.0.2', remoteAsn: 65002, localAddress: '10.0.0.1', ...fast }] });
    const b = lab.add('b', { localAsn: 65002, routerId: '10.255.0.2', damping: LAB, peers: [{ id: 'a', address: '10.0.0.1', remoteAsn: 65001, localAddress: '10.0.0.2', ...fast }] });
    lab.wire('a', 'b', 'b', 'a');
    lab.apply('a', a.originate(P));
    lab.startAll();
    lab.advance(3000);
    expect(b.bestRoute(P)?.from).toBe('a');
    for (let i = 0; i < 3; i++) {
      lab.apply('a', a.withdrawOriginated(P));
      lab.advance(2000);
      lab.apply('a', a.originate(P));
      lab.advance(2000);
    }
    expect(b.sessionState('a')).toBe('Established');
    expect(b.bestRoute(P)).toBeUndefined();
    const rows = b.routesWithDamping(P);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ from: 'a', best: false, suppressed: true, damping: { suppressed: true, flaps: 3 } });
    const reuseIn = rows[0]!.damping!.reuseIn;
    expect(reuseIn).toBeGreaterThan(10);
    expect(reuseIn).toBeLessThan(70);
    // The speaker's next deadline includes the reuse time, so a driver that sleeps until then wakes for it.
    expect(b.nextDeadline()!).toBeLessThanOrEqual(lab.now + reuseIn * 1000 + 1);
    lab.advance(Math.ceil(reuseIn) * 1000 + 1000);
    expect(b.bestRoute(P)?.from).toBe('a');
    expect(b.routesWithDamping(P)[0]).toMatchObject({ best: true, suppressed: false });
  });
});
