import fc from 'fast-check';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic, ValidationError } from '../../../src/config/diagnostics.js';
import { hesiodMapSchema, hesiodMapToZone, loadHesiodMapFile, type HesiodMapInput } from '../../../src/dns/hesiod/map.js';
import { parseZoneText, printZone } from '../../../src/dns/zone/model.js';

const dir = 'test/fixtures/dns/hesiod';

function golden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDENS === '1') writeFileSync(file, actual);
  else if (!existsSync(file)) throw new Error(`missing golden ${file}; run with UPDATE_GOLDENS=1 to create it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

async function diagnosticsOf(file: string): Promise<string> {
  try {
    await loadHesiodMapFile(file);
  } catch (err) {
    if (err instanceof ValidationError) return `${err.diagnostics.map(formatDiagnostic).join('\n')}\n`;
    throw err;
  }
  throw new Error(`${file} loaded without errors`);
}

describe('Hesiod map → zone', () => {
  test('site.yml generates the golden zone, which parses back as it is', async () => {
    const zone = await loadHesiodMapFile(`${dir}/site.yml`);
    expect(zone.class).toBe('HS');
    expect(zone.answerClasses).toEqual(['HS', 'IN']);
    expect(zone.warnings ?? []).toEqual([]);
    const text = printZone(zone);
    golden(`${dir}/site.zone`, text);
    expect(parseZoneText(text, { origin: zone.origin, file: 'site.zone' }).records).toEqual(zone.records);
  });

  test('schema mistakes are reported together, each at its line (golden)', async () => {
    golden(`${dir}/bad-map.log`, await diagnosticsOf(`${dir}/bad-map.yml`));
  });

  test('clashes between entries are reported together, each at its line (golden)', async () => {
    golden(`${dir}/semantic-map.log`, await diagnosticsOf(`${dir}/semantic-map.yml`));
  });

  test('a long grplist is split into 255-byte strings of one TXT record (libhesiod concatenates them)', () => {
    const groups = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`group-number-${i}`, { gid: 2000 + i, members: ['jdoe'] }]));
    const zone = hesiodMapToZone(hesiodMapSchema.parse({ rhs: '.example.org', ns: ['ns1.example.org'], users: { jdoe: { uid: 1, gid: 1, home: '/h' } }, groups }));
    const grplist = zone.records.find((r) => r.name === 'jdoe.grplist.ns.example.org')!.data as Buffer[];
    expect(grplist.length).toBeGreaterThan(1);
    expect(grplist.every((b) => b.length <= 255)).toBe(true);
    expect(Buffer.concat(grplist).toString()).toBe(Object.keys(groups).map((g, i) => `${g}:${2000 + i}`).join(':'));
  });

  test('origin may be a parent of lhs+rhs; class IN gives an IN zone answering IN only', () => {
    const zone = hesiodMapToZone(hesiodMapSchema.parse({ origin: 'example.org', rhs: '.example.org', class: 'IN', ns: ['ns1.example.net'], users: { jdoe: { uid: 1, gid: 1, home: '/h' } } }));
    expect(zone.origin).toBe('example.org');
    expect(zone.answerClasses).toEqual(['IN']);
    expect(zone.records.map((r) => `${r.name} ${r.type}`)).toContain('jdoe.passwd.ns.example.org TXT');
    expect(() => hesiodMapToZone(hesiodMapSchema.parse({ origin: 'example.com', rhs: '.example.org', ns: ['ns1.example.net'] }))).toThrow(ValidationError);
  });

  const userName = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/);
  const gecos = fc.string({ maxLength: 40 }).filter((s) => !/[:\n]/.test(s));
  test('every user gets a passwd TXT that reads back as its passwd line, and a uid CNAME to it', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(userName, fc.integer({ min: 0, max: 4294967295 }), gecos), { selector: ([n]) => n, maxLength: 10 }).filter((us) => new Set(us.map(([, uid]) => uid)).size === us.length), (users) => {
        const input: HesiodMapInput = { rhs: '.example.org', ns: ['ns1.example.net'], users: Object.fromEntries(users.map(([n, uid, g]) => [n, { uid, gid: 100, gecos: g, home: `/home/${n}` }])) };
        const zone = hesiodMapToZone(hesiodMapSchema.parse(input));
        for (const [n, uid, g] of users) {
          const passwd = zone.records.find((r) => r.name === `${n}.passwd.ns.example.org` && r.type === 'TXT')!;
          expect(Buffer.concat(passwd.data as Buffer[]).toString()).toBe(`${n}:*:${uid}:100:${g}:/home/${n}:/bin/sh`);
          expect(zone.records.find((r) => r.name === `${uid}.uid.ns.example.org`)?.data).toBe(`${n}.passwd.ns.example.org`);
        }
        expect(parseZoneText(printZone(zone), { origin: zone.origin, file: 'z' }).records).toEqual(zone.records);
      }),
      { numRuns: 100 },
    );
  });
});
