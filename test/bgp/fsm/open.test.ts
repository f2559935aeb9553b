import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  collisionLoser,
  collisionSurvivor,
  fsmConfig,
  FsmConfigError,
  FsmRunner,
  idleHoldTime,
  initialFsmState,
  negotiate,
  OPEN_ERROR,
  sessionCodecContext,
  step,
  validateOpen,
  buildOpen,
} from '../../../src/bgp/fsm/index.js';
import type { FsmAction } from '../../../src/bgp/fsm/index.js';
import { AS_TRANS } from '../../../src/bgp/wire/types.js';
import { config, peerOpen } from './fixtures.js';

describe('OPEN validation (RFC 4271 §6.2)', () => {
  test('a good OPEN passes', () => expect(validateOpen(peerOpen(), config)).toBeUndefined());

  test.each([
    ['version 3', { version: 3 }, OPEN_ERROR.UNSUPPORTED_VERSION],
    ['wrong AS', { myAs: 65003, capabilities: [{ code: 65, name: 'four-octet-as', asn: 65003 }] }, OPEN_ERROR.BAD_PEER_AS],
    ['AS_TRANS without the capability', { myAs: AS_TRANS, capabilities: [] }, OPEN_ERROR.BAD_PEER_AS],
    ['identifier 0.0.0.0', { bgpIdentifier: '0.0.0.0' }, OPEN_ERROR.BAD_BGP_IDENTIFIER],
    ['identifier not a quad', { bgpIdentifier: '1.2.3' }, OPEN_ERROR.BAD_BGP_IDENTIFIER],
    ['hold time 1', { holdTime: 1 }, OPEN_ERROR.UNACCEPTABLE_HOLD_TIME],
    ['hold time 2', { holdTime: 2 }, OPEN_ERROR.UNACCEPTABLE_HOLD_TIME],
    ['unknown optional parameter', { unknownParameters: [{ type: 9, value: new Uint8Array(0) }] }, OPEN_ERROR.UNSUPPORTED_OPTIONAL_PARAMETER],
  ] as const)('%s → subcode %i', (_, over, subcode) => {
    expect(validateOpen(peerOpen(over as never), config)).toMatchObject({ code: 2, subcode });
  });

  test('version error data names version 4', () => {
    expect(validateOpen(peerOpen({ version: 5 }), config)?.data).toEqual(new Uint8Array([0, 4]));
  });

  test('the 4-octet capability carries the real AS (RFC 6793)', () => {
    const c = fsmConfig({ localAs: 65001, peerAs: 4200000001, routerId: '192.0.2.1' });
    const open = peerOpen({ myAs: AS_TRANS, capabilities: [{ code: 65, name: 'four-octet-as', asn: 4200000001 }] });
    expect(validateOpen(open, c)).toBeUndefined();
  });

  test('same identifier: refused on iBGP, allowed on eBGP (RFC 6286)', () => {
    const ibgp = fsmConfig({ localAs: 65002, peerAs: 65002, routerId: '192.0.2.2' });
    expect(validateOpen(peerOpen(), ibgp)?.subcode).toBe(OPEN_ERROR.BAD_BGP_IDENTIFIER);
    const ebgp = fsmConfig({ localAs: 65001, peerAs: 65002, routerId: '192.0.2.2' });
    expect(validateOpen(peerOpen(), ebgp)).toBeUndefined();
  });

  test('required capabilities missing → Unsupported Capability listing them', () => {
    const c = { ...config, requiredCapabilities: [2, 69] };
    expect(validateOpen(peerOpen(), c)).toEqual({ code: 2, subcode: 7, data: new Uint8Array([2, 0, 69, 0]) });
  });

  test('our OPEN puts AS_TRANS in the 2-octet field for a 4-octet AS', () => {
    expect(buildOpen(fsmConfig({ localAs: 4200000000, peerAs: 65002, routerId: '192.0.2.1' })).myAs).toBe(AS_TRANS);
    expect(buildOpen(config)).toMatchObject({ version: 4, myAs: 65001, holdTime: 90, bgpIdentifier: '192.0.2.1' });
  });
});

describe('hold time negotiation', () => {
  test.each([
    [90, 180, 90, 30],
    [90, 30, 30, 10],
    [90, 3, 3, 1],
    [90, 0, 0, 0],
    [0, 90, 0, 0],
  ])('ours %i, theirs %i → hold %i, keepalive %i', (ours, theirs, hold, keepalive) => {
    const s = negotiate({ ...config, holdTime: ours }, peerOpen({ holdTime: theirs }));
    expect([s.holdTime, s.keepaliveTime]).toEqual([hold, keepalive]);
  });

  test('hold time 0: no hold timer and no keepalives in OpenConfirm/Established', () => {
    const r = new FsmRunner({ ...config, holdTime: 0 });
    r.handle({ type: 'ManualStart' }, 0);
    r.handle({ type: 'TcpConnectionConfirmed' }, 0);
    r.handle({ type: 'BGPOpen', open: peerOpen() }, 0);
    expect(r.timers.running('Hold')).toBe(false);
    expect(r.timers.running('Keepalive')).toBe(false);
    r.handle({ type: 'KeepAliveMsg' }, 0);
    expect(r.tick(1_000_000)).toEqual([]);
    expect(r.state.name).toBe('Established');
  });

  test('OpenSent uses the large hold timer and expires into a Hold Timer Expired NOTIFICATION', () => {
    const r = new FsmRunner(config);
    r.handle({ type: 'ManualStart' }, 0);
    r.handle({ type: 'TcpConnectionConfirmed' }, 0);
    expect(r.timers.deadline('Hold')).toBe(240);
    expect(r.tick(239)).toEqual([]);
    const out = r.tick(240);
    expect(out[0]).toMatchObject({ type: 'send', message: { type: 'NOTIFICATION', code: 4, subcode: 0 } });
  });

  test('configured hold times 1 and 2 are refused', () => {
    expect(() => fsmConfig({ localAs: 1, peerAs: 2, routerId: '1.1.1.1', holdTime: 2 })).toThrow(FsmConfigError);
    expect(() => fsmConfig({ localAs: 1, peerAs: 2, routerId: '0.0.0.0' })).toThrow(/BGP identifier/);
  });
});

describe('negotiated session', () => {
  test('families, add-path directions, 4-octet AS, route refresh, extended message, GR', () => {
    const ours = fsmConfig({
      localAs: 65001,
      peerAs: 65002,
      routerId: '192.0.2.1',
      capabilities: [
        { code: 1, name: 'multiprotocol', afi: 1, safi: 1 },
        { code: 1, name: 'multiprotocol', afi: 2, safi: 1 },
        { code: 65, name: 'four-octet-as', asn: 65001 },
        { code: 2, name: 'route-refresh' },
        { code: 6, name: 'extended-message' },
        { code: 64, name: 'graceful-restart', restartFlags: 0, restartTime: 120, families: [] },
        { code: 69, name: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 3 }, { afi: 2, safi: 1, sendReceive: 1 }] },
      ],
    });
    const theirs = peerOpen({
      capabilities: [
        { code: 1, name: 'multiprotocol', afi: 1, safi: 1 },
        { code: 1, name: 'multiprotocol', afi: 2, safi: 1 },
        { code: 65, name: 'four-octet-as', asn: 65002 },
        { code: 6, name: 'extended-message' },
        { code: 64, name: 'graceful-restart', restartFlags: 8, restartTime: 90, families: [{ afi: 1, safi: 1, flags: 0x80 }] },
        { code: 69, name: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 2 }, { afi: 2, safi: 1, sendReceive: 2 }] },
      ],
    });
    const s = negotiate(ours, theirs);
    expect(s.families).toEqual(['ipv4-unicast', 'ipv6-unicast']);
    expect([...s.addPathReceive].sort()).toEqual(['ipv4-unicast', 'ipv6-unicast']);
    expect([...s.addPathSend]).toEqual([]);
    expect(s).toMatchObject({ fourOctetAs: true, routeRefresh: false, extendedMessage: true, ibgp: false, peerAs: 65002 });
    expect(s.gracefulRestart).toEqual({
      restartTime: 90,
      restarting: true,
      families: [{ family: 'ipv4-unicast', afi: 1, safi: 1, forwardingPreserved: true }],
    });
    expect(sessionCodecContext(s)).toMatchObject({ fourOctetAs: true, extendedMessage: true, ibgp: false });
  });

  test('a peer without multiprotocol capabilities does IPv4 unicast only (RFC 4760)', () => {
    const s = negotiate(config, peerOpen({ capabilities: [] }));
    expect(s.families).toEqual(['ipv4-unicast']);
    expect(s.fourOctetAs).toBe(false);
  });
});

describe('collision detection (RFC 4271 §6.8)', () => {
  const base = { localAs: 65001, remoteAs: 65002 };
  test('the higher identifier keeps the connection it initiated', () => {
    expect(collisionSurvivor({ ...base, localRouterId: '10.0.0.2', remoteRouterId: '10.0.0.1' })).toBe('outgoing');
    expect(collisionSurvivor({ ...base, localRouterId: '10.0.0.1', remoteRouterId: '10.0.0.2' })).toBe('incoming');
    // Numeric comparison: 10.0.0.1 > 9.255.255.255.
    expect(collisionSurvivor({ ...base, localRouterId: '10.0.0.1', remoteRouterId: '9.255.255.255' })).toBe('outgoing');
  });

  test('equal identifiers: the larger AS keeps its connection (RFC 6286 §2.3)', () => {
    expect(collisionSurvivor({ localAs: 65002, remoteAs: 65001, localRouterId: '1.1.1.1', remoteRouterId: '1.1.1.1' })).toBe('outgoing');
    expect(collisionSurvivor({ localAs: 65001, remoteAs: 65002, localRouterId: '1.1.1.1', remoteRouterId: '1.1.1.1' })).toBe('incoming');
  });

  test('loser: the existing OpenConfirm connection or the newly opened one', () => {
    const high = { ...base, localRouterId: '10.0.0.2', remoteRouterId: '10.0.0.1' };
    expect(collisionLoser('outgoing', 'incoming', high)).toBe('opened');
    expect(collisionLoser('incoming', 'outgoing', high)).toBe('existing');
    const low = { ...base, localRouterId: '10.0.0.1', remoteRouterId: '10.0.0.2' };
    expect(collisionLoser('outgoing', 'incoming', low)).toBe('existing');
  });

  test('both sides agree on the surviving connection', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (a, b, asA, asB) => {
        fc.pre(a !== b || asA !== asB);
        const q = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
        const fromA = collisionSurvivor({ localRouterId: q(a), remoteRouterId: q(b), localAs: asA, remoteAs: asB });
        const fromB = collisionSurvivor({ localRouterId: q(b), remoteRouterId: q(a), localAs: asB, remoteAs: asA });
        // A's outgoing connection is B's incoming one.
        expect(fromA === 'outgoing').toBe(fromB === 'incoming');
      }),
    );
  });

  test('OpenCollisionDump in OpenConfirm sends Cease / Connection Collision Resolution', () => {
    let s = initialFsmState();
    for (const e of [{ type: 'ManualStart' }, { type: 'TcpConnectionConfirmed' }, { type: 'BGPOpen', open: peerOpen() }] as const) s = step(s, e, config).state;
    const r = step(s, { type: 'OpenCollisionDump' }, config);
    expect(r.state.name).toBe('Idle');
    expect(r.actions).toContainEqual({ type: 'send', message: { type: 'NOTIFICATION', code: 6, subcode: 7, data: new Uint8Array(0) } });
  });
});

describe('restart damping', () => {
  const idle = { autoRestart: true, initial: 10, max: 160, forget: 300 };

  test('the wait doubles per failure and stays within [initial, max]', () => {
    expect([1, 2, 3, 4, 5, 6, 100].map((n) => idleHoldTime(n, idle))).toEqual([10, 20, 40, 80, 160, 160, 160]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 5000 }), (n, initial, extra) => {
        const cfg = { autoRestart: true, initial, max: initial + extra, forget: 1 };
        const t = idleHoldTime(n, cfg);
        expect(Number.isFinite(t)).toBe(true);
        expect(t).toBeGreaterThanOrEqual(initial);
        expect(t).toBeLessThanOrEqual(initial + extra);
        expect(idleHoldTime(n + 1, cfg)).toBeGreaterThanOrEqual(t);
      }),
    );
  });

  function failOnce(r: FsmRunner, now: number): FsmAction[] {
    return r.handle({ type: 'TcpConnectionFails' }, now);
  }

  test('failures restart after a growing idle hold; a quiet period resets the run', () => {
    const r = new FsmRunner({ ...config, idleHold: idle });
    r.handle({ type: 'ManualStart' }, 0);
    failOnce(r, 0);
    expect(r.state.name).toBe('Idle');
    expect(r.timers.deadline('IdleHold')).toBe(10);
    // An automatic start while damped waits.
    r.handle({ type: 'AutomaticStart' }, 1);
    expect(r.state.name).toBe('Idle');
    expect(r.tick(10)).toEqual([{ type: 'connect' }]);
    expect(r.state.name).toBe('Connect');
    failOnce(r, 10);
    expect(r.timers.deadline('IdleHold')).toBe(30);
    r.tick(30);
    failOnce(r, 30);
    expect(r.timers.deadline('IdleHold')).toBe(70);
    // Established for longer than `forget`: the next failure starts a new run.
    r.tick(70);
    r.handle({ type: 'TcpConnectionConfirmed' }, 70);
    r.handle({ type: 'BGPOpen', open: peerOpen({ holdTime: 0 }) }, 70);
    r.handle({ type: 'KeepAliveMsg' }, 70);
    r.tick(1000);
    expect(r.state.failures).toBe(0);
    r.handle({ type: 'NotifMsg' }, 1000);
    expect(r.timers.deadline('IdleHold')).toBe(1010);
  });

  test('ManualStop cancels the restart; ManualStart ignores damping', () => {
    const r = new FsmRunner({ ...config, idleHold: idle });
    r.handle({ type: 'ManualStart' }, 0);
    failOnce(r, 0);
    r.handle({ type: 'ManualStart' }, 1);
    expect(r.state.name).toBe('Connect');
    r.handle({ type: 'ManualStop' }, 2);
    expect(r.timers.running('IdleHold')).toBe(false);
    expect(r.tick(10_000)).toEqual([]);
    expect(r.state.name).toBe('Idle');
  });
});
