/** Runtime reconfiguration of a speaker: peers added and removed, policies swapped, soft resets. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Lab } from './harness.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import type { PeerConfig } from '../../../src/bgp/speaker/index.js';
import type { BgpMessage, UpdateMessage } from '../../../src/bgp/wire/index.js';

const ALL = resolvePolicyChain(['all'], {});
const ONLY_203 = resolvePolicyChain(['only-203'], { 'only-203': [{ match: { prefix: ['203.0.113.0/24'] }, action: 'accept' }, { action: 'reject' }] });
const MED_7 = resolvePolicyChain(['med-7'], { 'med-7': [{ set: { med: 7 }, action: 'accept' }] });

const ebgp = (id: string, address: string, remoteAsn: number, localAddress: string, extra: Partial<PeerConfig> = {}): PeerConfig => ({ id, address, remoteAsn, localAddress, import: ALL, export: ALL, families: ['ipv4-unicast'], ...extra });
const updates = (ms: BgpMessage[]): UpdateMessage[] => ms.filter((m): m is UpdateMessage => m.type === 'UPDATE');

function pair(): Lab {
  const lab = new Lab();
  lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [ebgp('r2', '10.0.0.2', 65002, '10.0.0.1')] });
  lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', '10.0.0.1', 65001, '10.0.0.2')] });
  lab.wire('r1', 'r2', 'r2', 'r1');
  for (const p of ['203.0.113.0/24', '198.51.100.0/24']) lab.apply('r2', lab.speaker('r2').originate(p));
  lab.startAll();
  return lab;
}

describe('speaker reconfiguration', () => {
  test('a new import policy re-runs on the Adj-RIB-In pre-policy without resetting the session', () => {
    const lab = pair();
    const r1 = lab.speaker('r1');
    expect(r1.locRibRoutes().map((r) => r.prefix)).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
    const sentBefore = lab.sent.length;
    lab.apply('r1', r1.setPeerPolicies('r2', { import: ONLY_203 }));
    expect(r1.locRibRoutes().map((r) => r.prefix)).toEqual(['203.0.113.0/24']);
    expect(r1.adjRibIn('r2', 'pre-policy').size).toBe(2);
    expect(r1.sessionState('r2')).toBe('Established');
    // Nothing went over the wire: the stored routes were enough.
    expect(lab.sent.length).toBe(sentBefore);
    lab.apply('r1', r1.setPeerPolicies('r2', { import: ALL }));
    expect(r1.locRibSize()).toBe(2);
    expect(lab.events.get('r1')!.filter((e) => e.type === 'session' && e.to !== 'Established' && e.from === 'Established')).toEqual([]);
  });

  test('a new export policy sends only the difference', () => {
    const lab = pair();
    const r2 = lab.speaker('r2');
    const before = lab.messages('r2', 'r1').length;
    lab.apply('r2', r2.setPeerPolicies('r1', { export: ONLY_203 }));
    const sent = updates(lab.messages('r2', 'r1').slice(before));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.withdrawn.map((w) => w.prefix)).toEqual(['198.51.100.0/24']);
    expect(sent[0]!.nlri).toEqual([]);
    expect(lab.speaker('r1').locRibRoutes().map((r) => r.prefix)).toEqual(['203.0.113.0/24']);
    lab.apply('r2', r2.setPeerPolicies('r1', { export: MED_7 }));
    expect(lab.speaker('r1').locRibRoutes().map((r) => r.attributes.med)).toEqual([7, 7]);
  });

  test('soft reset out re-sends the whole table; soft reset in changes nothing when policy did not', () => {
    const lab = pair();
    const before = lab.messages('r2', 'r1').length;
    lab.apply('r2', lab.speaker('r2').softResetOut('r1'));
    const sent = updates(lab.messages('r2', 'r1').slice(before));
    expect(sent.flatMap((u) => u.nlri.map((n) => n.prefix)).sort()).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
    const events = lab.events.get('r1')!.length;
    lab.apply('r1', lab.speaker('r1').softResetIn('r2'));
    expect(lab.events.get('r1')!.length).toBe(events);
    expect(lab.speaker('r1').peerRouteRefresh('r2')).toBe(true);
  });

  test('peers added at run time start and learn; removed peers take their routes with them', () => {
    const lab = pair();
    lab.add('r3', { localAsn: 65003, routerId: '10.255.0.3', peers: [ebgp('r1', '10.0.1.1', 65001, '10.0.1.3')] });
    lab.wire('r1', 'r3', 'r3', 'r1');
    lab.apply('r3', lab.speaker('r3').originate('192.0.2.0/24'));
    const r1 = lab.speaker('r1');
    r1.addPeer(ebgp('r3', '10.0.1.3', 65003, '10.0.1.1'));
    expect(() => r1.addPeer(ebgp('r3', '10.0.1.3', 65003, '10.0.1.1'))).toThrow(/exists already/);
    lab.apply('r3', lab.speaker('r3').startPeer('r1'));
    lab.apply('r1', r1.startPeer('r3'));
    expect(r1.sessionState('r3')).toBe('Established');
    expect(r1.sessionState('r2')).toBe('Established');
    expect(lab.speaker('r2').bestRoute('192.0.2.0/24')?.from).toBe('r1');
    lab.apply('r1', r1.removePeer('r3', 'peer removed'));
    expect(r1.peerIds()).toEqual(['r2']);
    expect(r1.bestRoute('192.0.2.0/24')).toBeUndefined();
    expect(lab.speaker('r2').bestRoute('192.0.2.0/24')).toBeUndefined();
    const cease = lab.events.get('r3')!.find((e) => e.type === 'notification-received');
    // Administrative Shutdown with the RFC 8203 text (ManualStop's Cease), as for a shutdown.
    expect(cease).toMatchObject({ code: 6, subcode: 2, text: 'peer removed' });
    expect(() => r1.sessionState('r3')).toThrow(/unknown peer/);
  });

  test('route counts; a next hop given with an originated route is sent as given', () => {
    const lab = pair();
    expect(lab.speaker('r1').peerRouteCounts('r2')).toEqual({ received: 2, accepted: 2, advertised: 0 });
    expect(lab.speaker('r2').peerRouteCounts('r1')).toEqual({ received: 0, accepted: 0, advertised: 2 });
    lab.apply('r2', lab.speaker('r2').originate('192.0.2.0/24', { nextHop: '10.0.0.99', med: 3 }));
    expect(lab.speaker('r1').bestRoute('192.0.2.0/24')?.attributes).toMatchObject({ nextHop: '10.0.0.99', med: 3 });
    expect(lab.speaker('r1').bestRoute('203.0.113.0/24')?.attributes.nextHop).toBe('10.0.0.2');
  });

  test('property: swapping the import policy at run time gives the Loc-RIB a speaker configured with it from the start has', () => {
    const prefixes = ['10.1.0.0/16', '10.1.2.0/24', '10.2.0.0/16', '192.0.2.0/24', '198.51.100.0/24'];
    const policyArb = fc.record({ reject: fc.constantFrom('10.0.0.0/8 le 16', '10.1.0.0/16 le 24', '192.0.2.0/24', '0.0.0.0/0 le 32', '172.16.0.0/12'), med: fc.integer({ min: 0, max: 1000 }) });
    const chain = (p: { reject: string; med: number }) => resolvePolicyChain(['p'], { p: [{ match: { prefix: [p.reject] }, action: 'reject' }, { set: { med: p.med }, action: 'accept' }] });
    const view = (lab: Lab) => lab.speaker('r1').locRibRoutes().map((r) => `${r.prefix} ${r.attributes.med ?? '-'}`);
    fc.assert(
      fc.property(fc.subarray(prefixes, { minLength: 1 }), policyArb, policyArb, (announced, first, second) => {
        const build = (policy: { reject: string; med: number }) => {
          const lab = new Lab();
          lab.add('r1', { localAsn: 65001, routerId: '10.255.0.1', peers: [ebgp('r2', '10.0.0.2', 65002, '10.0.0.1', { import: chain(policy) })] });
          lab.add('r2', { localAsn: 65002, routerId: '10.255.0.2', peers: [ebgp('r1', '10.0.0.1', 65001, '10.0.0.2')] });
          lab.wire('r1', 'r2', 'r2', 'r1');
          for (const p of announced) lab.apply('r2', lab.speaker('r2').originate(p));
          lab.startAll();
          return lab;
        };
        const swapped = build(first);
        swapped.apply('r1', swapped.speaker('r1').setPeerPolicies('r2', { import: chain(second) }));
        expect(view(swapped)).toEqual(view(build(second)));
      }),
      { numRuns: 60 },
    );
  });
});
