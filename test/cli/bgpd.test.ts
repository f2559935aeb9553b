import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('a bad --control exits 2 without leaving the daemon running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-bgpd-cli-'));
    try {
      const file = join(dir, 'bgpd.yml');
      const port = 31000 + (process.pid % 1000);
      writeFileSync(file, `router-id: 192.0.2.1\nasn: 65001\nlisten: { address: ["127.0.0.1"], port: ${port} }\n`);
      const io = memoryIO();
      let started = false;
      const code = await runBgpd({ config: file, control: 'nonsense', logLevel: 'quiet' }, io, { signals: new EventEmitter(), onReady: () => (started = true) });
      expect(code).toBe(2);
      expect(started).toBe(false);
      expect(io.text().stderr).toContain('"nonsense" is not ADDRESS:PORT [bgpd.bad-control]');
      // Nothing holds the BGP port: the daemon never started (before, it did and kept running).
      const probe = createServer();
      await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise((r) => probe.close(r));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
