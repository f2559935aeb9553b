/** One speaker driven by hand-made bytes: what it does with wrong messages (RFC 4271 §6, RFC 6608). */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Speaker } from '../../../src/bgp/speaker/index.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { codecContext, decodeMessage, encodeMessage, type BgpMessage, type NotificationMessage, type OpenMessage } from '../../../src/bgp/wire/index.js';

const ALL = resolvePolicyChain(['all'], {});
const ctx = codecContext();

function speaker(): Speaker {
  const s = new Speaker({ localAsn: 65001, routerId: '10.255.0.1', peers: [{ id: 'p', address: '10.0.0.2', remoteAsn: 65002, localAddress: '10.0.0.1', import: ALL, export: ALL }] }, { now: 0 });
  s.startPeer('p');
  s.connectionUp('p', { initiatedLocally: true });
  return s;
}

const theirOpen = (over: Partial<OpenMessage> = {}): OpenMessage => ({
  type: 'OPEN', version: 4, myAs: 65002, holdTime: 90, bgpIdentifier: '10.255.0.2',
  capabilities: [{ code: 1, name: 'multiprotocol', afi: 1, safi: 1 }, { code: 65, name: 'four-octet-as', asn: 65002 }, { code: 2, name: 'route-refresh' }],
  ...over,
});

const bytes = (m: BgpMessage) => encodeMessage(m, ctx);

function notificationIn(out: ReturnType<Speaker['receive']>): NotificationMessage {
  const sent = out.send.map((s) => decodeMessage(s.bytes, ctx).message);
  const n = sent.find((m): m is NotificationMessage => m.type === 'NOTIFICATION');
  if (!n) throw new Error(`no NOTIFICATION among ${sent.map((m) => m.type).join(', ')}`);
  return n;
}

describe('speaker error handling', () => {
  test('an OPEN from the wrong AS gets OPEN error / Bad Peer AS and the connection closes', () => {
    const s = speaker();
    const out = s.receive('p', bytes(theirOpen({ myAs: 65009, capabilities: [{ code: 65, name: 'four-octet-as', asn: 65009 }] })));
    const n = notificationIn(out);
    expect([n.code, n.subcode]).toEqual([2, 2]);
    expect(out.close).toEqual(['p']);
    expect(s.sessionState('p')).toBe('Idle');
  });

  test('an UPDATE before the session is up is an FSM error (RFC 6608 subcode 1 in OpenSent)', () => {
    const s = speaker();
    const n = notificationIn(s.receive('p', bytes({ type: 'UPDATE', withdrawn: [], attributes: {}, nlri: [] })));
    expect([n.code, n.subcode]).toEqual([5, 1]);
  });

  test('a broken marker is a Message Header Error', () => {
    const s = speaker();
    const b = bytes({ type: 'KEEPALIVE' });
    b[3] = 0;
    const n = notificationIn(s.receive('p', b));
    expect([n.code, n.subcode]).toEqual([1, 1]);
  });

  test('a malformed AS_PATH is treat-as-withdraw (RFC 7606 §7.2): the route goes, the session stays', () => {
    const s = speaker();
    s.receive('p', bytes(theirOpen()));
    s.receive('p', bytes({ type: 'KEEPALIVE' }));
    expect(s.sessionState('p')).toBe('Established');
    s.receive('p', bytes({ type: 'UPDATE', withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '10.0.0.2' }, nlri: [{ prefix: '203.0.113.0/24' }] }));
    expect(s.bestRoute('203.0.113.0/24')?.from).toBe('p');
    // Same UPDATE, AS_PATH segment length claiming 2 ASNs while carrying one: RFC 7606 §7.2 → treat-as-withdraw.
    const good = bytes({ type: 'UPDATE', withdrawn: [], attributes: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '10.0.0.2' }, nlri: [{ prefix: '203.0.113.0/24' }] });
    const hex = Buffer.from(good).toString('hex').replace('40020602010000fdea', '40020602020000fdea');
    const out = s.receive('p', Uint8Array.from(Buffer.from(hex, 'hex')));
    expect(out.events.some((e) => e.type === 'update-error')).toBe(true);
    expect(s.sessionState('p')).toBe('Established');
    expect(s.bestRoute('203.0.113.0/24')).toBeUndefined();
  });

  test('random bytes after establishment never throw: at worst a NOTIFICATION and a closed session', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.boolean(), (junk, framed) => {
        const s = speaker();
        s.receive('p', bytes(theirOpen()));
        s.receive('p', bytes({ type: 'KEEPALIVE' }));
        let input = junk;
        if (framed) {
          // A valid header around random content exercises the message decoders rather than the framer.
          input = new Uint8Array(19 + junk.length);
          input.fill(0xff, 0, 16);
          new DataView(input.buffer).setUint16(16, Math.min(4096, 19 + junk.length));
          input[18] = 2;
          input.set(junk, 19);
        }
        const out = s.receive('p', input);
        if (out.close.length > 0) expect(s.sessionState('p')).toBe('Idle');
      }),
      { numRuns: 500 },
    );
  });
});
