import { describe, expect, it } from 'vitest';
import { ControllerAgent } from '../../../src/zt/agent/controller-agent.js';
import { RootAgent } from '../../../src/zt/agent/root-agent.js';
import type { AgentDeps } from '../../../src/zt/agent/runtime-deps.js';
import { encodeClear, PacketType } from '../../../src/zt/packet.js';
import type { MemberId } from '../../../src/zt/ids.js';

const deps = (now = 1000): AgentDeps => ({ now: () => now, log: () => {}, random: (n) => new Uint8Array(n).fill(1), run: async () => '', localAddresses: () => [] });
const NET = '8056c2e21c000001';

function controller() {
  return new ControllerAgent({
    node: 'ctl', address: '8056c2e21c', port: 9993, role: 'controller',
    networks: { [NET]: { name: 'flatmesh', private: true, mtu: 2800, ipAssignmentPools: [{ ipRangeStart: '10.0.0.1', ipRangeEnd: '10.0.0.9' }], routes: [{ target: '10.0.0.0/24', via: null }], rules: [{ type: 'ACTION_ACCEPT' }], v4AssignMode: { zt: true }, v6AssignMode: { zt: false, rfc4193: false, '6plane': false }, members: { '1111111111': { name: 'm1', authorized: true, ipAssignments: ['10.0.0.5'], tags: [] } } } },
  }, deps());
}

describe('the controller agent\'s local API (ZeroTier\'s /controller paths)', () => {
  it('lists networks and members and shows a member record', () => {
    const c = controller();
    expect(c.handleApi({ method: 'GET', path: '/controller/network', body: undefined })).toEqual({ status: 200, body: [NET] });
    expect(c.handleApi({ method: 'GET', path: `/controller/network/${NET}`, body: undefined }).body).toMatchObject({ id: NET, name: 'flatmesh', private: true });
    expect(Object.keys(c.handleApi({ method: 'GET', path: `/controller/network/${NET}/member`, body: undefined }).body as object)).toEqual(['1111111111']);
    expect(c.handleApi({ method: 'GET', path: `/controller/network/${NET}/member/1111111111`, body: undefined }).body).toMatchObject({ name: 'm1', authorized: true, state: 'authorized', ipAssignments: ['10.0.0.5'], assignedAddresses: ['10.0.0.5/24'] });
  });

  it('authorizes and deauthorizes by POST, and says what is wrong', () => {
    const c = controller();
    const post = (body: unknown, id = '1111111111') => c.handleApi({ method: 'POST', path: `/controller/network/${NET}/member/${id}`, body });
    expect(post({ authorized: false }).body).toMatchObject({ authorized: false, state: 'deauthorized' });
    expect(post({ authorized: true }).body).toMatchObject({ authorized: true, state: 'authorized' });
    // Pre-authorizing a member that never joined is allowed, as in ZeroTier.
    expect(post({ authorized: true, ipAssignments: ['10.0.0.6'] }, '2222222222').body).toMatchObject({ authorized: true, ipAssignments: ['10.0.0.6'] });
    expect(post({ ipAssignments: ['10.0.0.5'] }, '2222222222')).toMatchObject({ status: 400 });
    expect(post({}, 'zz')).toMatchObject({ status: 400 });
    expect(c.handleApi({ method: 'GET', path: '/controller/network/0000000000000009', body: undefined }).status).toBe(404);
    expect(c.handleApi({ method: 'GET', path: '/nope', body: undefined }).status).toBe(404);
  });
});

describe('the root', () => {
  it('learns where members register from and lists them', () => {
    const r = new RootAgent({ node: 'root1', address: '7777777777', port: 9993, role: 'root' }, deps(5000));
    r.onPacket(encodeClear(PacketType.REGISTER, '7777777777' as MemberId, '1111111111' as MemberId), '198.18.0.11', 40000);
    r.onPacket(Buffer.from('junk'), '198.18.0.11', 40000);
    expect(r.handleApi({ method: 'GET', path: '/peer', body: undefined }).body).toEqual([{ address: '1111111111', role: 'LEAF', paths: [{ address: '198.18.0.11/40000', lastReceive: 0, active: true }] }]);
  });
});
