import { describe, expect, test } from 'vitest';
import { Lab } from './harness.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';
import type { Policy } from '../../../src/bgp/policy/model.js';
import { Speaker, SpeakerConfigError, SpeakerInputError, type PeerConfig } from '../../../src/bgp/speaker/index.js';
import { codecContext, isEndOfRib, type BgpMessage, type UpdateMessage } from '../../../src/bgp/wire/index.js';

const ALL = resolvePolicyChain(['all'], {});

function ebgp(id: string, address: string, remoteAsn: number, localAddress: string, extra: Partial<PeerConfig> = {}): PeerConfig {
  return { id, address, remoteAsn, localAddress, import: ALL, export: ALL, ...extra };
}

const updates = (ms: BgpMessage[]): UpdateMessage[] => ms.filter((m): m is UpdateMessage => m.type === 'UPDATE');

/** r1 (AS 65001) — r2 (AS 65002), both sides import and export everything. */
function pair(extra1: Partial<PeerConfig> = {}, extra2: Partial<PeerConfig> = {}): Lab {
  const lab = new Lab();
  lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [ebgp('r2', '10.0.0.2', 65002, '10.0.0.1', { localAddress6: 'fd00:1::1', ...extra1 })] });
  lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', '10.0.0.1', 65001, '10.0.0.2', { localAddress6: 'fd00:1::2', ...extra2 })] });
  lab.wire('r1', 'r2', 'r2', 'r1');
  return lab;
}

describe('two speakers back to back', () => {
  test('establish, announce IPv4 and IPv6, send End-of-RIB per family', () => {
    const lab = pair();
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
    lab.apply('r1', lab.speaker('r1').originate('2001:db8:1::/48'));
    lab.startAll();
    expect(lab.speaker('r1').sessionState('r2')).toBe('Established');
    expect(lab.speaker('r2').sessionState('r1')).toBe('Established');
    expect(lab.events.get('r2')!.filter((e) => e.type === 'session').map((e) => e.type === 'session' && e.to)).toEqual(['Connect', 'OpenSent', 'OpenConfirm', 'Established']);

    const v4 = lab.speaker('r2').bestRoute('203.0.113.0/24');
    expect(v4?.from).toBe('r1');
    expect(flatAsPath(v4?.attributes.asPath)).toEqual([65001]);
    expect(v4?.attributes.nextHop).toBe('10.0.0.1');
    const v6 = lab.speaker('r2').bestRoute('2001:db8:1::/48');
    expect(v6?.attributes.nextHop).toBe('fd00:1::1');

    const fromR1 = updates(lab.messages('r1', 'r2'));
    const eors = fromR1.filter(isEndOfRib);
    expect(eors).toHaveLength(2);
    // End-of-RIB comes after the table dump.
    const lastRoute = fromR1.findLastIndex((u) => !isEndOfRib(u));
    expect(fromR1.indexOf(eors[0]!)).toBeGreaterThan(lastRoute);
    expect(lab.events.get('r2')!.filter((e) => e.type === 'end-of-rib-received').map((e) => e.type === 'end-of-rib-received' && e.family).sort()).toEqual(['ipv4-unicast', 'ipv6-unicast']);
  });

  test('routes announced after establishment propagate, and withdrawals too', () => {
    const lab = pair();
    lab.startAll();
    lab.apply('r2', lab.speaker('r2').originate('198.51.100.0/24', { med: 5 }));
    expect(lab.speaker('r1').bestRoute('198.51.100.0/24')?.attributes.med).toBe(5);
    lab.apply('r2', lab.speaker('r2').withdrawOriginated('198.51.100.0/24'));
    expect(lab.speaker('r1').bestRoute('198.51.100.0/24')).toBeUndefined();
    const events = lab.events.get('r1')!.filter((e) => e.type === 'best-path');
    expect(events.map((e) => e.type === 'best-path' && (e.best?.from ?? 'none'))).toEqual(['r2', 'none']);
  });

  test('keepalives keep the session up; hold timer expiry when one side stops answering', () => {
    const lab = pair({ holdTime: 9 }, { holdTime: 9 });
    lab.startAll();
    lab.advance(60_000);
    expect(lab.speaker('r1').sessionState('r2')).toBe('Established');
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
    expect(lab.speaker('r2').bestRoute('203.0.113.0/24')).toBeDefined();

    lab.deaf.add('r1');
    lab.advance(10_000);
    const sentByR1 = lab.events.get('r1')!.filter((e) => e.type === 'notification-sent');
    expect(sentByR1).toEqual([{ type: 'notification-sent', peer: 'r2', code: 4, subcode: 0 }]);
    // r2 learns of it by the NOTIFICATION and the closed connection, and withdraws what it learned from r1.
    expect(lab.events.get('r2')!.some((e) => e.type === 'session' && e.from === 'Established')).toBe(true);
    expect(lab.speaker('r2').bestRoute('203.0.113.0/24')).toBeUndefined();
  });

  test('the hold time is the smaller of the two; 0 means no keepalives', () => {
    const lab = pair({ holdTime: 0 }, { holdTime: 30 });
    lab.startAll();
    const before = lab.sent.length;
    lab.advance(600_000, 10_000);
    expect(lab.sent.length).toBe(before);
    expect(lab.speaker('r2').sessionState('r1')).toBe('Established');
  });

  test('withdraw on session down: the other side drops every route it learned', () => {
    const lab = pair();
    lab.startAll();
    for (let i = 0; i < 10; i++) lab.apply('r1', lab.speaker('r1').originate(`10.${i}.0.0/16`));
    expect(lab.speaker('r2').locRibRoutes()).toHaveLength(10);
    lab.apply('r1', lab.speaker('r1').stopPeer('r2', 'maintenance until 10:00'));
    expect(lab.speaker('r2').locRibRoutes()).toHaveLength(0);
    expect(lab.events.get('r2')!.find((e) => e.type === 'notification-received')).toEqual({ type: 'notification-received', peer: 'r1', code: 6, subcode: 2, text: 'maintenance until 10:00' });
    expect(lab.speaker('r1').sessionState('r2')).toBe('Idle');
    // r2 restarts on its own after the FSM's idle hold (60 s, BIRD's "error wait time"); r1 refuses while stopped.
    lab.advance(70_000);
    expect(lab.speaker('r2').sessionState('r1')).not.toBe('Established');
    lab.apply('r1', lab.speaker('r1').startPeer('r2'));
    lab.advance(10_000);
    expect(lab.speaker('r2').locRibRoutes()).toHaveLength(10);
  });

  test('update packing: many prefixes with the same attributes share few UPDATEs', () => {
    const lab = pair();
    for (let i = 0; i < 2000; i++) lab.apply('r1', lab.speaker('r1').originate(`10.${i >> 8}.${i & 255}.0/24`));
    lab.apply('r1', lab.speaker('r1').originate('198.51.100.0/24', { med: 7 }));
    lab.startAll();
    const routes = updates(lab.messages('r1', 'r2')).filter((u) => u.nlri.length > 0);
    // 2000 /24s at 4 bytes each need at least two 4096-byte UPDATEs; one more for the MED group.
    expect(routes.length).toBe(3);
    expect(routes.reduce((n, u) => n + u.nlri.length, 0)).toBe(2001);
    for (const s of lab.sent.filter((x) => x.from === 'r1')) expect(s.bytes.length).toBeLessThanOrEqual(4096);
    expect(lab.speaker('r2').locRibRoutes()).toHaveLength(2001);
  });

  test('with RFC 8654 extended messages on both sides, one UPDATE carries far more', () => {
    const lab = pair({ extendedMessage: true }, { extendedMessage: true });
    for (let i = 0; i < 2000; i++) lab.apply('r1', lab.speaker('r1').originate(`10.${i >> 8}.${i & 255}.0/24`));
    lab.startAll();
    const ctx = codecContext({ extendedMessage: true });
    const routes = updates(lab.messages('r1', 'r2', ctx)).filter((u) => u.nlri.length > 0);
    expect(routes).toHaveLength(1);
    expect(routes[0]!.nlri).toHaveLength(2000);
    expect(lab.speaker('r2').locRibRoutes()).toHaveLength(2000);
  });

  test('MRAI holds back later changes, then sends them together', () => {
    const lab = pair({ mrai: 30 });
    lab.startAll();
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
    expect(lab.speaker('r2').bestRoute('203.0.113.0/24')).toBeDefined();
    lab.apply('r1', lab.speaker('r1').originate('198.51.100.0/24'));
    lab.apply('r1', lab.speaker('r1').originate('192.0.2.0/24'));
    expect(lab.speaker('r2').bestRoute('198.51.100.0/24')).toBeUndefined();
    lab.advance(29_000);
    expect(lab.speaker('r2').bestRoute('198.51.100.0/24')).toBeUndefined();
    lab.advance(1_000);
    expect(lab.speaker('r2').bestRoute('198.51.100.0/24')).toBeDefined();
    const last = updates(lab.messages('r1', 'r2')).at(-1)!;
    expect(last.nlri.map((p) => p.prefix).sort()).toEqual(['192.0.2.0/24', '198.51.100.0/24']);
    // Withdrawals are not rate-limited (RFC 4271 §9.2.1.1): this one goes out while the timer runs.
    lab.apply('r1', lab.speaker('r1').withdrawOriginated('203.0.113.0/24'));
    expect(lab.speaker('r2').bestRoute('203.0.113.0/24')).toBeUndefined();
  });

  test('route refresh: the peer sends its Adj-RIB-Out again', () => {
    const lab = pair();
    lab.apply('r2', lab.speaker('r2').originate('198.51.100.0/24'));
    lab.startAll();
    const before = updates(lab.messages('r2', 'r1')).filter((u) => u.nlri.length > 0).length;
    lab.apply('r1', lab.speaker('r1').routeRefresh('r2', 'ipv4-unicast'));
    expect(lab.events.get('r2')!.some((e) => e.type === 'route-refresh-received')).toBe(true);
    const after = updates(lab.messages('r2', 'r1')).filter((u) => u.nlri.length > 0);
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)!.nlri).toEqual([{ prefix: '198.51.100.0/24' }]);
  });

  test('RFC 8212: an eBGP peer without policies neither imports nor exports', () => {
    const lab = new Lab();
    lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [{ id: 'r2', address: '10.0.0.2', remoteAsn: 65002, localAddress: '10.0.0.1' }] });
    lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', '10.0.0.1', 65001, '10.0.0.2')] });
    lab.wire('r1', 'r2', 'r2', 'r1');
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
    lab.apply('r2', lab.speaker('r2').originate('198.51.100.0/24'));
    lab.startAll();
    expect(lab.speaker('r1').sessionState('r2')).toBe('Established');
    expect(lab.speaker('r2').bestRoute('203.0.113.0/24')).toBeUndefined();
    expect(lab.speaker('r1').bestRoute('198.51.100.0/24')).toBeUndefined();
    expect(lab.speaker('r1').adjRibIn('r2', 'pre-policy').has('198.51.100.0/24')).toBe(true);
  });

  test('4-octet ASNs reach a 2-octet peer as AS_TRANS with AS4_PATH, and come back whole', () => {
    const lab = new Lab();
    lab.add('big', { localAsn: 4200000001, routerId: '10.255.0.1', peers: [ebgp('old', '10.0.0.2', 65002, '10.0.0.1')] });
    lab.add('old', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('big', '10.0.0.1', 23456, '10.0.0.2', { fourOctetAs: false })] });
    lab.wire('big', 'old', 'old', 'big');
    lab.apply('big', lab.speaker('big').originate('203.0.113.0/24'));
    lab.startAll();
    expect(lab.speaker('old').sessionState('big')).toBe('Established');
    const twoOctet = codecContext({ fourOctetAs: false });
    const route = updates(lab.messages('big', 'old', twoOctet)).find((u) => u.nlri.length > 0)!;
    // Decoding merges AS4_PATH back (RFC 6793 §4.2.3): the real ASN is visible, and the raw bytes carry AS_TRANS.
    expect(flatAsPath(route.attributes.asPath)).toEqual([4200000001]);
    const raw = lab.sent.filter((s) => s.from === 'big' && s.bytes[18] === 2 && s.bytes.length > 23).map((s) => Buffer.from(s.bytes).toString('hex'));
    expect(raw.some((h) => h.includes('5ba0'))).toBe(true);
    // The 2-octet side is our own code with the capability switched off, so it still merges AS4_PATH (RFC 6793 §4.2.3).
    expect(flatAsPath(lab.speaker('old').bestRoute('203.0.113.0/24')?.attributes.asPath)).toEqual([4200000001]);
    // And back: old → big crosses a 2-octet session too, and big sees old's real path.
    lab.apply('old', lab.speaker('old').originate('198.51.100.0/24'));
    expect(flatAsPath(lab.speaker('big').bestRoute('198.51.100.0/24')?.attributes.asPath)).toEqual([65002]);
  });

  test('a session over IPv6 carries IPv6 routes; IPv4 routes need an IPv4 next hop and stay home', () => {
    const lab = new Lab();
    lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [ebgp('r2', 'fd00:1::2', 65002, 'fd00:1::1')] });
    lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', 'fd00:1::1', 65001, 'fd00:1::2')] });
    lab.wire('r1', 'r2', 'r2', 'r1');
    lab.apply('r1', lab.speaker('r1').originate('2001:db8:1::/48'));
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
    lab.startAll();
    expect(lab.speaker('r2').bestRoute('2001:db8:1::/48')?.attributes.nextHop).toBe('fd00:1::1');
    expect(lab.speaker('r2').bestRoute('203.0.113.0/24')).toBeUndefined();
  });

  test('bad configuration is a typed error naming the peer', () => {
    const base = { localAsn: 65001, routerId: '10.255.0.1' };
    expect(() => new Speaker({ ...base, peers: [ebgp('x', '10.0.0.300', 65002, '10.0.0.1')] }, { now: 0 })).toThrow(/peer "x": address "10.0.0.300"/);
    expect(() => new Speaker({ ...base, peers: [ebgp('x', '10.0.0.2', 65002, '10.0.0.1', { localAddress6: '10.0.0.1' })] }, { now: 0 })).toThrow(SpeakerConfigError);
    expect(() => new Speaker({ ...base, peers: [ebgp('x', '10.0.0.2', 65002, '10.0.0.1'), ebgp('x', '10.0.0.3', 65003, '10.0.0.1')] }, { now: 0 })).toThrow(/configured twice/);
    expect(() => new Speaker({ ...base, peers: [ebgp('x', '10.0.0.2', 65002, '10.0.0.1', { routeReflectorClient: true })] }, { now: 0 })).toThrow(/route-reflector client but eBGP/);
    expect(() => new Speaker({ ...base, peers: [ebgp('x', '10.0.0.2', 65002, '10.0.0.1', { holdTime: 2 })] }, { now: 0 })).toThrow(/hold time/);
  });

  test('bad input is a typed error', () => {
    const lab = pair();
    expect(() => lab.speaker('r1').startPeer('r9')).toThrow(SpeakerInputError);
    expect(() => lab.speaker('r1').receive('r2', new Uint8Array(19))).toThrow(/without a connection/);
    expect(() => lab.speaker('r1').originate('10.0.0.1/8')).toThrow(/host bits/);
    expect(() => lab.speaker('r1').originate('10.0.0.0/8', { communities: [-1] })).toThrow(/cannot be sent/);
    expect(() => lab.speaker('r1').originate('2001:db8::/32', { med: 2 ** 33 })).toThrow(SpeakerInputError);
  });
});

describe('a 3-AS chain', () => {
  test('propagates with the AS_PATH growing and the next hop rewritten at each eBGP hop', () => {
    const lab = new Lab();
    lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [ebgp('r2', '10.0.12.2', 65002, '10.0.12.1')] });
    lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', '10.0.12.1', 65001, '10.0.12.2'), ebgp('r3', '10.0.23.3', 65003, '10.0.23.2')] });
    lab.add('r3', { localAsn: 65003, routerId: '10.255.0.3', peers: [ebgp('r2', '10.0.23.2', 65002, '10.0.23.3')] });
    lab.wire('r1', 'r2', 'r2', 'r1');
    lab.wire('r2', 'r3', 'r3', 'r2');
    lab.startAll();
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24', { med: 10 }));
    const at3 = lab.speaker('r3').bestRoute('203.0.113.0/24');
    expect(flatAsPath(at3?.attributes.asPath)).toEqual([65002, 65001]);
    expect(at3?.attributes.nextHop).toBe('10.0.23.2');
    // RFC 4271 §5.1.4: r1's MED reaches r2 but is not passed on to AS 65003.
    expect(lab.speaker('r2').bestRoute('203.0.113.0/24')?.attributes.med).toBe(10);
    expect(at3?.attributes.med).toBeUndefined();
    // r3 does not send the route back to r2, and r2 would drop it anyway (AS loop).
    expect(lab.speaker('r2').adjRibIn('r3').size).toBe(0);
  });

  test('AS loop: a route carrying our own AS is not used', () => {
    const lab = new Lab();
    const prepend: Policy = [{ set: { prepend: { asn: 65003, count: 1 } }, action: 'accept' }];
    lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [ebgp('r2', '10.0.12.2', 65002, '10.0.12.1', { export: [{ name: 'poison', policy: prepend }] })] });
    lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', '10.0.12.1', 65001, '10.0.12.2'), ebgp('r3', '10.0.23.3', 65003, '10.0.23.2')] });
    lab.add('r3', { localAsn: 65003, routerId: '10.255.0.3', peers: [ebgp('r2', '10.0.23.2', 65002, '10.0.23.3')] });
    lab.wire('r1', 'r2', 'r2', 'r1');
    lab.wire('r2', 'r3', 'r3', 'r2');
    lab.startAll();
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
    expect(flatAsPath(lab.speaker('r2').bestRoute('203.0.113.0/24')?.attributes.asPath)).toEqual([65001, 65003]);
    expect(lab.speaker('r3').adjRibIn('r2', 'pre-policy').has('203.0.113.0/24')).toBe(true);
    expect(lab.speaker('r3').bestRoute('203.0.113.0/24')).toBeUndefined();
  });
});

describe('policy on import and export', () => {
  test('import sets local-pref and communities, export prepends and sets MED', () => {
    const policies: Record<string, Policy> = {
      'in': [{ match: { prefix: '203.0.113.0/24 le 28' }, set: { 'local-pref': 200, 'community-add': '65002:100' }, action: 'accept' }, { action: 'reject' }],
      'out': [{ set: { prepend: 2, med: 42 }, action: 'accept' }],
    };
    const lab = new Lab();
    lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [ebgp('r2', '10.0.12.2', 65002, '10.0.12.1', { export: resolvePolicyChain(['out'], policies) })] });
    lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', '10.0.12.1', 65001, '10.0.12.2', { import: resolvePolicyChain(['in'], policies) })] });
    lab.wire('r1', 'r2', 'r2', 'r1');
    lab.apply('r1', lab.speaker('r1').originate('203.0.113.0/24'));
    lab.apply('r1', lab.speaker('r1').originate('198.51.100.0/24'));
    lab.startAll();
    const r = lab.speaker('r2').bestRoute('203.0.113.0/24')!;
    // Export prepends happen before the session's own AS (as BIRD and FRR do): 65001 65001 65001.
    expect(flatAsPath(r.attributes.asPath)).toEqual([65001, 65001, 65001]);
    expect(r.attributes.med).toBe(42);
    expect(r.attributes.localPref).toBe(200);
    expect(r.attributes.communities).toEqual([((65002 << 16) | 100) >>> 0]);
    expect(lab.speaker('r2').bestRoute('198.51.100.0/24')).toBeUndefined();
  });
});
