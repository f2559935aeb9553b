import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHesinfo } from '../../src/cli/hesinfo.js';
import { memoryIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { DnsMetrics } from '../../src/dns/server/dns-metrics.js';
import { startDnsServer, type DnsServer } from '../../src/dns/server/dns-server.js';
import { ZoneStore } from '../../src/dns/server/zone-store.js';
import type { Zone } from '../../src/dns/zone/model.js';

const txt = (s: string) => [Buffer.from(s.slice(0, 10)), Buffer.from(s.slice(10))];
const soa = (origin: string) => ({ name: origin, type: 'SOA', class: 'HS' as const, ttl: 60, data: { mname: `ns.${origin}`, rname: `h.${origin}`, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } });
// HS-only zone (served with hsAlsoIn off) and an IN zone for another domain.
const hsZone: Zone = {
  origin: 'ns.example.org',
  class: 'HS',
  records: [soa('ns.example.org'), { name: 'jdoe.passwd.ns.example.org', type: 'TXT', class: 'HS', ttl: 60, data: txt('jdoe:*:1001:1001::/home/jdoe:/bin/sh') }],
};

let server: DnsServer;
let dir: string;
let port: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fl-hesinfo-cli-'));
  server = await startDnsServer({ listen: [{ host: '127.0.0.1', port: 0 }], store: new ZoneStore([hesiodZoneForIn(), hsZone], { hsAlsoIn: false, now: () => new Date(0) }), metrics: new DnsMetrics() });
  port = server.udp[0]!.port;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function hesiodZoneForIn(): Zone {
  return {
    origin: 'in.example.net',
    class: 'IN',
    records: [{ ...soa('in.example.net'), class: 'IN' }, { name: 'asmith.passwd.in.example.net', type: 'TXT', class: 'IN', ttl: 60, data: [Buffer.from('asmith:*:1002:1002::/home/asmith:/bin/sh')] }],
  };
}

describe('flatlab hesinfo', () => {
  it('joins character-strings of one TXT record into one line, trying HS after NXDOMAIN in IN', async () => {
    // IN for ns.example.org is REFUSED (HS-only server) — so ask HS first here.
    const io = memoryIO();
    expect(await runHesinfo('jdoe', 'passwd', { server: `127.0.0.1:${port}`, lhs: '.ns', rhs: '.example.org', classes: 'HS,IN' }, io)).toBe(0);
    expect(io.text().stdout).toBe('jdoe:*:1001:1001::/home/jdoe:/bin/sh\n');
  });

  it('stops at REFUSED like libhesiod (IN first against an HS-only server)', async () => {
    const io = memoryIO();
    expect(await runHesinfo('jdoe', 'passwd', { server: `127.0.0.1:${port}`, lhs: '.ns', rhs: '.example.org', classes: 'IN,HS' }, io)).toBe(1);
    expect(io.text().stderr).toContain('REFUSED');
  });

  it('moves on to the next class on NXDOMAIN', async () => {
    const io = memoryIO();
    expect(await runHesinfo('asmith', 'passwd', { server: `127.0.0.1:${port}`, lhs: '.in', rhs: '.example.net', classes: 'IN,HS' }, io)).toBe(0);
    const miss = memoryIO();
    expect(await runHesinfo('nobody', 'passwd', { server: `127.0.0.1:${port}`, lhs: '.in', rhs: '.example.net', classes: 'IN' }, miss)).toBe(1);
    expect(miss.text().stderr).toBe('hesinfo: hesiod_resolve: Hesiod name not found.\n');
  });

  it('reads hesiod.conf (-c), prints -b and --long like hesinfo -bl, and JSON', async () => {
    const conf = join(dir, 'hesiod.conf');
    writeFileSync(conf, 'lhs=.ns\nrhs=.example.org\nclasses=HS\n');
    const io = memoryIO();
    expect(await main(['hesinfo', '-s', `127.0.0.1:${port}`, '-c', conf, '-b', '--long', 'jdoe', 'passwd'], io)).toBe(0);
    expect(io.text().stdout).toBe('hes_to_bind(jdoe, passwd) expands to\njdoe.passwd.ns.example.org\nwhich resolves to\njdoe:*:1001:1001::/home/jdoe:/bin/sh\n');
    const json = memoryIO();
    expect(await main(['hesinfo', '-s', `127.0.0.1:${port}`, '-c', conf, '--json', 'jdoe', 'passwd'], json)).toBe(0);
    expect(JSON.parse(json.text().stdout)).toMatchObject({ bind_name: 'jdoe.passwd.ns.example.org', found: true, class: 'HS', records: ['jdoe:*:1001:1001::/home/jdoe:/bin/sh'] });
  });

  it('exits 2 on usage errors: unreadable config, bad class, bad server', async () => {
    for (const argv of [
      ['hesinfo', '-c', join(dir, 'missing.conf'), 'jdoe', 'passwd'],
      ['hesinfo', '-r', '.example.org', '--classes', 'CH', 'jdoe', 'passwd'],
      ['hesinfo', '-r', '.example.org', '-s', 'nowhere:53', 'jdoe', 'passwd'],
      ['hesinfo', 'jdoe'],
    ]) {
      const io = memoryIO();
      expect(await main(argv, io)).toBe(2);
    }
  });
});
