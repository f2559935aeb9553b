import { describe, expect, test } from 'vitest';
import { AdjRibOut } from '../../../src/bgp/rib/index.js';
import { rib, seq } from './fixtures.js';

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
});
