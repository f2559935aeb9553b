import { describe, expect, it } from 'vitest';
import { plannedIpv4, ztLabPlan, ZtPlanError, type ZtNodeFacts } from '../../src/zt/lab-plan.js';
import type { MemberId } from '../../src/zt/ids.js';

const node = (name: string, role: ZtNodeFacts['role'], extra: Partial<ZtNodeFacts> = {}): ZtNodeFacts => ({ name, role, port: 9993, roots: [], authorized: true, tags: [], hesiod: false, underlayIpv4: `192.0.2.${name.length}`, ...extra });
const NET = '8056c2e21c000001';

describe('zerotier lab plan', () => {
  it('gives the controller its network id\'s address and the members their network, controller and roots', () => {
    const plan = ztLabPlan('lab', [node('ctl', 'controller', { network: NET }), node('root1', 'root'), node('m1', 'member', { network: NET, roots: ['root1'], overlayIpv4: '10.0.0.5' })], { networks: { [NET]: { controller: 'ctl', 'ipv4-pool': '10.0.0.0/24' } } });
    expect(plan.addressOf.get('ctl')).toBe('8056c2e21c');
    const m1 = plan.agents.get('m1');
    expect(m1).toMatchObject({ role: 'member', network: NET, controller: { node: 'ctl', address: '8056c2e21c', endpoint: '192.0.2.3:9993' }, roots: [{ node: 'root1' }] });
    const ctl = plan.agents.get('ctl');
    expect(ctl?.role === 'controller' && ctl.networks[NET]).toMatchObject({ ipAssignmentPools: [{ ipRangeStart: '10.0.0.1', ipRangeEnd: '10.0.0.254' }], routes: [{ target: '10.0.0.0/24', via: null }], v4AssignMode: { zt: true } });
  });

  it('finds the controller from the network id when the member does not name it, and has none when the lab has none', () => {
    const plan = ztLabPlan('lab', [node('ctl', 'controller', { network: NET }), node('m1', 'member', { network: NET })], {});
    expect(plan.agents.get('m1')).toMatchObject({ controller: { node: 'ctl' } });
    const alone = ztLabPlan('lab', [node('m1', 'member', { network: NET })], {});
    expect(alone.agents.get('m1')).toMatchObject({ controller: null });
  });

  it('reports a controller that cannot serve the network, an unknown root and a bad section', () => {
    expect(() => ztLabPlan('lab', [node('ctl', 'controller', { network: '1111111111000001' }), node('m1', 'member', { network: NET, controller: 'ctl' })], {})).toThrow(/belongs to controller 8056c2e21c/);
    expect(() => ztLabPlan('lab', [node('m1', 'member', { network: NET, roots: ['r9'] })], {})).toThrow(ZtPlanError);
    expect(() => ztLabPlan('lab', [], { networks: { [NET]: { controler: 'ctl' } } })).toThrow(/lab.zerotier/);
  });

  it('plans IPv4 addresses: fixed ones kept, the others the lowest free in node order', () => {
    const plan = ztLabPlan('lab', [node('ctl', 'controller', { network: NET }), node('a', 'member', { network: NET }), node('bb', 'member', { network: NET, overlayIpv4: '10.0.0.1' }), node('ccc', 'member', { network: NET })], { networks: { [NET]: { controller: 'ctl', 'ipv4-pool': '10.0.0.0/24' } } });
    const ctl = plan.agents.get('ctl')!;
    if (ctl.role !== 'controller') throw new Error('not a controller');
    const order = ['a', 'bb', 'ccc'].map((n) => plan.addressOf.get(n)!) as MemberId[];
    const v4 = plannedIpv4(ctl, order);
    expect(['a', 'bb', 'ccc'].map((n) => v4.get(plan.addressOf.get(n)!))).toEqual(['10.0.0.2', '10.0.0.1', '10.0.0.3']);
  });
});
