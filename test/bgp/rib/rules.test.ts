import { describe, expect, test } from 'vitest';
import { NO_ADVERTISE, NO_EXPORT, RibExportError } from '../../../src/bgp/rib/index.js';
import type { PathAttributes } from '../../../src/bgp/wire/types.js';
import { LOCAL_AS, rib, seq } from './fixtures.js';

function setup(options: Parameters<typeof rib>[0] = {}) {
  const r = rib({ routerId: '10.255.0.1', ...options });
  r.addPeer({ id: 'ext', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1', localAddress: '192.0.2.254', hasExportPolicy: true, hasImportPolicy: true });
  r.addPeer({ id: 'ext2', address: '192.0.2.2', asn: 65002, routerId: '2.2.2.2', localAddress: '192.0.2.253', hasExportPolicy: true, hasImportPolicy: true });
  r.addPeer({ id: 'ibgp', address: '10.0.0.1', asn: LOCAL_AS, routerId: '10.0.0.1', localAddress: '10.0.0.254' });
  r.addPeer({ id: 'ibgp2', address: '10.0.0.2', asn: LOCAL_AS, routerId: '10.0.0.2', localAddress: '10.0.0.254' });
  return r;
}

const P = '203.0.113.0/24';
const ext: PathAttributes = { origin: 0, asPath: seq(65001, 64500), nextHop: '192.0.2.1', med: 50, localPref: 999 };

describe('import rules', () => {
  test('eBGP LOCAL_PREF is replaced by the default (RFC 4271 §5.1.5); iBGP LOCAL_PREF kept, or the default when missing', () => {
    const r = setup();
    r.announce('ext', P, 0, ext);
    expect(r.best(P)?.path.attrs.localPref).toBe(100);
    r.announce('ibgp', '198.51.100.0/24', 0, { ...ext, localPref: 50 });
    expect(r.best('198.51.100.0/24')?.path.attrs.localPref).toBe(50);
    const { localPref: _drop, ...noPref } = ext;
    r.announce('ibgp', '192.0.2.0/24', 0, noPref);
    expect(r.best('192.0.2.0/24')?.path.attrs.localPref).toBe(100);
  });

  test('ORIGINATOR_ID and CLUSTER_LIST from an eBGP peer are dropped (RFC 4456 §8: they never leave an AS)', () => {
    const r = setup();
    r.announce('ext', P, 0, { ...ext, originatorId: '10.9.9.9', clusterList: ['10.9.9.8'] });
    const attrs = r.best(P)?.path.attrs;
    expect(attrs?.originatorId).toBeUndefined();
    expect(attrs?.clusterList).toBeUndefined();
  });

  test('AS loop rejected; allowas-in accepts up to N copies of our AS', () => {
    const r = setup();
    const looped = { ...ext, asPath: seq(65001, LOCAL_AS, 64500) };
    expect(r.announce('ext', P, 0, looped)).toBeUndefined();
    expect(r.best(P)).toBeUndefined();
    expect([...r.adjRibInPre('ext')]).toHaveLength(1); // still visible pre-policy
    const r2 = rib();
    r2.addPeer({ id: 'ext', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1', allowAsIn: 1 });
    expect(r2.announce('ext', P, 0, looped)?.new).toBeDefined();
    expect(r2.announce('ext', P, 0, { ...ext, asPath: seq(65001, LOCAL_AS, LOCAL_AS) })?.new).toBeUndefined();
  });

  test('RR loops: our ORIGINATOR_ID or our cluster id in CLUSTER_LIST (RFC 4456 §8)', () => {
    const r = setup({ clusterId: '10.255.255.1' });
    expect(r.announce('ibgp', P, 0, { ...ext, originatorId: '10.255.0.1' })).toBeUndefined();
    expect(r.announce('ibgp', P, 0, { ...ext, clusterList: ['1.2.3.4', '10.255.255.1'] })).toBeUndefined();
    expect(r.announce('ibgp', P, 0, { ...ext, clusterList: ['1.2.3.4'] })?.new).toBeDefined();
  });

  test('RFC 8212: eBGP without import policy accepts nothing; iBGP unaffected', () => {
    const r = rib({ rfc8212: true });
    r.addPeer({ id: 'ext', address: '192.0.2.1', asn: 65001, routerId: '1.1.1.1' });
    r.addPeer({ id: 'ibgp', address: '10.0.0.1', asn: LOCAL_AS, routerId: '10.0.0.1' });
    expect(r.announce('ext', P, 0, ext)).toBeUndefined();
    expect(r.announce('ibgp', P, 0, ext)?.new?.peer.id).toBe('ibgp');
  });

  test('import policy: rejection, modification (interned), pre/post views', () => {
    const r = rib();
    r.addPeer({
      id: 'ext',
      address: '192.0.2.1',
      asn: 65001,
      routerId: '1.1.1.1',
      importPolicy: (prefix, a) => (prefix.startsWith('10.') ? null : { ...a, localPref: 200 }),
    });
    r.announce('ext', '10.0.0.0/8', 0, ext);
    r.announce('ext', P, 0, ext);
    expect(r.best('10.0.0.0/8')).toBeUndefined();
    expect(r.best(P)?.path.attrs.localPref).toBe(200);
    expect([...r.adjRibInPre('ext')].map((e) => e.prefix).sort()).toEqual(['10.0.0.0/8', P]);
    expect([...r.adjRibInPost('ext')].map((e) => e.prefix)).toEqual([P]);
  });
});

describe('export rules', () => {
  test('eBGP: prepend our AS, next hop self, no LOCAL_PREF, MED not passed on, no RR attributes', () => {
    const r = setup();
    r.announce('ibgp', P, 0, { origin: 0, asPath: seq(65001), nextHop: '10.0.0.1', med: 7, localPref: 300, originatorId: '10.0.0.9', clusterList: ['10.0.0.8'] });
    const out = r.exportRoute(r.best(P)!.path, 'ext2');
    expect(out).toEqual({
      attrs: { origin: 0, asPath: [{ type: 2, asns: [LOCAL_AS, 65001] }], nextHop: '192.0.2.253' },
    });
  });

  test('eBGP next-hop-unchanged keeps the next hop; local routes keep their MED', () => {
    const r = setup();
    r.addPeer({ id: 'ext3', address: '192.0.2.3', asn: 65003, routerId: '3.3.3.3', localAddress: '192.0.2.252', nextHopUnchanged: true, hasExportPolicy: true });
    r.addPeer({ id: 'local', address: '0.0.0.0', asn: LOCAL_AS, routerId: '10.255.0.1', local: true });
    r.announce('ext', P, 0, ext);
    expect(r.exportRoute(r.best(P)!.path, 'ext3')).toMatchObject({ attrs: { nextHop: '192.0.2.1' } });
    r.announce('local', '198.51.100.0/24', 0, { origin: 0, asPath: [], med: 5 });
    expect(r.exportRoute(r.best('198.51.100.0/24')!.path, 'ext2')).toEqual({
      attrs: { origin: 0, asPath: [{ type: 2, asns: [LOCAL_AS] }], med: 5, nextHop: '192.0.2.253' },
    });
  });

  test('AS_SEQUENCE of 255 gets a new segment; confederation segments are removed', () => {
    const r = setup();
    const long = Array.from({ length: 255 }, (_, i) => 64000 + i);
    r.announce('ext', P, 0, { ...ext, asPath: [{ type: 3, asns: [64999] }, { type: 2, asns: long }] });
    const out = r.exportRoute(r.best(P)!.path, 'ext2');
    expect('attrs' in out && out.attrs.asPath?.map((s) => [s.type, s.asns.length])).toEqual([[2, 1], [2, 255]]);
  });

  test('iBGP: LOCAL_PREF set (default 100), next hop unchanged unless next-hop-self', () => {
    const r = setup();
    r.addPeer({ id: 'ibgp-nhs', address: '10.0.0.3', asn: LOCAL_AS, routerId: '10.0.0.3', localAddress: '10.0.0.254', nextHopSelf: true });
    r.announce('ext', P, 0, ext);
    const path = r.best(P)!.path;
    expect(r.exportRoute(path, 'ibgp')).toEqual({ attrs: { origin: 0, asPath: seq(65001, 64500), nextHop: '192.0.2.1', med: 50, localPref: 100 } });
    expect(r.exportRoute(path, 'ibgp-nhs')).toMatchObject({ attrs: { nextHop: '10.0.0.254' } });
  });

  test('iBGP-learned routes are not sent to iBGP peers without route reflection', () => {
    const r = setup();
    r.announce('ibgp', P, 0, ext);
    expect(r.exportRoute(r.best(P)!.path, 'ibgp2')).toEqual({ rejected: 'ibgp-split-horizon' });
    expect(r.exportRoute(r.best(P)!.path, 'ibgp')).toEqual({ rejected: 'source-peer' });
  });

  test('route reflection: client → all, non-client → clients only, with ORIGINATOR_ID and CLUSTER_LIST', () => {
    const r = rib({ clusterId: '10.255.255.1' });
    r.addPeer({ id: 'c1', address: '10.0.0.1', asn: LOCAL_AS, routerId: '10.0.0.1', rrClient: true });
    r.addPeer({ id: 'c2', address: '10.0.0.2', asn: LOCAL_AS, routerId: '10.0.0.2', rrClient: true });
    r.addPeer({ id: 'n1', address: '10.0.0.3', asn: LOCAL_AS, routerId: '10.0.0.3' });
    r.addPeer({ id: 'n2', address: '10.0.0.4', asn: LOCAL_AS, routerId: '10.0.0.4' });
    r.announce('c1', P, 0, { origin: 0, asPath: [], nextHop: '10.0.0.1', clusterList: ['10.9.9.9'] });
    const fromClient = r.best(P)!.path;
    for (const to of ['c2', 'n1', 'n2']) {
      expect(r.exportRoute(fromClient, to)).toMatchObject({ attrs: { originatorId: '10.0.0.1', clusterList: ['10.255.255.1', '10.9.9.9'], nextHop: '10.0.0.1' } });
    }
    r.announce('n1', '198.51.100.0/24', 0, { origin: 0, asPath: [], nextHop: '10.0.0.3', originatorId: '10.7.7.7' });
    const fromNonClient = r.best('198.51.100.0/24')!.path;
    expect(r.exportRoute(fromNonClient, 'c1')).toMatchObject({ attrs: { originatorId: '10.7.7.7', clusterList: ['10.255.255.1'] } });
    expect(r.exportRoute(fromNonClient, 'n2')).toEqual({ rejected: 'reflection-non-client' });
  });

  test('well-known communities: NO_EXPORT stays in the AS, NO_ADVERTISE goes nowhere', () => {
    const r = setup();
    r.announce('ext', P, 0, { ...ext, communities: [NO_EXPORT] });
    expect(r.exportRoute(r.best(P)!.path, 'ext2')).toEqual({ rejected: 'no-export' });
    expect(r.exportRoute(r.best(P)!.path, 'ibgp')).toHaveProperty('attrs');
    r.announce('ext', P, 0, { ...ext, communities: [NO_ADVERTISE] });
    expect(r.exportRoute(r.best(P)!.path, 'ibgp')).toEqual({ rejected: 'no-advertise' });
  });

  test('RFC 8212: eBGP peer without export policy gets nothing', () => {
    const r = setup({ rfc8212: true });
    r.addPeer({ id: 'bare', address: '192.0.2.9', asn: 65009, routerId: '9.9.9.9', localAddress: '192.0.2.250' });
    r.announce('ext', P, 0, ext);
    expect(r.exportRoute(r.best(P)!.path, 'bare')).toEqual({ rejected: 'rfc8212' });
    expect(r.exportRoute(r.best(P)!.path, 'ext2')).toHaveProperty('attrs');
  });

  test('a missing local address is a clear error', () => {
    const r = setup();
    r.addPeer({ id: 'nolocal', address: '192.0.2.8', asn: 65008, routerId: '8.8.8.8', hasExportPolicy: true });
    r.announce('ext', P, 0, ext);
    expect(() => r.exportRoute(r.best(P)!.path, 'nolocal')).toThrow(RibExportError);
  });
});
