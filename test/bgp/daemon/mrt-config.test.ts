import { describe, expect, test } from 'vitest';
import { parseBgpdConfig } from '../../../src/bgp/daemon/config.js';
import { parseMrtDuration } from '../../../src/bgp/daemon/mrt-config.js';
import { errorsOf } from './config-errors.js';

const HEAD = 'router-id: 192.0.2.1\nasn: 65001\n';


describe('bgpd.yml mrt:', () => {
  test('defaults: dumps every 2 h of every accepted path in RFC 6396 form; logs rotate every 15 min, received messages only, BGP4MP', () => {
    const c = parseBgpdConfig(`${HEAD}mrt:\n  table-dump: { file: rib.%Y%m%d.%H%M.mrt }\n  updates: { file: updates.%Y%m%d.%H%M.mrt.gz }\n`, 'bgpd.yml');
    expect(c.mrt).toEqual({
      'table-dump': { file: 'rib.%Y%m%d.%H%M.mrt', interval: 7200, routes: 'all', 'mp-reach': 'rfc6396' },
      updates: { file: 'updates.%Y%m%d.%H%M.mrt.gz', rotate: 900, sent: false },
      'extended-timestamp': false,
    });
  });

  test('durations in seconds or with units', () => {
    expect([parseMrtDuration(90), parseMrtDuration('90s'), parseMrtDuration('15m'), parseMrtDuration('2h'), parseMrtDuration('1d'), parseMrtDuration('1h30m')]).toEqual([90, 90, 900, 7200, 86400, 5400]);
    expect([parseMrtDuration('2 h'), parseMrtDuration('h'), parseMrtDuration(1.5), parseMrtDuration('-1m')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('every problem located at its line, with the hint', () => {
    const errors = errorsOf([
      'router-id: 192.0.2.1',
      'asn: 65001',
      'mrt:',
      '  table-dump:',
      '    file: rib.%y.mrt',
      '    interval: 2 hours',
      '  updates:',
      '    file: updates.mrt',
      '    rotate: 5s',
      '    color: blue',
      '',
    ].join('\n'));
    expect(errors.join('\n')).toMatch(/bgpd\.yml:5:\d+: .*file template "rib\.%y\.mrt" unknown conversion %y/);
    expect(errors.join('\n')).toMatch(/bgpd\.yml:6:\d+: .*"2 hours" is not a duration/);
    expect(errors.join('\n')).toMatch(/bgpd\.yml:9:\d+: .*5s is outside 10 s to 7 d/);
    expect(errors.join('\n')).toMatch(/bgpd\.yml:10:\d+: .*color/);
  });

  test('an empty mrt: and one file for both outputs are refused', () => {
    expect(errorsOf(`${HEAD}mrt: { extended-timestamp: true }\n`).join('\n')).toMatch(/bgpd\.yml:3:\d+: mrt: has neither table-dump nor updates \[bgpd\.mrt-empty\]\n\s+hint: add table-dump/);
    expect(errorsOf(`${HEAD}mrt:\n  table-dump: { file: a.mrt }\n  updates: { file: a.mrt }\n`).join('\n')).toMatch(/bgpd\.yml:5:\d+: mrt\.updates\.file is the same template/);
  });
});
