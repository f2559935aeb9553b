import { describe, expect, it } from 'vitest';
import { ztLabPlan, type ZtNodeFacts } from '../../src/zt/lab-plan.js';
import { agentExpectations, notReadyReason, notRestartedReason, type AgentExpectation } from '../../src/zt/readiness.js';

const node = (name: string, role: ZtNodeFacts['role'], extra: Partial<ZtNodeFacts> = {}): ZtNodeFacts => ({ name, role, port: 9993, roots: [], authorized: true, tags: [], hesiod: false, underlayIpv4: `192.0.2.${name.length}`, ...extra });
const NET = '8056c2e21c000001';
const OTHER = '1111111111000001';
const section = { networks: { [NET]: { controller: 'ctl', 'ipv4-pool': '10.0.0.0/24', v6: { rfc4193: true, '6plane': true } } } };

function expectations(nodes: ZtNodeFacts[], s: unknown = section): Map<string, AgentExpectation> {
  return new Map(agentExpectations(ztLabPlan('lab', nodes, s)).map((e) => [e.node, e]));
}

describe('agentExpectations', () => {
  it('expects every admitted member OK with every other admitted member as a peer and all its addresses', () => {
    const e = expectations([node('ctl', 'controller', { network: NET }), node('root1', 'root'), node('m1', 'member', { network: NET }), node('m2', 'member', { network: NET }), node('m3', 'member', { network: NET })]);
    expect(e.get('ctl')).toEqual({ node: 'ctl', role: 'controller' });
    expect(e.get('root1')).toEqual({ node: 'root1', role: 'root' });
    // IPv4 from the pool, RFC 4193 and 6PLANE.
    expect(e.get('m1')).toEqual({ node: 'm1', role: 'member', network: NET, controller: 'ctl', status: 'OK', peers: ['m2', 'm3'], addresses: 3 });
    expect(e.get('m3')).toMatchObject({ status: 'OK', peers: ['m1', 'm2'] });
  });

  it('expects an unauthorized member of a private network to be denied, and nobody to hold its key', () => {
    const e = expectations([node('ctl', 'controller', { network: NET }), node('m1', 'member', { network: NET }), node('m2', 'member', { network: NET, authorized: false })]);
    expect(e.get('m2')).toMatchObject({ status: 'ACCESS_DENIED', peers: [], addresses: 0 });
    expect(e.get('m1')).toMatchObject({ status: 'OK', peers: [] });
  });

  it('admits an unauthorized member on a public network, as ZeroTier does', () => {
    const e = expectations([node('ctl', 'controller', { network: NET }), node('m1', 'member', { network: NET }), node('m2', 'member', { network: NET, authorized: false })], { networks: { [NET]: { controller: 'ctl', private: false } } });
    expect(e.get('m2')).toMatchObject({ status: 'OK', peers: ['m1'], addresses: 0 });
  });

  it('expects a member whose network has no controller in the lab to keep asking', () => {
    const e = expectations([node('m1', 'member', { network: OTHER })], {});
    expect(e.get('m1')).toMatchObject({ status: 'REQUESTING_CONFIGURATION', controller: null, peers: [] });
  });
});

describe('notReadyReason', () => {
  const member: AgentExpectation = { node: 'm1', role: 'member', network: NET, controller: 'ctl', status: 'OK', peers: ['m2', 'm3'], addresses: 2 };
  const assigned = ['10.0.0.1/24', 'fd80:56c2:e21c:0:199:93bf:bde0:8682/88'];
  const ok = { status: 'OK', assignedAddresses: assigned, peers: ['m2', 'm3'], deviceAddresses: ['10.0.0.1/24', 'fd80:56c2:e21c:0:199:93bf:bde0:8682/88', 'fe80::1/64'] };

  it('is ready when status, peers and device addresses are all there', () => {
    expect(notReadyReason(member, ok)).toBeUndefined();
  });

  it('compares IPv6 addresses whatever their spelling', () => {
    expect(notReadyReason(member, { ...ok, deviceAddresses: ['10.0.0.1/24', 'FD80:56C2:E21C:0000:0199:93BF:BDE0:8682/88'] })).toBeUndefined();
  });

  it('names what is missing', () => {
    expect(notReadyReason(member, { unreachable: 'connect ENOENT' })).toBe('its agent does not answer (connect ENOENT)');
    expect(notReadyReason(member, { status: 'REQUESTING_CONFIGURATION' })).toBe(`network ${NET} is REQUESTING_CONFIGURATION, expected OK (no config from controller ctl yet)`);
    expect(notReadyReason(member, {})).toBe(`network ${NET} is not joined, expected OK`);
    expect(notReadyReason(member, { ...ok, peers: ['m2'] })).toBe('no key yet for peer m3');
    expect(notReadyReason(member, { ...ok, peers: [] })).toBe('no key yet for peers m2, m3');
    expect(notReadyReason(member, { ...ok, assignedAddresses: assigned.slice(0, 1) })).toBe('1 of 2 overlay addresses assigned');
    expect(notReadyReason(member, { ...ok, deviceAddresses: ['10.0.0.1/24'] })).toBe('overlay address fd80:56c2:e21c:0:199:93bf:bde0:8682/88 not configured on its device yet');
    expect(notReadyReason(member, { ...ok, deviceAddresses: ['10.0.0.1/25'] })).toMatch(/^overlay addresses 10\.0\.0\.1\/24, /);
  });

  it('a denied member is ready once denied; a controller or root once it answers', () => {
    const denied: AgentExpectation = { ...member, status: 'ACCESS_DENIED', peers: [], addresses: 0 };
    expect(notReadyReason(denied, { status: 'ACCESS_DENIED' })).toBeUndefined();
    expect(notReadyReason(denied, { status: 'REQUESTING_CONFIGURATION' })).toMatch(/expected ACCESS_DENIED/);
    expect(notReadyReason({ node: 'ctl', role: 'controller' }, {})).toBeUndefined();
    expect(notReadyReason({ node: 'ctl', role: 'controller' }, { unreachable: 'timeout' })).toBe('its agent does not answer (timeout)');
  });
});

describe('notRestartedReason (start of one stopped agent)', () => {
  const member: AgentExpectation = { node: 'm1', role: 'member', network: NET, controller: 'ctl', status: 'OK', peers: ['m2', 'm3'], addresses: 2 };
  const assigned = ['10.0.0.1/24', 'fd80:56c2:e21c:0:199:93bf:bde0:8682/88'];

  it('is back once joined, answered by its running controller, and its assigned addresses are on the device', () => {
    expect(notRestartedReason(member, { status: 'OK', assignedAddresses: assigned, deviceAddresses: [...assigned, 'fe80::1/64'] }, true)).toBeUndefined();
    expect(notRestartedReason(member, { status: 'OK', assignedAddresses: assigned, deviceAddresses: ['10.0.0.1/24'] }, true)).toBe('overlay address fd80:56c2:e21c:0:199:93bf:bde0:8682/88 not configured on its device yet');
    expect(notRestartedReason(member, { status: 'REQUESTING_CONFIGURATION' }, true)).toBe(`network ${NET} is REQUESTING_CONFIGURATION (no config from controller ctl yet)`);
    expect(notRestartedReason(member, {}, true)).toBe(`network ${NET} is not joined`);
    expect(notRestartedReason(member, { unreachable: 'connect ENOENT' }, true)).toBe('its agent does not answer (connect ENOENT)');
  });

  it('holds neither the status nor the peers to the lab plan: authorization and peers may have changed since up', () => {
    // Deauthorized by a scenario step: denied is a settled answer.
    expect(notRestartedReason(member, { status: 'ACCESS_DENIED' }, true)).toBeUndefined();
    // Peers stopped: no keys for them, still back.
    expect(notRestartedReason(member, { status: 'OK', assignedAddresses: assigned.slice(0, 1), peers: [], deviceAddresses: ['10.0.0.1/24'] }, true)).toBeUndefined();
    // Its controller is stopped: it keeps asking, and that is all it can do.
    expect(notRestartedReason(member, { status: 'REQUESTING_CONFIGURATION' }, false)).toBeUndefined();
    expect(notRestartedReason({ node: 'ctl', role: 'controller' }, {}, true)).toBeUndefined();
  });
});
