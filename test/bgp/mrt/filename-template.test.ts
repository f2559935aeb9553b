import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { expandTemplate, periodStart, templateHasTime, templateProblem } from '../../../src/bgp/mrt/filename-template.js';

describe('MRT file name templates', () => {
  test('strftime fields in UTC, as BIRD names its dumps', () => {
    const t = Date.UTC(2024, 1, 29, 3, 4, 5, 678);
    expect(expandTemplate('rib.%Y%m%d.%H%M.mrt', t)).toBe('rib.20240229.0304.mrt');
    expect(expandTemplate('/var/mrt/%Y/%m/updates.%H%M%S.gz', t)).toBe('/var/mrt/2024/02/updates.030405.gz');
    expect(expandTemplate('100%%-%d', t)).toBe('100%-29');
  });

  test('problems: unknown conversions, a lone %, a directory', () => {
    expect(templateProblem('rib.%Y%m%d.mrt')).toBeUndefined();
    expect(templateProblem('rib.%j.mrt')).toBe('unknown conversion %j');
    expect(templateProblem('rib.%')).toBe('ends with a lone %');
    expect(templateProblem('dumps/')).toBe('names a directory, not a file');
    expect([templateHasTime('rib.mrt'), templateHasTime('100%%M'), templateHasTime('rib.%H')]).toEqual([false, false, true]);
  });

  test('periods align to the epoch: 15 min periods start at :00, :15, :30, :45', () => {
    const t = Date.UTC(2024, 0, 1, 10, 44, 59, 999);
    expect(new Date(periodStart(t, 15 * 60_000)).toISOString()).toBe('2024-01-01T10:30:00.000Z');
    expect(new Date(periodStart(t + 1, 15 * 60_000)).toISOString()).toBe('2024-01-01T10:45:00.000Z');
    expect(new Date(periodStart(t, 2 * 3600_000)).toISOString()).toBe('2024-01-01T10:00:00.000Z');
  });

  ptest.prop([fc.integer({ min: 0, max: 4102444800000 }), fc.integer({ min: 1, max: 86400 * 7 })])('a period contains its instant and is a multiple of its length', (t, seconds) => {
    const start = periodStart(t, seconds * 1000);
    expect(start <= t && t < start + seconds * 1000 && start % (seconds * 1000) === 0).toBe(true);
  });

  ptest.prop([fc.integer({ min: 0, max: 4102444800000 })])('%Y%m%d%H%M%S sorts as time does and reads back as the instant (to the second)', (t) => {
    const name = expandTemplate('%Y-%m-%dT%H:%M:%SZ', t);
    expect(Date.parse(name)).toBe(Math.floor(t / 1000) * 1000);
  });
});
