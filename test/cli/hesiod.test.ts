import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHesiod } from '../../src/cli/hesiod.js';
import { memoryIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { HesiodDaemon } from '../../src/dns/server/hesiod-daemon.js';
import { queryServer } from '../../src/dns/server/query-client.js';
import { CLASS, TYPE } from '../../src/dns/wire/constants.js';
import { signControlRequest } from '../../src/observe/control-auth.js';

const zone = (serial: number, passwd: string) => `$ORIGIN ns.example.org.
$TTL 3600
@ HS SOA ns1.ns.example.org. hostmaster.ns.example.org. ( ${serial} 3600 600 86400 300 )
@ HS NS ns1.ns.example.org.
ns1 HS A 127.0.0.1
jdoe.passwd HS TXT "${passwd}"
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fl-hesiod-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flatlab hesiod: input errors and --manifest', () => {
  it('prints the module manifest', async () => {
    const io = memoryIO();
    expect(await main(['hesiod', '--manifest', '--http', '127.0.0.1:8053'], io)).toBe(0);
    expect(JSON.parse(io.text().stdout)).toEqual({
      module: 'flatlab-hesiod',
      version: expect.any(String),
      layer: 'naming',
      requires: ['network'],
      provides: ['dns-authoritative', 'hesiod', 'axfr'],
      health_endpoint: 'http://127.0.0.1:8053/health',
      metrics_endpoint: 'http://127.0.0.1:8053/metrics',
    });
  });

  it('exits 2 without zones, with a hint', async () => {
    const io = memoryIO();
    expect(await main(['hesiod'], io)).toBe(2);
    expect(io.text().stderr).toContain('[hesiod.no-zones]');
  });

  it('exits 2 on a broken zone file, naming file and line', async () => {
    const bad = join(dir, 'bad.zone');
    writeFileSync(bad, '$ORIGIN ns.example.org.\n$TTL 3600\n@ HS SOA ns1 host ( 1 2 3 4 )\n');
    const io = memoryIO();
    expect(await main(['hesiod', '--zone', bad, '--listen', '127.0.0.1:0'], io)).toBe(2);
    expect(io.text().stderr).toMatch(/bad\.zone:3:\d+:/);
  });

  it('exits 2 on a bad --listen, --tsig-key or --axfr-allow', async () => {
    const good = join(dir, 'good.zone');
    writeFileSync(good, zone(1, 'x'));
    for (const [flag, value, code] of [
      ['--listen', 'localhost:53', 'dns.bad-endpoint'],
      ['--tsig-key', 'k:hmac-md5:abcd', 'tsig.bad-algorithm'],
      ['--axfr-allow', '10.0.0.0/33', 'dns.bad-acl'],
    ] as const) {
      const io = memoryIO();
      expect(await main(['hesiod', '--zone', good, flag, value], io)).toBe(2);
      expect(io.text().stderr).toContain(`[${code}]`);
    }
  });
});

describe('flatlab hesiod --map', () => {
  it('serves a Hesiod YAML map in HS and IN (class: both)', async () => {
    const signals = new EventEmitter();
    const io = memoryIO();
    let daemon: HesiodDaemon | undefined;
    const map = join(import.meta.dirname, '../fixtures/dns/hesiod/site.yml');
    const running = runHesiod({ map: [map], listen: ['127.0.0.1:0'], logQueries: true }, io, { signals, onReady: (d) => (daemon = d) });
    for (let i = 0; i < 100 && !daemon; i++) await new Promise((r) => setTimeout(r, 20));
    if (!daemon) throw new Error(`daemon did not start: ${io.text().stderr}`);
    try {
      const port = daemon.dns.udp[0]!.port;
      for (const klass of [CLASS.HS, CLASS.IN]) {
        const r = await queryServer({ host: '127.0.0.1', port }, '1000.uid.ns.example.org', TYPE.TXT, klass, { timeoutMs: 1000 });
        expect(r.answers.map((a) => a.type)).toEqual([TYPE.CNAME, TYPE.TXT]);
        expect(r.answers[1]?.rdata.subarray(1).toString()).toBe('jdoe:*:1000:1000:Jane Doe,Room 42:/home/jdoe:/bin/bash');
      }
      const logged = io.text().stderr.split('\n').filter((l) => l.includes('"msg":"query"')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.map((l) => [l.qname, l.qtype, l.qclass, l.rcode, l.transport])).toEqual([
        ['1000.uid.ns.example.org', 'TXT', 'HS', 'NOERROR', 'udp'],
        ['1000.uid.ns.example.org', 'TXT', 'IN', 'NOERROR', 'udp'],
      ]);
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await running).toBe(0);
  });
});

describe('flatlab hesiod --map --passwd --group', () => {
  const fixtures = join(import.meta.dirname, '../fixtures/dns/hesiod');

  it('serves the accounts of passwd and group files under the map\'s Hesiod domain', async () => {
    const signals = new EventEmitter();
    const io = memoryIO();
    let daemon: HesiodDaemon | undefined;
    const running = runHesiod({ map: [join(fixtures, 'site.yml')], passwd: join(fixtures, 'passwd'), group: join(fixtures, 'group'), minUid: '1000', listen: ['127.0.0.1:0'] }, io, { signals, onReady: (d) => (daemon = d) });
    for (let i = 0; i < 100 && !daemon; i++) await new Promise((r) => setTimeout(r, 20));
    if (!daemon) throw new Error(`daemon did not start: ${io.text().stderr}`);
    try {
      const port = daemon.dns.udp[0]!.port;
      const smith = await queryServer({ host: '127.0.0.1', port }, '1002.uid.ns.example.org', TYPE.TXT, CLASS.HS, { timeoutMs: 1000 });
      expect(smith.answers[1]?.rdata.subarray(1).toString()).toBe('john.smith:*:1002:100::/home/john.smith:');
      const grplist = await queryServer({ host: '127.0.0.1', port }, 'rroe.grplist.ns.example.org', TYPE.TXT, CLASS.HS, { timeoutMs: 1000 });
      expect(grplist.answers.map((a) => a.rdata.subarray(1).toString())).toEqual([expect.stringContaining('audio:29')]); // from the group file
      const root = await queryServer({ host: '127.0.0.1', port }, 'root.passwd.ns.example.org', TYPE.TXT, CLASS.HS, { timeoutMs: 1000 });
      expect(root.header.flags & 0xf).toBe(3); // NXDOMAIN: uid 0 is below --min-uid, not served
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await running).toBe(0);
  });

  it('exits 2 when the accounts have no single map to go into, or --group comes without --passwd', async () => {
    for (const [argv, code] of [
      [['--passwd', join(fixtures, 'passwd'), '--zone', join(fixtures, 'site.zone')], 'hesiod.import-map'],
      [['--passwd', join(fixtures, 'passwd'), '--map', join(fixtures, 'site.yml'), '--map', join(fixtures, 'site.yml')], 'hesiod.import-map'],
      [['--group', join(fixtures, 'group'), '--map', join(fixtures, 'site.yml')], 'hesiod.import-no-passwd'],
      [['--passwd', join(fixtures, 'passwd'), '--map', join(fixtures, 'site.yml'), '--min-uid', 'x'], 'cli.bad-number'],
    ] as const) {
      const io = memoryIO();
      expect(await main(['hesiod', ...argv, '--listen', '127.0.0.1:0'], io)).toBe(2);
      expect(io.text().stderr).toContain(`[${code}]`);
    }
  });

  it('exits 2 on a bad passwd file, naming file and line', async () => {
    const io = memoryIO();
    expect(await main(['hesiod', '--map', join(fixtures, 'site.yml'), '--passwd', join(fixtures, 'bad-passwd'), '--listen', '127.0.0.1:0'], io)).toBe(2);
    expect(io.text().stderr).toMatch(/bad-passwd:5:1: user jdoe appears twice/);
  });
});

describe('flatlab hesiod: serving, reload and shutdown', () => {
  it('reloads on SIGHUP and on an authorised POST /reload; a bad zone keeps the old one serving', async () => {
    const file = join(dir, 'ns.zone');
    writeFileSync(file, zone(1, 'jdoe:one'));
    const keyFile = join(dir, 'reload.key');
    writeFileSync(keyFile, 'a-long-enough-reload-secret\n');
    const signals = new EventEmitter();
    const io = memoryIO();
    let daemon: HesiodDaemon | undefined;
    const running = runHesiod({ zone: [file], listen: ['127.0.0.1:0'], http: '127.0.0.1:0', reloadKeyFile: keyFile }, io, { signals, onReady: (d) => (daemon = d) });
    for (let i = 0; i < 100 && !daemon; i++) await new Promise((r) => setTimeout(r, 20));
    if (!daemon) throw new Error(`daemon did not start: ${io.text().stderr}`);
    const port = daemon.dns.udp[0]!.port;
    const base = `http://127.0.0.1:${daemon.http!.address().port}`;
    const passwd = async () => {
      const r = await queryServer({ host: '127.0.0.1', port }, 'jdoe.passwd.ns.example.org', TYPE.TXT, CLASS.HS, { timeoutMs: 1000 });
      return r.answers[0]?.rdata.subarray(1).toString();
    };
    try {
      expect(await passwd()).toBe('jdoe:one');
      expect(io.text().stdout).toMatch(/listening dns udp\+tcp 127\.0\.0\.1:\d+/);

      writeFileSync(file, zone(2, 'jdoe:two'));
      signals.emit('SIGHUP');
      for (let i = 0; i < 100 && daemon.store.served()[0]?.serial !== 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await passwd()).toBe('jdoe:two');

      expect((await fetch(`${base}/reload`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${base}/reload`, { method: 'POST', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);

      writeFileSync(file, zone(3, 'jdoe:three').replace('HS SOA', 'HS SOA broken'));
      const bad = await fetch(`${base}/reload`, { method: 'POST', headers: { authorization: 'Bearer a-long-enough-reload-secret' } });
      expect(bad.status).toBe(409);
      expect(((await bad.json()) as { error: string }).error).toMatch(/ns\.zone:3/);
      expect(await passwd()).toBe('jdoe:two');
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'degraded', zones: [{ origin: 'ns.example.org', serial: 2 }], last_reload: { ok: false } });

      writeFileSync(file, zone(4, 'jdoe:four'));
      const now = Math.floor(Date.now() / 1000);
      const sig = signControlRequest(Buffer.from('a-long-enough-reload-secret'), 'POST', '/reload', Buffer.alloc(0), now);
      const ok = await fetch(`${base}/reload`, { method: 'POST', headers: { 'x-flatlab-signature': sig } });
      expect(ok.status).toBe(200);
      expect(await passwd()).toBe('jdoe:four');
      expect((await fetch(`${base}/health`)).status).toBe(200);

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/flatlab_dns_queries_total\{qclass="HS",qtype="TXT",rcode="NOERROR",transport="udp"\} 4/);
      expect(metrics).toContain('flatlab_dns_reloads_total{result="failed"} 1');
      expect(metrics).toContain('flatlab_dns_zone_serial{class="HS",zone="ns.example.org"} 4');
      expect(await (await fetch(`${base}/manifest`)).json()).toMatchObject({ module: 'flatlab-hesiod', health_endpoint: `${base}/health` });
      expect(io.text().stderr).not.toContain('"msg":"query"'); // per-query logging is off by default
    } finally {
      signals.emit('SIGTERM');
    }
    expect(await running).toBe(0);
    await expect(queryServer({ host: '127.0.0.1', port }, 'jdoe.passwd.ns.example.org', TYPE.TXT, CLASS.HS, { timeoutMs: 100, tries: 1 })).rejects.toThrow(/no answer/);
  });
});
