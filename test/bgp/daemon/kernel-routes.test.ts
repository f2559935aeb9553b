import { describe, expect, it } from 'vitest';
import { KernelRoutes, type RunIp } from '../../../src/bgp/daemon/kernel-routes.js';

/** A fake `ip`: `route get` answers from a table; batches are recorded. */
function fakeIp(routes: Record<string, string>) {
  const batches: string[][] = [];
  const ip: RunIp = async (args, input) => {
    if (args[0] === 'route' && args[1] === 'get') {
      const out = routes[args[2]!];
      return out ? { code: 0, stdout: out, stderr: '' } : { code: 2, stdout: '', stderr: 'RTNETLINK answers: Network is unreachable' };
    }
    batches.push((input ?? '').trim().split('\n'));
    return { code: 0, stdout: '', stderr: '' };
  };
  return { ip, batches };
}

describe('KernelRoutes', () => {
  it('installs connected next hops directly and resolves loopback next hops recursively, in one batch', async () => {
    const { ip, batches } = fakeIp({
      '10.0.0.1': '10.0.0.1 dev eth1 src 10.0.0.0 uid 0\n    cache',
      '10.255.0.4': '10.255.0.4 via 10.0.0.7 dev eth2 src 10.0.0.6 uid 0\n    cache',
    });
    const k = new KernelRoutes('main', () => {}, ip);
    k.change('203.0.113.0/24', { attributes: { nextHop: '10.0.0.1' } }, false);
    k.change('100.64.0.0/16', { attributes: { nextHop: '10.255.0.4' } }, false);
    k.change('192.0.2.0/24', { attributes: {} }, true); // our own: not installed
    await k.flush();
    expect(batches).toEqual([[
      'route replace 203.0.113.0/24 via 10.0.0.1 dev eth1 proto bgp',
      'route replace 100.64.0.0/16 via 10.0.0.7 dev eth2 proto bgp',
    ]]);
  });

  it('removes a withdrawn route, skips unreachable next hops, and withdraws everything at shutdown', async () => {
    const { ip, batches } = fakeIp({ '10.0.0.1': '10.0.0.1 dev eth1 src 10.0.0.0' });
    const k = new KernelRoutes(100, () => {}, ip);
    k.change('203.0.113.0/24', { attributes: { nextHop: '10.0.0.1' } }, false);
    k.change('198.51.100.0/24', { attributes: { nextHop: '10.9.9.9' } }, false);
    await k.flush();
    k.change('203.0.113.0/24', undefined, false);
    await k.flush();
    k.change('203.0.113.0/24', { attributes: { nextHop: '10.0.0.1' } }, false);
    await k.flush();
    await k.withdrawAll();
    expect(batches).toEqual([
      ['route replace 203.0.113.0/24 via 10.0.0.1 dev eth1 proto bgp table 100'],
      ['route del 203.0.113.0/24 proto bgp table 100'],
      ['route replace 203.0.113.0/24 via 10.0.0.1 dev eth1 proto bgp table 100'],
      ['route del 203.0.113.0/24 proto bgp table 100'],
    ]);
  });
});
