import { describe, expect, test } from 'vitest';
import { frrConfig } from '../../src/emit/frr.js';
import { expectGolden } from './golden.js';
import { fixtureLab, labNode } from './fixture-lab.js';

describe('frrConfig', () => {
  test('writes frr.conf, daemons and vtysh.conf for the fixture node r2 (golden)', () => {
    const lab = fixtureLab();
    const files = frrConfig(lab, labNode(lab, 'r2'));
    expect(files.map((f) => f.path)).toEqual(['frr.conf', 'daemons', 'vtysh.conf']);
    for (const f of files) expectGolden(`r2/${f.path}`, f.content);
  });

  test('every neighbor gets a route-map both ways (RFC 8212) and each route-map ends in an explicit deny', () => {
    const lab = fixtureLab();
    const text = frrConfig(lab, labNode(lab, 'r2'))[0]!.content;
    const neighbors = [...text.matchAll(/^ neighbor (\S+) remote-as/gm)].map((m) => m[1]);
    expect(neighbors).toEqual(['10.0.0.0', 'fd00:1::', '10.255.0.3']);
    for (const n of neighbors) {
      expect(text).toMatch(new RegExp(`  neighbor ${n} route-map \\S+ in\\n  neighbor ${n} route-map \\S+ out`));
    }
    const maps = new Set([...text.matchAll(/^route-map (\S+) /gm)].map((m) => m[1]));
    for (const m of maps) expect(text).toContain(`route-map ${m} deny 65535\n`);
    expect(text).toContain(' neighbor 10.255.0.3 update-source 10.255.0.2');
    expect(text).toContain('  neighbor 10.255.0.3 route-reflector-client\n  neighbor 10.255.0.3 next-hop-self');
  });

  test('further AS-path conditions of a term become guard entries that jump past it', () => {
    const lab = fixtureLab();
    lab.policies['regex-in'] = [{ name: 'both', match: { 'as-path-contains': 64512, 'as-path-regex': '^2_' }, set: { med: 1 }, action: 'accept' }];
    const text = frrConfig(lab, labNode(lab, 'r2'))[0]!.content;
    expect(text).toContain('bgp as-path access-list regex-in-1-not-as-path-2 seq 5 deny _64512_\nbgp as-path access-list regex-in-1-not-as-path-2 seq 10 permit .*');
    expect(text).toContain('route-map r1-ipv4-in permit 10\n description policy regex-in term 1 both: skip unless as-path-contains\n match as-path regex-in-1-not-as-path-2\n on-match goto 30\n!\nroute-map r1-ipv4-in permit 20\n description policy regex-in term 1 both\n match as-path regex-in-1-as-path\n set metric 1\n!\nroute-map r1-ipv4-in permit 30\n');
  });
});
