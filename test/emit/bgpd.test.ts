import { describe, expect, test } from 'vitest';
import { bgpdConfig } from '../../src/emit/bgpd.js';
import { parseBgpdConfig, peerChain } from '../../src/bgp/daemon/config.js';
import { expectGolden } from './golden.js';
import { fixtureLab, labNode } from './fixture-lab.js';

describe('bgpdConfig', () => {
  test('writes bgpd.yml for the fixture node r4 (golden) that the bgpd.yml schema accepts', () => {
    const lab = fixtureLab();
    const files = bgpdConfig(lab, labNode(lab, 'r4'));
    expect(files.map((f) => f.path)).toEqual(['bgpd.yml']);
    expectGolden('r4/bgpd.yml', files[0]!.content);
    const config = parseBgpdConfig(files[0]!.content, 'r4/bgpd.yml');
    expect(config.asn).toBe(65003);
    expect(config.peers.map((p) => [p.name, p.address, p['remote-as']])).toEqual([['r1', '10.0.0.4', 65001], ['r5', '10.0.0.7', 65005]]);
    expect(peerChain(config, config.peers[1]!, 'import')).toEqual(['regex-in', 'all']);
    expect(Object.keys(config.policies).sort()).toEqual(['customer-in', 'regex-in']);
    expect(config.policies['customer-in']).toEqual(lab.policies['customer-in']);
  });

  test('every BGP node of the fixture gets a bgpd.yml the schema accepts (the lab is kind-neutral)', () => {
    const lab = fixtureLab();
    for (const node of lab.nodes) {
      const config = parseBgpdConfig(bgpdConfig(lab, node)[0]!.content, `${node.name}/bgpd.yml`);
      expect(config['router-id']).toBe(node.bgp!.routerId);
      expect(config.originate).toEqual(node.bgp!.originate);
    }
    const r2 = parseBgpdConfig(bgpdConfig(lab, labNode(lab, 'r2'))[0]!.content, 'r2/bgpd.yml');
    const r3peer = r2.peers.find((p) => p.name === 'r3')!;
    expect([r3peer.multihop, r3peer['route-reflector-client'], r3peer['next-hop-self'], r3peer['local-address']]).toEqual([true, true, true, '10.255.0.2']);
    expect(r2['cluster-id']).toBe('10.255.0.2');
  });
});
