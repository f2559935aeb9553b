import { describe, expect, test } from 'vitest';
import { hesiodZoneConfig } from '../../src/emit/hesiod-zone.js';
import { ConfigWriterError } from '../../src/emit/policy-terms.js';
import { fixtureLab, labNode } from './fixture-lab.js';

describe('hesiodZoneConfig', () => {
  test('config.zone is written as given', () => {
    const lab = fixtureLab();
    const n = labNode(lab, 'r5');
    n.config = { zone: '$ORIGIN ns.example.org.\nalice.passwd HS TXT "alice:*:1000:1000::/home/alice:/bin/sh"' };
    const [file] = hesiodZoneConfig(lab, n);
    expect(file!.path).toBe('hesiod.zone');
    expect(file!.content.endsWith('alice.passwd HS TXT "alice:*:1000:1000::/home/alice:/bin/sh"\n')).toBe(true);
  });

  test('config.map becomes the records the Hesiod library derives from it', () => {
    const lab = fixtureLab();
    const n = labNode(lab, 'r5');
    n.config = { map: { rhs: 'example.org', ns: ['ns1.example.org'], users: { alice: { uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/sh' } } } };
    const text = hesiodZoneConfig(lab, n)[0]!.content;
    expect(text).toMatch(/alice\.passwd.* TXT "alice:/);
  });

  test('no data, or a bad map, is a typed error', () => {
    const lab = fixtureLab();
    const n = labNode(lab, 'r5');
    n.config = {};
    expect(() => hesiodZoneConfig(lab, n)).toThrow(ConfigWriterError);
    n.config = { map: { users: 'alice' } };
    expect(() => hesiodZoneConfig(lab, n)).toThrow(/not a valid Hesiod map/);
  });
});
