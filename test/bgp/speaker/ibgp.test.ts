import { describe, expect, test } from 'vitest';
import { Lab } from './harness.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';
import type { PeerConfig } from '../../../src/bgp/speaker/index.js';
import type { UpdateMessage } from '../../../src/bgp/wire/index.js';

const ALL = resolvePolicyChain(['all'], {});
const peer = (id: string, address: string, remoteAsn: number, localAddress: string, extra: Partial<PeerConfig> = {}): PeerConfig => ({ id, address, remoteAsn, localAddress, import: ALL, export: ALL, ...extra });

describe('iBGP route reflection (RFC 4456)', () => {
  /** rr (cluster 10.255.0.100) with clients c1 and c2; c1 originates. */
  function reflector(): Lab {
    const lab = new Lab();
    lab.add('rr', {
      localAsn: 65000, routerId: '10.255.0.100',
      peers: [peer('c1', '10.0.1.1', 65000, '10.0.1.100', { routeReflectorClient: true }), peer('c2', '10.0.2.2', 65000, '10.0.2.100', { routeReflectorClient: true })],
    });
    lab.add('c1', { localAsn: 65000, routerId: '10.255.0.1', peers: [peer('rr', '10.0.1.100', 65000, '10.0.1.1')] });
    lab.add('c2', { localAsn: 65000, routerId: '10.255.0.2', peers: [peer('rr', '10.0.2.100', 65000, '10.0.2.2')] });
    lab.wire('rr', 'c1', 'c1', 'rr');
    lab.wire('rr', 'c2', 'c2', 'rr');
    return lab;
  }

  test('a client route reaches the other client with ORIGINATOR_ID and CLUSTER_LIST, next hop unchanged', () => {
    const lab = reflector();
    lab.startAll();
    lab.apply('c1', lab.speaker('c1').originate('203.0.113.0/24', { localPref: 150 }));
    const at2 = lab.speaker('c2').bestRoute('203.0.113.0/24')!;
    expect(at2.from).toBe('rr');
    expect(at2.attributes.originatorId).toBe('10.255.0.1');
    expect(at2.attributes.clusterList).toEqual(['10.255.0.100']);
    expect(at2.attributes.nextHop).toBe('10.0.1.1');
    expect(at2.attributes.localPref).toBe(150);
    expect(flatAsPath(at2.attributes.asPath)).toEqual([]);
    // Not reflected back to where it came from.
    expect(lab.speaker('rr').adjRibOut('c1').has('203.0.113.0/24')).toBe(false);
  });

  test('without reflection, iBGP routes do not pass between iBGP peers', () => {
    const lab = new Lab();
    lab.add('rr', { localAsn: 65000, routerId: '10.255.0.100', peers: [peer('c1', '10.0.1.1', 65000, '10.0.1.100'), peer('c2', '10.0.2.2', 65000, '10.0.2.100')] });
    lab.add('c1', { localAsn: 65000, routerId: '10.255.0.1', peers: [peer('rr', '10.0.1.100', 65000, '10.0.1.1')] });
    lab.add('c2', { localAsn: 65000, routerId: '10.255.0.2', peers: [peer('rr', '10.0.2.100', 65000, '10.0.2.2')] });
    lab.wire('rr', 'c1', 'c1', 'rr');
    lab.wire('rr', 'c2', 'c2', 'rr');
    lab.startAll();
    lab.apply('c1', lab.speaker('c1').originate('203.0.113.0/24'));
    expect(lab.speaker('rr').bestRoute('203.0.113.0/24')?.from).toBe('c1');
    expect(lab.speaker('c2').bestRoute('203.0.113.0/24')).toBeUndefined();
  });

  test('a cluster loop drops the route: a reflector ignores routes carrying its own CLUSTER_ID', () => {
    // rr1 and rr2 share cluster 10.255.255.1 and both serve client c1; rr1 and rr2 peer as non-clients.
    const lab = new Lab();
    const cluster = '10.255.255.1';
    lab.add('rr1', { localAsn: 65000, routerId: '10.255.0.101', clusterId: cluster, peers: [peer('c1', '10.0.1.1', 65000, '10.0.1.101', { routeReflectorClient: true }), peer('rr2', '10.0.9.102', 65000, '10.0.9.101')] });
    lab.add('rr2', { localAsn: 65000, routerId: '10.255.0.102', clusterId: cluster, peers: [peer('c1', '10.0.2.1', 65000, '10.0.2.102', { routeReflectorClient: true }), peer('rr1', '10.0.9.101', 65000, '10.0.9.102')] });
    lab.add('c1', { localAsn: 65000, routerId: '10.255.0.1', peers: [peer('rr1', '10.0.1.101', 65000, '10.0.1.1'), peer('rr2', '10.0.2.102', 65000, '10.0.2.1')] });
    lab.wire('rr1', 'c1', 'c1', 'rr1');
    lab.wire('rr2', 'c1', 'c1', 'rr2');
    lab.wire('rr1', 'rr2', 'rr2', 'rr1');
    lab.startAll();
    lab.apply('c1', lab.speaker('c1').originate('203.0.113.0/24'));
    for (const [rr, other] of [['rr1', 'rr2'], ['rr2', 'rr1']] as const) {
      const s = lab.speaker(rr);
      // The reflected copy arrived (pre-policy) but is not eligible (RFC 4456 §8).
      expect(s.adjRibIn(other, 'pre-policy').get('203.0.113.0/24')?.clusterList).toEqual([cluster]);
      expect(s.adjRibIn(other).has('203.0.113.0/24')).toBe(false);
      expect(s.bestRoute('203.0.113.0/24')?.from).toBe('c1');
    }
    // c1 never takes its own route back: ORIGINATOR_ID is its router id.
    expect(lab.speaker('c1').bestRoute('203.0.113.0/24')?.from).toBe('(local)');
  });
});

describe('iBGP next hop', () => {
  function border(nextHopSelf: boolean): Lab {
    const lab = new Lab();
    lab.add('ext', { localAsn: 65001, routerId: '10.255.0.9', peers: [peer('b', '10.0.12.2', 65002, '10.0.12.1')] });
    lab.add('b', { localAsn: 65002, routerId: '10.255.0.2', peers: [peer('ext', '10.0.12.1', 65001, '10.0.12.2'), peer('i', '10.0.23.3', 65002, '10.0.23.2', { nextHopSelf })] });
    lab.add('i', { localAsn: 65002, routerId: '10.255.0.3', peers: [peer('b', '10.0.23.2', 65002, '10.0.23.3')] });
    lab.wire('ext', 'b', 'b', 'ext');
    lab.wire('b', 'i', 'i', 'b');
    lab.startAll();
    lab.apply('ext', lab.speaker('ext').originate('203.0.113.0/24', { med: 3 }));
    return lab;
  }

  test('eBGP-learned routes keep the external next hop on iBGP by default, with LOCAL_PREF and MED', () => {
    const r = border(false).speaker('i').bestRoute('203.0.113.0/24')!;
    expect(r.attributes.nextHop).toBe('10.0.12.1');
    expect(r.attributes.localPref).toBe(100);
    expect(r.attributes.med).toBe(3);
    expect(flatAsPath(r.attributes.asPath)).toEqual([65001]);
  });

  test('next-hop-self rewrites it to the border router', () => {
    expect(border(true).speaker('i').bestRoute('203.0.113.0/24')!.attributes.nextHop).toBe('10.0.23.2');
  });

  test('LOCAL_PREF decides between two exits', () => {
    const lab = new Lab();
    const prefer = resolvePolicyChain(['p'], { p: [{ set: { 'local-pref': 300 }, action: 'accept' }] });
    lab.add('x1', { localAsn: 65001, routerId: '10.255.0.11', peers: [peer('a', '10.0.1.2', 65002, '10.0.1.1')] });
    lab.add('x2', { localAsn: 65003, routerId: '10.255.0.12', peers: [peer('a', '10.0.2.2', 65002, '10.0.2.1')] });
    lab.add('a', { localAsn: 65002, routerId: '10.255.0.2', peers: [peer('x1', '10.0.1.1', 65001, '10.0.1.2'), peer('x2', '10.0.2.1', 65003, '10.0.2.2', { import: prefer })] });
    lab.wire('x1', 'a', 'a', 'x1');
    lab.wire('x2', 'a', 'a', 'x2');
    lab.startAll();
    lab.apply('x1', lab.speaker('x1').originate('203.0.113.0/24'));
    expect(lab.speaker('a').bestRoute('203.0.113.0/24')?.from).toBe('x1');
    lab.apply('x2', lab.speaker('x2').originate('203.0.113.0/24', { asPath: [{ type: 2, asns: [65100, 65101] }] }));
    const best = lab.speaker('a').bestRoute('203.0.113.0/24')!;
    expect(best.from).toBe('x2');
    expect(best.reason).toBe('local-pref');
    // The change reached x1 as an implicit replacement (x2's path, prepended with 65002).
    const last = lab.messages('a', 'x1').filter((m): m is UpdateMessage => m.type === 'UPDATE').at(-1)!;
    expect(flatAsPath(last.attributes.asPath)).toEqual([65002, 65003, 65100, 65101]);
  });
});
