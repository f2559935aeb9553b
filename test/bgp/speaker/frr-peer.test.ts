/**
 * The speaker core against a real FRR bgpd over loopback TCP: routes both ways, FRR's
 * ROUTE-REFRESH (`clear bgp … soft in`) answered by re-sending our Adj-RIB-Out, and our
 * administrative shutdown seen by FRR. bgpd runs as user frr in its own pathspace directory,
 * without zebra (design.md: FRR refuses to run as root outside its vty group).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { needTools } from '../../support/need-tools.js';
import { Speaker, type Output } from '../../../src/bgp/speaker/index.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';

const reason = needTools(['/usr/lib/frr/bgpd', 'vtysh'], { root: true });
const OURS = '127.0.79.1';
const THEIRS = '127.0.79.4';
const PORT = 20000 + ((process.pid + 3571) % 20000);

function frrIds(): { uid: number; gid: number } {
  const line = execFileSync('getent', ['passwd', 'frr'], { encoding: 'utf8' }).split(':');
  return { uid: Number(line[2]), gid: Number(line[3]) };
}

describe.skipIf(reason)('speaker core with a real FRR peer', () => {
  let dir = '';
  let bgpd: ChildProcess | undefined;
  const vtysh = (cmd: string): string => execFileSync('vtysh', ['--vty_socket', dir, '-c', cmd], { encoding: 'utf8', timeout: 10_000 });

  beforeAll(() => {
    const { uid, gid } = frrIds();
    dir = mkdtempSync(join(tmpdir(), 'flatlab-speaker-frr-'));
    chmodSync(dir, 0o755);
    chownSync(dir, uid, gid);
    const conf = join(dir, 'bgpd.conf');
    writeFileSync(conf, `router bgp 65004
 bgp router-id 10.255.79.4
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor ${OURS} remote-as 65001
 neighbor ${OURS} timers 3 9
 neighbor ${OURS} passive
 address-family ipv4 unicast
  network 198.51.100.0/24
 exit-address-family
`);
    chownSync(conf, uid, gid);
    bgpd = spawn('/usr/lib/frr/bgpd', ['-f', conf, '-Z', '-n', '-p', String(PORT), '-l', THEIRS, '-u', 'frr', '-g', 'frr', '--vty_socket', dir, '-i', join(dir, 'bgpd.pid'), '-P', '0', '--log', `file:${join(dir, 'bgpd.log')}`], { stdio: 'ignore' });
  });

  afterAll(async () => {
    if (bgpd?.pid !== undefined && bgpd.exitCode === null) {
      const exited = new Promise((r) => bgpd!.once('exit', r));
      bgpd.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('routes both ways, route refresh, shutdown communication', async () => {
    // FRR rejects a loopback NEXT_HOP with NOTIFICATION 3/8 (Invalid NEXT_HOP), so the export policy sets a documentation address.
    const speaker = new Speaker(
      { localAsn: 65001, routerId: '10.255.79.1', peers: [{ id: 'frr', address: THEIRS, remoteAsn: 65004, localAddress: OURS, holdTime: 9, connectRetry: 1, families: ['ipv4-unicast'], import: resolvePolicyChain(['all'], {}), export: resolvePolicyChain(['nh'], { nh: [{ set: { 'next-hop': '192.0.2.1' }, action: 'accept' }] }) }] },
      { now: Date.now() },
    );
    let socket: Socket | undefined;
    const events: Output['events'] = [];
    let updatesSent = 0;
    const run = (out: Output): void => {
      events.push(...out.events);
      for (const s of out.send) {
        if (s.bytes[18] === 2) updatesSent++;
        socket?.write(s.bytes);
      }
      if (out.close.length) {
        socket?.end();
        socket = undefined;
      }
      for (const _ of out.connect) {
        const s = connect({ host: THEIRS, port: PORT, localAddress: OURS });
        s.on('connect', () => {
          socket = s;
          run(speaker.connectionUp('frr', { initiatedLocally: true }));
        });
        s.on('data', (chunk: Buffer) => {
          if (socket === s) run(speaker.receive('frr', new Uint8Array(chunk)));
        });
        s.on('error', () => undefined);
        s.on('close', () => {
          if (socket === s) {
            socket = undefined;
            run(speaker.connectionDown('frr'));
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

    run(speaker.originate('203.0.113.0/24', { communities: [((65001 << 16) | 7) >>> 0] }));
    run(speaker.startPeer('frr'));
    await until('Established', () => speaker.sessionState('frr') === 'Established');
    await until('FRR route', () => speaker.bestRoute('198.51.100.0/24') !== undefined);
    expect(flatAsPath(speaker.bestRoute('198.51.100.0/24')!.attributes.asPath)).toEqual([65004]);
    expect(speaker.bestRoute('198.51.100.0/24')!.attributes.nextHop).toBe(THEIRS);

    const route = (): { paths?: Array<{ aspath?: { string?: string }; community?: { string?: string }; nexthops?: Array<{ ip?: string }> }> } => JSON.parse(vtysh('show bgp ipv4 unicast 203.0.113.0/24 json'));
    await until('FRR to learn our route', () => (route().paths?.length ?? 0) > 0);
    const path = route().paths![0]!;
    expect(path.aspath?.string).toBe('65001');
    expect(path.community?.string).toBe('65001:7');
    expect(path.nexthops?.[0]?.ip).toBe('192.0.2.1');

    const before = updatesSent;
    vtysh(`clear bgp ipv4 unicast ${OURS} soft in`);
    await until('FRR route refresh', () => events.some((e) => e.type === 'route-refresh-received'));
    expect(updatesSent).toBeGreaterThan(before);

    run(speaker.stopPeer('frr', 'flatlab maintenance'));
    // (BIRD's test checks that the shutdown text itself is read; FRR 8.4 does not show it in `show bgp neighbors`.)
    await until('FRR to see the shutdown', () => vtysh(`show bgp neighbors ${OURS}`).includes('Notification received (Cease/Administrative Shutdown)'), 10_000);
  }, 90_000);
});
