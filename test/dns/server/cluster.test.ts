/**
 * `flatlab hesiod --workers 2` as a user runs it: every worker answers on the same UDP port
 * (with native/udp-batch each through its own SO_REUSEPORT socket), and SIGHUP reloads all
 * of them, so no client flow keeps getting old cached answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQuery } from '../../../src/dns/server/query-client.js';
import { udpBatchAvailability } from '../../../src/dns/server/udp-batch.js';
import { CLASS, TYPE } from '../../../src/dns/wire/constants.js';
import { decodeMessage } from '../../../src/dns/wire/message.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const zone = (gecos: string) => `$ORIGIN ns.example.org.
$TTL 3600
@ HS SOA ns1.ns.example.org. hostmaster.ns.example.org. ( 2024010101 3600 600 86400 300 )
@ HS NS ns1.ns.example.org.
ns1 HS A 127.0.0.1
jdoe.passwd HS TXT "jdoe:*:1001:1001:${gecos}:/home/jdoe:/bin/bash"
`;

/** A port free for both TCP and UDP just now. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const srv = createServer();
    const port = await new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port)));
    await new Promise((r) => srv.close(r));
    const u = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      u.once('error', () => r(false));
      u.bind(port, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise<void>((r) => u.close(() => r()));
      return port;
    }
  }
  throw new Error('no free port found');
}

/** The GECOS field of jdoe's answer, asked from a fresh source port (a new flow), or undefined. */
async function gecosFrom(port: number, id: number): Promise<string | undefined> {
  const s = createSocket('udp4');
  try {
    return await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1000);
      s.on('message', (m) => {
        clearTimeout(timer);
        const rd = decodeMessage(m).answers[0]?.rdata;
        resolve(rd ? rd.subarray(1, 1 + (rd[0] ?? 0)).toString().split(':')[4] : undefined);
      });
      s.send(buildQuery('jdoe.passwd.ns.example.org', TYPE.TXT, CLASS.HS, { id }), port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

/** Local UDP sockets bound to `port` (from /proc/net/udp: local address column, port in hex). */
function udpSocketsOn(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/udp', 'utf8').split('\n').filter((l) => l.trim().split(/\s+/)[1]?.endsWith(hex)).length;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 2000 && Date.now() < deadline; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

describe('flatlab hesiod --workers 2', () => {
  let dir: string;
  let child: ChildProcess;
  let port: number;
  let out = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-hesiod-cluster-'));
    writeFileSync(join(dir, 'ns.zone'), zone('Jane Doe'));
    port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'hesiod', '--zone', join(dir, 'ns.zone'), '--listen', `127.0.0.1:${port}`, '--workers', '2'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    // Three processes compile the CLI through tsx: on a loaded machine that takes a minute.
    await until('the workers answer', async () => (child.exitCode !== null ? Promise.reject(new Error(`exited: ${out}`)) : /^serving /m.test(out) ? gecosFrom(port, 1) : undefined), 180_000);
  }, 200_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers every flow', async () => {
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => gecosFrom(port, 100 + i)));
    expect(answers).toEqual(Array.from({ length: 24 }, () => 'Jane Doe'));
    expect(out).toMatch(/^workers \d+ \d+$/m);
  });

  it.skipIf(udpBatchAvailability() !== true)('gives each worker its own UDP socket (SO_REUSEPORT)', () => {
    expect(udpSocketsOn(port)).toBe(2);
  });

  it('reloads every worker on SIGHUP: no flow keeps the old cached answer', async () => {
    // Fill every worker's response cache first.
    await Promise.all(Array.from({ length: 24 }, (_, i) => gecosFrom(port, 200 + i)));
    writeFileSync(join(dir, 'ns.zone'), zone('Jane Doe-Smith'));
    child.kill('SIGHUP');
    await until('reloaded', async () => ((await gecosFrom(port, 300)) === 'Jane Doe-Smith' ? true : undefined));
    // Workers reload one after another; give the last a moment, then every flow must see the new data.
    await until('every flow sees the new data', async () => {
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => gecosFrom(port, 400 + i)));
      return answers.every((a) => a === 'Jane Doe-Smith') ? true : undefined;
    }, 10_000);
  }, 60_000);
});
