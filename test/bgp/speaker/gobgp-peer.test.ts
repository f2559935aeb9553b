/**
 * The speaker core against a real GoBGP over loopback TCP, with both IPv4 and IPv6 unicast
 * (MP_REACH with an IPv6 next hop over an IPv4 session, RFC 4760) and a 4-octet local AS.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { needTools } from '../../support/need-tools.js';
import { Speaker, type Output } from '../../../src/bgp/speaker/index.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';

const reason = needTools(['gobgpd', 'gobgp']);
const OURS = '127.0.78.1';
const THEIRS = '127.0.78.3';
const PORT = 20000 + ((process.pid + 7919) % 20000);
const API = `127.0.0.1:${40000 + (process.pid % 20000)}`;
const LOCAL_AS = 4200000001;

describe.skipIf(reason)('speaker core with a real GoBGP peer', () => {
  let dir = '';
  let gobgpd: ChildProcess | undefined;
  const gobgp = (...args: string[]): string => execFileSync('gobgp', ['-u', API.split(':')[0]!, '-p', API.split(':')[1]!, ...args], { encoding: 'utf8', timeout: 10_000 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flatlab-speaker-gobgp-'));
    writeFileSync(join(dir, 'gobgpd.toml'), `
[global.config]
  as = 65003
  router-id = "10.255.78.3"
  port = ${PORT}
  local-address-list = ["${THEIRS}"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "${OURS}"
    peer-as = ${LOCAL_AS}
  [neighbors.transport.config]
    passive-mode = true
    local-address = "${THEIRS}"
  [neighbors.timers.config]
    hold-time = 9
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
`);
    gobgpd = spawn('gobgpd', ['-f', join(dir, 'gobgpd.toml'), '--api-hosts', API, '--pprof-disable', '-p'], { stdio: ['ignore', openSync(join(dir, 'gobgpd.log'), 'w'), openSync(join(dir, 'gobgpd.log'), 'a')] });
  });

  afterAll(async () => {
    if (gobgpd?.pid !== undefined && gobgpd.exitCode === null) {
      const exited = new Promise((r) => gobgpd!.once('exit', r));
      gobgpd.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('IPv4 and IPv6 routes both ways; 4-octet AS and an export policy seen by GoBGP', async () => {
    // GoBGP treats an UPDATE whose NEXT_HOP is a loopback address as withdraw ("invalid nexthop
    // address"), so the export policy gives IPv4 routes a documentation address instead.
    const exportPolicies = { 'v4-next-hop': [{ match: { family: 'ipv4' as const }, set: { 'next-hop': '192.0.2.1' }, action: 'next' as const }] };
    const speaker = new Speaker(
      { localAsn: LOCAL_AS, routerId: '10.255.78.1', peers: [{ id: 'gobgp', address: THEIRS, remoteAsn: 65003, localAddress: OURS, localAddress6: 'fd00:78::1', holdTime: 9, connectRetry: 1, import: resolvePolicyChain(['all'], {}), export: resolvePolicyChain(['v4-next-hop', 'all'], exportPolicies) }] },
      { now: Date.now() },
    );
    let socket: Socket | undefined;
    const events: Output['events'] = [];
    const run = (out: Output): void => {
      events.push(...out.events);
      for (const s of out.send) socket?.write(s.bytes);
      if (out.close.length) {
        socket?.end();
        socket = undefined;
      }
      for (const _ of out.connect) {
        const s = connect({ host: THEIRS, port: PORT, localAddress: OURS });
        s.on('connect', () => {
          socket = s;
          run(speaker.connectionUp('gobgp', { initiatedLocally: true }));
        });
        s.on('data', (chunk: Buffer) => {
          if (socket === s) run(speaker.receive('gobgp', new Uint8Array(chunk)));
        });
        s.on('error', () => undefined);
        s.on('close', () => {
          if (socket === s) {
            socket = undefined;
            run(speaker.connectionDown('gobgp'));
          }
        });
      }
    };
    const until = async (what: string, cond: () => boolean, ms = 30_000): Promise<void> => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 200));
        run(speaker.tick(Date.now()));
      }
    };

    // gobgpd needs a moment to open its API port.
    await until('gobgpd API', () => {
      try {
        gobgp('global');
        return true;
      } catch {
        return false;
      }
    });
    gobgp('global', 'rib', 'add', '198.51.100.0/24', '-a', 'ipv4');
    gobgp('global', 'rib', 'add', '2001:db8:78::/48', 'nexthop', 'fd00:78::3', '-a', 'ipv6');
    run(speaker.originate('203.0.113.0/24'));
    run(speaker.originate('2001:db8:1::/48'));
    run(speaker.startPeer('gobgp'));
    await until('Established', () => speaker.sessionState('gobgp') === 'Established');
    expect(speaker.negotiatedFamilies('gobgp').sort()).toEqual(['ipv4-unicast', 'ipv6-unicast']);
    await until('GoBGP routes', () => speaker.bestRoute('198.51.100.0/24') !== undefined && speaker.bestRoute('2001:db8:78::/48') !== undefined);
    expect(flatAsPath(speaker.bestRoute('198.51.100.0/24')!.attributes.asPath)).toEqual([65003]);
    expect(speaker.bestRoute('2001:db8:78::/48')!.attributes.nextHop).toBe('fd00:78::3');

    const rib = (family: string, prefix: string): string => gobgp('global', 'rib', prefix, '-a', family);
    await until('GoBGP to learn our routes', () => rib('ipv4', '203.0.113.0/24').includes('203.0.113.0/24') && rib('ipv6', '2001:db8:1::/48').includes('2001:db8:1::/48')).catch((err: Error) => {
      throw new Error(`${err.message}\n${readFileSync(join(dir, 'gobgpd.log'), 'utf8').slice(-3000)}\n${gobgp('global', 'rib', '-a', 'ipv4')}\n${gobgp('global', 'rib', '-a', 'ipv6')}\n${gobgp('neighbor')}`);
    });
    expect(rib('ipv4', '203.0.113.0/24')).toMatch(/192\.0\.2\.1\s+4200000001\b/);
    expect(rib('ipv6', '2001:db8:1::/48')).toMatch(/fd00:78::1\s+4200000001\b/);
  }, 90_000);
});
