import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { stringify } from 'yaml';
import { parseBgpdConfig, peerChain, peerFamilies, type BgpdConfigInput } from '../../../src/bgp/daemon/config.js';
import { errorsOf } from './config-errors.js';


describe('bgpd.yml', () => {
  test('defaults: listen on both wildcards at 179, RFC 8212 on, kernel routes off, short connect retry', () => {
    const c = parseBgpdConfig('router-id: 192.0.2.1\nasn: 65001\npeers:\n  - { address: 192.0.2.2, remote-as: 65002, local-address: 192.0.2.1 }\n  - { address: "2001:db8::3", remote-as: 65001, local-address: "2001:db8::1" }\n', 'bgpd.yml');
    expect(c.listen).toEqual({ address: ['0.0.0.0', '::'], port: 179 });
    expect([c.rfc8212, c['kernel-routes']]).toEqual([true, false]);
    const [ebgp, ibgp] = c.peers;
    expect([ebgp!['hold-time'], ebgp!['connect-retry'], ebgp!.passive, ebgp!.multihop]).toEqual([90, 5, false, false]);
    // RFC 8212: an eBGP peer without policies exchanges nothing; iBGP defaults to all.
    expect([peerChain(c, ebgp!, 'import'), peerChain(c, ebgp!, 'export'), peerChain(c, ibgp!, 'import')]).toEqual([['none'], ['none'], ['all']]);
    expect([peerFamilies(ebgp!), peerFamilies(ibgp!)]).toEqual([['ipv4'], ['ipv6']]);
  });

  test('every problem is reported at once, located, with hints', () => {
    const text = [
      'router-id: 192.0.2.1',
      'asn: 65001',
      'peers:',
      '  - address: 192.0.2.2',
      '    remote-as: 65002',
      '    local-address: 192.0.2.1',
      '    import: custmer-in',
      '    route-reflector-client: true',
      '  - address: 192.0.2.2',
      '    remote-as: 65001',
      '    local-address: 192.0.2.1',
      '    hold-time: 9',
      '    keepalive: 9',
      'policies:',
      '  customer-in:',
      '    - action: accept',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      'bgpd.yml:7:13: unknown policy "custmer-in" in peers[0].import; did you mean "customer-in"? [bgpd.unknown-policy]\n    hint: define it under policies:, or use all / none',
      'bgpd.yml:8:29: peer 192.0.2.2 is eBGP (AS 65002) and cannot be a route-reflector client [bgpd.rr-client-ebgp]\n    hint: route reflection (RFC 4456) is for iBGP peers',
      'bgpd.yml:9:14: peer 192.0.2.2 is already defined as peers[0] [bgpd.duplicate-peer]\n    hint: one entry per neighbor address; list several families under families:',
      'bgpd.yml:13:16: keepalive 9 s is not shorter than hold-time 9 s [bgpd.keepalive-too-long]\n    hint: RFC 4271 §10 suggests a third of the hold time',
    ]);
  });

  test('a peer without local-address is an error at its entry (the daemon sends its session address as NEXT_HOP)', () => {
    const errors = errorsOf('router-id: 192.0.2.1\nasn: 65001\npeers:\n  - address: 192.0.2.2\n    remote-as: 65002\n');
    expect(errors).toEqual([
      "bgpd.yml:4:5: peers[0] (192.0.2.2) has no local-address [bgpd.no-local-address]\n    hint: flatlab bgpd announces its session address as NEXT_HOP: set local-address to this router's address towards the peer",
    ]);
  });

  test('unknown keys and bad values are schema errors with positions', () => {
    const errors = errorsOf('router-id: 192.0.2.1\nasn: 65001\nlisten: { port: 70000 }\npeer: []\n');
    expect(errors.some((e) => e.startsWith('bgpd.yml:4:1: unknown key "peer"') && e.includes('did you mean "peers"'))).toBe(true);
    expect(errors.some((e) => e.startsWith('bgpd.yml:3:17:'))).toBe(true);
    expect(errorsOf('router-id: 192.0.2.1\nasn: 65001\npeers: [{ address: 192.0.2.2, remote-as: 65002, hold-time: 2 }]\n').join()).toMatch(/hold-time is 0 \(no keepalives\) or at least 3 seconds/);
  });

  ptest.prop([fc.integer({ min: 1, max: 4294967295 }), fc.array(fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 4294967295 }), fc.integer({ min: 3, max: 65535 })), { maxLength: 6 })])(
    'any well-formed config written as YAML parses back to the same values',
    (asn, peers) => {
      const unique = [...new Map(peers.map((p) => [p[0], p])).values()];
      const input: BgpdConfigInput = { 'router-id': '192.0.2.1', asn, peers: unique.map(([address, remoteAs, hold]) => ({ address, 'remote-as': remoteAs, 'local-address': '198.51.100.1', 'hold-time': hold, import: 'all', export: ['none'] })) };
      const c = parseBgpdConfig(stringify(input), 'p.yml');
      expect(c.asn).toBe(asn);
      expect(c.peers.map((p) => [p.address, p['remote-as'], p['hold-time'], p.import, p.export])).toEqual(unique.map(([a, r, h]) => [a, r, h, 'all', ['none']]));
    },
  );
});
