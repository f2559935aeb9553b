/**
 * Debian's hesinfo (libhesiod, system resolver) against our server. hesinfo reads
 * /etc/resolv.conf and /etc/hesiod.conf, so it runs in a network namespace of its own whose
 * /etc/netns/<ns>/ files `ip netns exec` bind-mounts over /etc; our server listens on port 53
 * inside that namespace. `flatlab hesinfo` in the same namespace must print the same.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['ip', 'hesinfo', 'dig'], { root: true });
const NS = `fl-test-hes-${process.pid}`;
const ROOT = resolve(import.meta.dirname, '../..');
const flatlab = ['node', '--import', 'tsx', join(ROOT, 'src/cli/main.ts')];

const ZONE = `$ORIGIN ns.example.org.
$TTL 3600
@ HS SOA ns1.ns.example.org. hostmaster.ns.example.org. ( 2024010101 3600 600 86400 300 )
@ HS NS ns1.ns.example.org.
ns1 HS A 127.0.0.1
jdoe.passwd HS TXT "jdoe:*:1001:1001:Jane Doe:/home/jdoe:/bin/bash"
1001.uid HS CNAME jdoe.passwd
staff.group HS TXT "staff:*:50:jdoe,asmith"
jdoe.filsys HS TXT "NFS /export/home/jdoe fs1.example.org w /home/jdoe"
jdoe.filsys HS TXT "AFS /afs/example.org/user/jdoe w /mit/jdoe"
`;

// Starting flatlab through tsx takes 3 s of CPU; on a loaded 2-core machine, with the cases
// below running side by side, that can stretch well past 30 s of wall time.
async function inNs(args: string[]) {
  return execa('ip', ['netns', 'exec', NS, ...args], { reject: false, cwd: ROOT, timeout: 100_000 });
}

// The cases only query the one server, so they run side by side (it.concurrent), each with
// stock hesinfo and ours at once.
describe.skipIf(reason)('stock hesinfo against flatlab hesiod in a namespace', () => {
  let dir: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fl-hesinfo-'));
    writeFileSync(join(dir, 'ns.zone'), ZONE);
    mkdirSync(`/etc/netns/${NS}`, { recursive: true });
    writeFileSync(`/etc/netns/${NS}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n');
    writeFileSync(`/etc/netns/${NS}/hesiod.conf`, 'lhs=.ns\nrhs=.example.org\nclasses=IN,HS\n');
    await execa('ip', ['netns', 'add', NS]);
    await execa('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    server = spawn('ip', ['netns', 'exec', NS, ...flatlab, 'hesiod', '--zone', join(dir, 'ns.zone'), '--listen', '127.0.0.1:53', '--listen', '[::1]:53'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 300 && !out.includes('serving'); i++) {
      if (server.exitCode !== null) throw new Error(`server exited: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!out.includes('serving')) throw new Error(`server did not start within 30 s: ${out}`);
  }, 60_000);

  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((r) => server?.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await execa('ip', ['netns', 'del', NS], { reject: false });
    rmSync(`/etc/netns/${NS}`, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, type] of [
    ['jdoe', 'passwd'],
    ['1001', 'uid'],
    ['staff', 'group'],
    ['jdoe', 'filsys'],
  ] as const) {
    it.concurrent(`hesinfo ${name} ${type} prints the same as flatlab hesinfo`, async ({ expect }) => {
      const [stock, ours] = await Promise.all([inNs(['hesinfo', name, type]), inNs([...flatlab, 'hesinfo', name, type])]);
      expect(stock.exitCode).toBe(0);
      expect(stock.stdout.length).toBeGreaterThan(0);
      expect(ours.stderr).toBe('');
      expect(ours.exitCode).toBe(0);
      expect(ours.stdout.split('\n').sort()).toEqual(stock.stdout.split('\n').sort());
    }, 120_000);
  }

  it.concurrent('both report a missing name with exit code 1', async ({ expect }) => {
    const [stock, ours] = await Promise.all([inNs(['hesinfo', 'nobody', 'passwd']), inNs([...flatlab, 'hesinfo', 'nobody', 'passwd'])]);
    expect(stock.exitCode).toBe(1);
    expect(ours.exitCode).toBe(1);
    expect(stock.stderr).toContain('Hesiod name not found');
    expect(ours.stderr).toContain('Hesiod name not found');
  }, 120_000);

  it.concurrent('both print the bind name with -b', async ({ expect }) => {
    const [stock, ours] = await Promise.all([inNs(['hesinfo', '-b', 'jdoe', 'passwd']), inNs([...flatlab, 'hesinfo', '-b', 'jdoe', 'passwd'])]);
    expect(ours.stdout).toBe(stock.stdout);
  }, 120_000);
});
