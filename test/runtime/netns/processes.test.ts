import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { daemonExited, socketAccepts, waitForSocket } from '../../../src/runtime/netns/processes.js';
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

describe('a daemon that exits on start', () => {
  it('is reported with the last lines it wrote in this run, not only the log path', async () => {
    const log = join(dir, 'sh.log');
    writeFileSync(log, 'qemu-system-x86_64: terminating on signal 15\n'); // an earlier run's output
    const logStart = statSync(log).size;
    appendFileSync(log, '\nfr1.sh: /var/lib/flatlab/images/flatracoon-os/disk.img not found; set FLATLAB_IMAGE_DIR=DIR\n');
    const e = await daemonExited({ node: 'fr1', name: 'sh', log, logStart }, 'netns.daemon-exited', 'sh on node fr1 exited right after start');
    expect(e).toMatchObject({
      code: 'netns.daemon-exited',
      message: 'sh on node fr1 exited right after start: fr1.sh: /var/lib/flatlab/images/flatracoon-os/disk.img not found; set FLATLAB_IMAGE_DIR=DIR',
      hint: `see its log: ${log}`,
    });
  });

  it('keeps the last three lines of a long log', async () => {
    const log = join(dir, 'bird.log');
    writeFileSync(log, Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n'));
    const e = await daemonExited({ node: 'r1', name: 'bird', log, logStart: 0 }, 'netns.daemon-exited', 'bird on node r1 exited right after start');
    expect(e.message).toBe('bird on node r1 exited right after start: line 1997 | line 1998 | line 1999');
  });

  it('with the earlier runs\' lines left out, says only that it exited when it wrote nothing', async () => {
    const log = join(dir, 'zebra.log');
    writeFileSync(log, 'an earlier run\n');
    const e = await daemonExited({ node: 'n1', name: 'zebra', log, logStart: statSync(log).size }, 'netns.daemon-exited', 'zebra on node n1 exited right after start');
    expect(e.message).toBe('zebra on node n1 exited right after start');
  });

  it('waitForSocket says why it exited', async () => {
    const log = join(dir, 'zebra.log');
    writeFileSync(log, 'zebra: cannot open config file\n');
    const child = spawn('sleep', ['0.1']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const pid = child.pid!;
    const startTime = (await processStartTime(pid))!;
    await exited;
    const dead: StartedProcess = { node: 'n1', name: 'zebra', pid, startTime, argv: ['zebra'], log, logStart: 0 };
    await expect(waitForSocket(dead, join(dir, 'zserv.api'), 5_000)).rejects.toMatchObject({ message: expect.stringMatching(/exited before it opened .*: zebra: cannot open config file$/) });
  });
});
