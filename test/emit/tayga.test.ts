import { describe, expect, test } from 'vitest';
import { taygaConfig } from '../../src/emit/tayga.js';
import { ConfigWriterError } from '../../src/emit/policy-terms.js';
import { fixtureLab, labNode } from './fixture-lab.js';

describe('taygaConfig', () => {
  test('tayga.conf from the node config, TAYGA address defaulting to the pool\'s first host', () => {
    const lab = fixtureLab();
    const n = labNode(lab, 'r5');
    n.config = { pool: '192.168.255.0/24', prefix: '64:ff9b::/96', 'tun-device': 'nat64' };
    expect(taygaConfig(lab, n)).toEqual([{ path: 'tayga.conf', content: '# TAYGA configuration for node r5 of lab writers, written by flatlab generate; edits are overwritten.\ntun-device nat64\nipv4-addr 192.168.255.1\nprefix 64:ff9b::/96\ndynamic-pool 192.168.255.0/24\nipv6-addr fd00:ff::5\n' }]);
    n.config = { pool: '10.64.0.0/16', 'ipv4-address': '10.64.0.9' };
    expect(taygaConfig(lab, n)[0]!.content).toContain('ipv4-addr 10.64.0.9\nprefix 64:ff9b::/96\ndynamic-pool 10.64.0.0/16');
  });

  test('a missing or malformed pool is a typed error', () => {
    const lab = fixtureLab();
    const n = labNode(lab, 'r5');
    n.config = {};
    expect(() => taygaConfig(lab, n)).toThrow(ConfigWriterError);
    n.config = { pool: '2001:db8::/64' };
    expect(() => taygaConfig(lab, n)).toThrow(/not an IPv4 network prefix/);
    n.config = { pool: '10.64.0.0/16' };
    n.loopback = {};
    n.interfaces = [];
    expect(() => taygaConfig(lab, n)).toThrow(/TAYGA requires with the well-known prefix/);
    n.config = { pool: '10.64.0.0/16', prefix: '2001:db8:64::/96' };
    expect(taygaConfig(lab, n)[0]!.content).not.toContain('ipv6-addr');
  });
});
