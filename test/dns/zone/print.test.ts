import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseZoneText, printZone, type Zone } from '../../../src/dns/zone/model.js';
import { zoneArbitrary } from './arbitraries.js';

function reparse(zone: Zone): Zone {
  return parseZoneText(printZone(zone), { origin: zone.origin, file: 'random.zone', defaultClass: zone.class });
}

describe('printZone', () => {
  test('print → parse gives back the same zone (random names, TXT bytes, every type, IN and HS)', () => {
    fc.assert(
      fc.property(zoneArbitrary, (zone) => {
        const back = reparse(zone);
        expect(back.origin).toBe(zone.origin);
        expect(back.class).toBe(zone.class);
        expect(back.records).toEqual(zone.records);
        expect(back.warnings ?? []).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test('printing is stable: print(parse(print(z))) = print(z)', () => {
    fc.assert(fc.property(zoneArbitrary, (zone) => {
      expect(printZone(reparse(zone))).toBe(printZone(zone));
    }), { numRuns: 100 });
  });

  test('writes owners relative to $ORIGIN, AAAA in class HS in generic form, and escapes TXT bytes', () => {
    const zone: Zone = {
      origin: 'ns.Example.org',
      class: 'HS',
      records: [
        { name: 'ns.Example.org', type: 'SOA', class: 'HS', ttl: 60, data: { mname: 'a.test', rname: 'b.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } },
        { name: 'ns.Example.org', type: 'NS', class: 'HS', ttl: 60, data: 'a.test' },
        { name: 'v6.ns.Example.org', type: 'AAAA', class: 'HS', ttl: 60, data: '2001:db8::1' },
        { name: 'j.passwd.ns.Example.org', type: 'TXT', class: 'HS', ttl: 60, data: [Buffer.from('a"b\\c\n\u00ff', 'latin1')] },
      ],
    };
    expect(printZone(zone)).toBe(
      [
        '$ORIGIN ns.Example.org.',
        '@ 60 HS SOA a.test. b.test. 1 2 3 4 5',
        '@ 60 HS NS a.test.',
        'v6 60 HS TYPE28 \\# 16 20010db8000000000000000000000001',
        'j.passwd 60 HS TXT "a\\"b\\\\c\\010\\255"',
        '',
      ].join('\n'),
    );
    expect(reparse(zone).records).toEqual(zone.records);
  });
});
