/**
 * The records the map generates, read by the real clients: Debian's `hesinfo` (libhesiod
 * 3.2.1) asks BIND's `named`, which serves the generated zone, inside a network namespace
 * of our own (`ip netns exec` gives it its own resolv.conf pointing at 127.0.0.1).
 * This checks the record shapes independently of flatlab's server.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadHesiodMapFile } from '../../../src/dns/hesiod/map.js';
import { printZone } from '../../../src/dns/zone/model.js';
import { needTools } from '../../support/need-tools.js';

const reason = needTools(['ip', 'named', 'hesinfo', 'dig'], { root: true });

describe.skipIf(reason)('hesinfo reads the generated records (served by BIND)', () => {
  const ns = `flatlab-f1-${process.pid}`;
  const netnsEtc = `/etc/netns/${ns}`;
  let dir = '';
  let named: ResultPromise | undefined;
  const inNs = (cmd: string, args: string[]) => execa('ip', ['netns', 'exec', ns, cmd, ...args], { reject: false, timeout: 10_000, env: { HESIOD_CONFIG: join(dir, 'hesiod.conf') } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flatlab-hesinfo-'));
    const zone = await loadHesiodMapFile('test/fixtures/dns/hesiod/site.yml');
    // libhesiod asks class IN first (design.md); BIND serves HS only inside an HS view, so serve the data as IN.
    writeFileSync(join(dir, 'hesiod.zone'), printZone({ ...zone, class: 'IN', records: zone.records.map((r) => ({ ...r, class: 'IN' })) }));
    writeFileSync(join(dir, 'named.conf'), `options { directory "${dir}"; listen-on port 53 { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; pid-file none; };\nzone "${zone.origin}" IN { type primary; file "${join(dir, 'hesiod.zone')}"; };\n`);
    writeFileSync(join(dir, 'hesiod.conf'), 'lhs=.ns\nrhs=.example.org\nclasses=IN,HS\n');
    await execa('ip', ['netns', 'add', ns]);
    await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    mkdirSync(netnsEtc, { recursive: true });
    writeFileSync(join(netnsEtc, 'resolv.conf'), 'nameserver 127.0.0.1\n');
    named = execa('ip', ['netns', 'exec', ns, 'named', '-g', '-c', join(dir, 'named.conf')], { reject: false });
    // Wait (bounded) until named answers the SOA.
    for (let i = 0; i < 50; i++) {
      const r = await execa('ip', ['netns', 'exec', ns, 'dig', '+short', '+time=1', '+tries=1', '@127.0.0.1', zone.origin, 'SOA'], { reject: false, timeout: 5000 });
      if (r.exitCode === 0 && r.stdout.trim() !== '') return;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error('named did not start serving the zone within 10 s');
  }, 60_000);

  afterAll(async () => {
    if (named?.pid !== undefined) {
      named.kill('SIGTERM');
      await Promise.race([named, new Promise((res) => setTimeout(res, 5000))]);
      if (named.exitCode === null) named.kill('SIGKILL');
    }
    await execa('ip', ['netns', 'del', ns], { reject: false });
    rmSync(netnsEtc, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['jdoe passwd', 'jdoe:*:1000:1000:Jane Doe,Room 42:/home/jdoe:/bin/bash'],
    ['1000 uid', 'jdoe:*:1000:1000:Jane Doe,Room 42:/home/jdoe:/bin/bash'],
    ['users group', 'users:*:100:jdoe,rroe'],
    ['100 gid', 'users:*:100:jdoe,rroe'],
    ['jdoe grplist', 'jdoe:1000:users:100:wheel:10'],
    ['rroe pobox', 'IMAP imap.example.org richard'],
    ['jdoe filsys', 'NFS /export/home/jdoe nfs1.example.org w /home/jdoe'],
    ['scratch filsys', 'AFS /afs/example.org/scratch r /scratch\nERR scratch is read-only this week'],
    ['mail service', 'smtp tcp 25 mail'],
    ['zephyr sloc', 'z1.example.org\nz2.example.org'],
  ])('hesinfo %s', async (query, expected) => {
    const r = await inNs('hesinfo', query.split(' '));
    expect({ code: r.exitCode, out: r.stdout.split('\n').sort().join('\n') }).toEqual({ code: 0, out: expected.split('\n').sort().join('\n') });
  });

  test('hesinfo reports a name that is not there', async () => {
    const r = await inNs('hesinfo', ['nobody', 'passwd']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/not found/);
  });
});
