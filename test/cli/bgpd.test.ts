import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runBgpd } from '../../src/cli/bgpd.js';
import { memoryIO } from '../../src/cli/io.js';

describe('flatlab bgpd: command line', () => {
  it('an unknown --log-level is a usage error with the levels, not an internal error', async () => {
    const io = memoryIO();
    expect(await runBgpd({ config: 'bgpd.yml', logLevel: 'verbose' }, io, { signals: new EventEmitter() })).toBe(2);
    expect(io.text().stderr).toContain('--log-level takes quiet, info, debug, not "verbose" [bgpd.log-level]');
    const typo = memoryIO();
    expect(await runBgpd({ config: 'bgpd.yml', logLevel: 'debgu' }, typo, { signals: new EventEmitter() })).toBe(2);
    expect(typo.text().stderr).toContain('did you mean "debug"?');
    expect(typo.text().stderr).not.toContain('internal error');
  });
});
