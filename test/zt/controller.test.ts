import { describe, expect, it } from 'vitest';
import { test as ftest, fc } from '@fast-check/vitest';
import { configFor, defaultNetworkSettings, emptyController, isAdmitted, memberState, step, ControllerError, type ControllerEffect, type ControllerState } from '../../src/zt/controller.js';
import type { MemberId, NetworkId } from '../../src/zt/ids.js';

const NWID = '8056c2e21c000001' as NetworkId;
const members = ['1111111111', '2222222222', '3333333333', '4444444444'] as MemberId[];

/** Distinct bytes on every call, so every key the controller makes is new. */
function counterRandom() {
  let n = 0;
  return (len: number) => {
    n++;
    const b = new Uint8Array(len);
    new DataView(b.buffer).setUint32(0, n);
    return b;
  };
}

function network(privateNet = true): ControllerState {
  const settings = { ...defaultNetworkSettings(NWID), private: privateNet, ipAssignmentPools: [{ ipRangeStart: '10.0.0.1', ipRangeEnd: '10.0.0.3' }], routes: [{ target: '10.0.0.0/24', via: null }], v6AssignMode: { zt: false, rfc4193: true, '6plane': false } };
  return step(emptyController(), { type: 'set-network', settings }, counterRandom()).state;
}

const request = (member: MemberId, now = 0) => ({ type: 'request' as const, network: NWID, member, identity: `key-${member}`, endpoints: [`192.0.2.${member[0]}:9993`], now });
const authorize = (member: MemberId, authorized: boolean) => ({ type: 'set-member' as const, network: NWID, member, patch: { authorized } });

describe('controller', () => {
  it('a private network refuses a new member until it is authorized, then hands out pool addresses in order', () => {
    const random = counterRandom();
    let s = network();
    let r = step(s, request(members[0]!), random);
    expect(r.effects).toEqual([{ type: 'denied', member: members[0], network: NWID, status: 'ACCESS_DENIED' }]);
    expect(memberState(r.state.networks[NWID]!, r.state.networks[NWID]!.members[members[0]!]!)).toBe('unauthorized');
    s = step(r.state, authorize(members[0]!, true), random).state;
    r = step(s, request(members[0]!), random);
    const cfg = r.effects.find((e) => e.type === 'config');
    expect(cfg?.type === 'config' && cfg.config.assignedAddresses).toEqual(['10.0.0.1/24', 'fd80:56c2:e21c:0:199:9311:1111:1111/88']);
  });

  it('a public network configures whoever asks', () => {
    const r = step(network(false), request(members[1]!), counterRandom());
    expect(r.effects.map((e) => e.type)).toEqual(['config']);
  });

  it('an unknown network is NOT_FOUND', () => {
    const r = step(emptyController(), request(members[0]!), counterRandom());
    expect(r.effects).toEqual([{ type: 'denied', member: members[0], network: NWID, status: 'NOT_FOUND' }]);
  });

  it('an IPv4 assignment is pushed only with a managed route that contains it, with that route\'s length', () => {
    const random = counterRandom();
    let s = step(network(), { type: 'set-member', network: NWID, member: members[0]!, patch: { authorized: true, ipAssignments: ['10.9.9.9'] } }, random).state;
    s = step(s, request(members[0]!), random).state;
    const net = s.networks[NWID]!;
    expect(configFor(net, net.members[members[0]!]!).assignedAddresses.filter((a) => a.includes('.'))).toEqual([]);
  });

  it('rejects an address another member holds', () => {
    const random = counterRandom();
    const s = step(network(), { type: 'set-member', network: NWID, member: members[0]!, patch: { ipAssignments: ['10.0.0.2'] } }, random).state;
    expect(() => step(s, { type: 'set-member', network: NWID, member: members[1]!, patch: { ipAssignments: ['10.0.0.2'] } }, random)).toThrow(ControllerError);
  });

  it('pool exhaustion leaves later members without IPv4, not with duplicates', () => {
    const random = counterRandom();
    let s = network();
    for (const m of members) s = step(step(s, authorize(m, true), random).state, request(m), random).state;
    const v4 = members.map((m) => s.networks[NWID]!.members[m]!.ipAssignments);
    expect(v4).toEqual([['10.0.0.1'], ['10.0.0.2'], ['10.0.0.3'], []]);
  });
});

type Op = { op: 'request' | 'authorize' | 'deauthorize'; member: number };
const opArb: fc.Arbitrary<Op> = fc.record({ op: fc.constantFrom('request', 'authorize', 'deauthorize'), member: fc.integer({ min: 0, max: members.length - 1 }) });

describe('controller membership state machine against a model', () => {
  ftest.prop([fc.array(opArb, { maxLength: 40 })], { numRuns: 200 })('configs, peers, keys and addresses follow authorization', (ops) => {
    const random = counterRandom();
    let state = network();
    const model = { authorized: new Set<string>(), joined: new Set<string>(), keys: new Map<string, Set<string>>() };
    for (const o of ops) {
      const m = members[o.member]!;
      const event = o.op === 'request' ? request(m) : authorize(m, o.op === 'authorize');
      const wasAdmitted = model.authorized.has(m) && model.joined.has(m);
      const r = step(state, event, random);
      state = r.state;
      if (o.op === 'request') model.joined.add(m);
      if (o.op === 'authorize') model.authorized.add(m);
      if (o.op === 'deauthorize') model.authorized.delete(m);
      const admitted = [...model.joined].filter((x) => model.authorized.has(x)).sort();
      const net = state.networks[NWID]!;

      // Effects: configs only to admitted members that asked; a refused request gets ACCESS_DENIED.
      for (const e of r.effects as ControllerEffect[]) {
        if (e.type === 'config') expect(admitted).toContain(e.member);
      }
      if (o.op === 'request' && !model.authorized.has(m)) expect(r.effects).toContainEqual({ type: 'denied', member: m, network: NWID, status: 'ACCESS_DENIED' });
      if (o.op === 'request' && model.authorized.has(m)) expect(r.effects.some((e) => e.type === 'config' && e.member === m)).toBe(true);
      if (o.op === 'deauthorize' && wasAdmitted) {
        expect(r.effects).toContainEqual({ type: 'denied', member: m, network: NWID, status: 'ACCESS_DENIED' });
        // Everyone else hears at once, without the member.
        const told = r.effects.filter((e) => e.type === 'config').map((e) => e.member).sort();
        expect(told).toEqual(admitted);
        for (const e of r.effects) if (e.type === 'config') expect(e.config.peers.map((p) => p.id)).not.toContain(m);
      }

      // Every admitted member's config lists exactly the other admitted members, with symmetric pair keys.
      for (const a of admitted) {
        const ca = configFor(net, net.members[a]!);
        expect(ca.peers.map((p) => p.id)).toEqual(admitted.filter((x) => x !== a));
        for (const p of ca.peers) {
          const cb = configFor(net, net.members[p.id]!);
          expect(cb.peers.find((q) => q.id === a)?.key).toBe(p.key);
          // A pair gets a fresh key each time it is (re)formed; the same key is never handed out to a new pairing.
          const pair = [a, p.id].sort().join('~');
          const seen = model.keys.get(pair) ?? new Set();
          if (!seen.has(p.key)) {
            for (const [other, ks] of model.keys) if (other !== pair) expect(ks.has(p.key)).toBe(false);
          }
          seen.add(p.key);
          model.keys.set(pair, seen);
        }
      }
      // No key survives for a member that is not admitted.
      for (const k of Object.keys(net.pairKeys)) for (const id of k.split('~')) expect(model.authorized.has(id)).toBe(true);
      // IPv4 assignments are unique.
      const v4 = Object.values(net.members).flatMap((x) => x.ipAssignments);
      expect(new Set(v4).size).toBe(v4.length);
      // The controller's view of each member matches the model.
      for (const x of members) {
        const rec = net.members[x];
        if (rec) expect(isAdmitted(net, rec)).toBe(model.authorized.has(x));
      }
    }
  });

  ftest.prop([fc.array(opArb, { maxLength: 30 })])('the step never mutates its input state', (ops) => {
    const random = counterRandom();
    let state = network();
    for (const o of ops) {
      const before = JSON.stringify(state);
      const next = step(state, o.op === 'request' ? request(members[o.member]!) : authorize(members[o.member]!, o.op === 'authorize'), random).state;
      expect(JSON.stringify(state)).toBe(before);
      state = next;
    }
  });
});
