import { describe, expect, it } from 'vitest';
import { buildZoneIndex, findZone } from '../../../src/dns/server/zone-index.js';
import { CLASS } from '../../../src/dns/wire/constants.js';
import { hesiodZone, ORIGIN } from './zone-fixture.js';

describe('zone index', () => {
  it('answers HS zones in IN by default, not with hsAlsoIn off, and as a map declares', () => {
    expect(findZone(buildZoneIndex([hesiodZone()]), `jdoe.passwd.${ORIGIN}`, CLASS.IN)).toBeDefined();
    expect(findZone(buildZoneIndex([hesiodZone()], { hsAlsoIn: false }), `jdoe.passwd.${ORIGIN}`, CLASS.IN)).toBeUndefined();
    const hsOnly = { ...hesiodZone(), answerClasses: ['HS'] };
    expect(findZone(buildZoneIndex([hsOnly]), `jdoe.passwd.${ORIGIN}`, CLASS.IN)).toBeUndefined();
    expect(findZone(buildZoneIndex([hsOnly]), `jdoe.passwd.${ORIGIN}`, CLASS.HS)).toBeDefined();
    const both = { ...hesiodZone(), answerClasses: ['HS', 'IN'] };
    expect(findZone(buildZoneIndex([both], { hsAlsoIn: false }), `jdoe.passwd.${ORIGIN}`, CLASS.IN)).toBeUndefined();
  });

  it('picks the longest matching apex', () => {
    const child = { origin: `sub.${ORIGIN}`, class: 'HS' as const, records: [{ name: `sub.${ORIGIN}`, type: 'SOA', class: 'HS' as const, ttl: 1, data: { mname: 'a', rname: 'b', serial: 7, refresh: 1, retry: 1, expire: 1, minimum: 1 } }] };
    const idx = buildZoneIndex([hesiodZone(), child]);
    expect(findZone(idx, `x.sub.${ORIGIN}`, CLASS.HS)?.serial).toBe(7);
    expect(findZone(idx, `x.${ORIGIN}`, CLASS.ANY)?.apex).toBe(ORIGIN);
  });

  it('refuses a zone without SOA and the same zone twice in one class', () => {
    expect(() => buildZoneIndex([{ ...hesiodZone(), records: hesiodZone().records.filter((r) => r.type !== 'SOA') }])).toThrow(/no SOA/);
    expect(() => buildZoneIndex([hesiodZone(), hesiodZone()])).toThrow(/loaded twice/);
  });
});
