import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { formatDiagnostic, ValidationError } from '../../../src/config/diagnostics.js';
import { addAccountsToMap, importAccounts, loadAccountFiles } from '../../../src/dns/hesiod/import.js';
import { loadHesiodZone } from '../../../src/dns/hesiod/load.js';
import { hesiodMapSchema, hesiodMapToZone } from '../../../src/dns/hesiod/map.js';

const dir = 'test/fixtures/dns/hesiod';
const file = (name: string) => ({ text: readFileSync(`${dir}/${name}`, 'utf8'), file: `${dir}/${name}` });
const txt = (zone: ReturnType<typeof hesiodMapToZone>, name: string) => zone.records.filter((r) => r.name === name && r.type === 'TXT').map((r) => Buffer.concat(r.data as Buffer[]).toString());

describe('passwd/group importer', () => {
  test('imports users and groups; group memberships become grplists', () => {
    const accounts = importAccounts(file('passwd'), file('group'), { minUid: 1000 });
    expect(accounts.diagnostics).toEqual([]);
    expect(Object.keys(accounts.users)).toEqual(['jdoe', 'rroe', 'john.smith']);
    expect(accounts.users['jdoe']).toEqual({ uid: 1000, gid: 1000, gecos: 'Jane Doe,,,', home: '/home/jdoe', shell: '/bin/bash' });
    // Members outside the imported uid range (pulse) are dropped.
    expect(accounts.groups['audio']).toEqual({ gid: 29, members: ['rroe'] });

    const base = hesiodMapSchema.parse({ rhs: '.example.org', ns: ['ns1.example.net'] });
    const { map } = addAccountsToMap(base, accounts);
    const zone = hesiodMapToZone(map);
    expect(txt(zone, 'jdoe.passwd.ns.example.org')).toEqual(['jdoe:*:1000:1000:Jane Doe,,,:/home/jdoe:/bin/bash']);
    expect(txt(zone, 'jdoe.grplist.ns.example.org')).toEqual(['jdoe:1000:users:100:wheel:10']);
    expect(txt(zone, 'rroe.grplist.ns.example.org')).toEqual(['users:100:wheel:10:audio:29']);
    expect(txt(zone, 'wheel.group.ns.example.org')).toEqual(['wheel:*:10:jdoe,rroe']);
    expect(txt(zone, 'john.smith.passwd.ns.example.org')).toEqual(['john.smith:*:1002:100::/home/john.smith:']);
    expect(zone.records.find((r) => r.name === '1002.uid.ns.example.org')?.data).toBe('john.smith.passwd.ns.example.org');
  });

  test('map entries override imported ones, with a warning', () => {
    const accounts = importAccounts(file('passwd'), undefined);
    const base = hesiodMapSchema.parse({ rhs: '.example.org', ns: ['ns1.example.net'], users: { jdoe: { uid: 5000, gid: 5000, home: '/afs/jdoe' } } });
    const { map, diagnostics } = addAccountsToMap(base, accounts);
    expect(map.users['jdoe']?.uid).toBe(5000);
    expect(map.users['root']?.uid).toBe(0);
    expect(diagnostics.map((d) => d.code)).toEqual(['hesiod.import.overridden']);
  });

  test('every bad line is reported at once with file:line:col', async () => {
    let caught: unknown;
    try {
      await loadAccountFiles(`${dir}/bad-passwd`, `${dir}/bad-group`);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).diagnostics.map(formatDiagnostic).map((l) => l.split('\n')[0])).toEqual([
      'test/fixtures/dns/hesiod/bad-group:2:9: gid "ten" is not a number 0-4294967295 [hesiod.import.bad-id]',
      'test/fixtures/dns/hesiod/bad-group:3:1: a group line has 4 fields separated by ":", this one has 3 [hesiod.import.group-fields]',
      'test/fixtures/dns/hesiod/bad-passwd:2:1: a passwd line has 7 fields separated by ":", this one has 3 [hesiod.import.passwd-fields]',
      'test/fixtures/dns/hesiod/bad-passwd:3:1: user name "bad name" cannot be a Hesiod name [hesiod.import.bad-name]',
      'test/fixtures/dns/hesiod/bad-passwd:4:8: uid "10o1" is not a number 0-4294967295 [hesiod.import.bad-id]',
      'test/fixtures/dns/hesiod/bad-passwd:5:1: user jdoe appears twice [hesiod.import.duplicate-user]',
      'test/fixtures/dns/hesiod/bad-passwd:6:1: warning: NIS compat line "+nisuser" skipped [hesiod.import.nis-line]',
    ]);
  });
});

describe('loadHesiodZone', () => {
  test('map naming plus imported accounts; map users win', async () => {
    const zone = await loadHesiodZone({ map: `${dir}/site.yml`, passwd: `${dir}/passwd`, group: `${dir}/group`, minUid: 1000 });
    expect(txt(zone, 'jdoe.passwd.ns.example.org')).toEqual(['jdoe:*:1000:1000:Jane Doe,Room 42:/home/jdoe:/bin/bash']);
    expect(txt(zone, 'john.smith.passwd.ns.example.org')).toEqual(['john.smith:*:1002:100::/home/john.smith:']);
    expect(zone.warnings?.map((w) => w.code)).toEqual(['hesiod.import.overridden', 'hesiod.import.overridden', 'hesiod.import.overridden', 'hesiod.import.overridden', 'hesiod.import.overridden']);
  });
});
