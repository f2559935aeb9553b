import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { socketAccepts, waitForSocket } from '../../../src/runtime/netns/processes.js';
import { processStartTime, type StartedProcess } from '../../../src/runtime/netns/state.js';

let dir: string;
let server: Server | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fl-sock-'));
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function self(): Promise<StartedProcess> {
  return { node: 'n1', name: 'zebra', pid: process.pid, startTime: (await processStartTime(process.pid))!, argv: ['zebra'], log: '/dev/null' };
}

function listen(path: string): Promise<void> {
  server = createServer((c) => c.destroy());
  return new Promise((resolve) => server!.listen(path, resolve));
}

describe('waitForSocket (a daemon API socket the next daemon needs)', () => {
  it('returns once the socket accepts connections, not before', async () => {
    const path = join(dir, 'zserv.api');
    expect(await socketAccepts(path)).toBe(false);
    setTimeout(() => void listen(path), 150);
    const t0 = Date.now();
    await waitForSocket(await self(), path, 5_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(await socketAccepts(path)).toBe(true);
  });

  it('does not take a file left by an earlier run for a listening socket', async () => {
    const path = join(dir, 'zserv.api');
    writeFileSync(path, '');
    await expect(waitForSocket(await self(), path, 200)).rejects.toMatchObject({ code: 'netns.not-ready', message: expect.stringContaining(`did not open ${path} within 0.2 s`) });
  });

  it('fails at once, naming the daemon, when it exits before it listens', async () => {
    const child = spawn('sleep', ['0.2']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const pid = child.pid!;
    const startTime = (await processStartTime(pid))!;
    await exited;
    const dead: StartedProcess = { node: 'n1', name: 'zebra', pid, startTime, argv: ['zebra'], log: '/R/zebra.log' };
    await expect(waitForSocket(dead, join(dir, 'zserv.api'), 5_000)).rejects.toMatchObject({ code: 'netns.daemon-exited', message: expect.stringContaining('zebra on node n1 exited before it opened'), hint: 'see its log: /R/zebra.log' });
  });
});
