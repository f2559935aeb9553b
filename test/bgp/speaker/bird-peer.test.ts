/**
 * The speaker core against a real BIRD over loopback TCP: a session comes up, routes go both
 * ways with the AS_PATH and next hop each side expects. A thin test driver owns the socket
 * and the clock, as the daemon will.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { needTools } from '../../support/need-tools.js';
import { Speaker, type Output } from '../../../src/bgp/speaker/index.js';
import { resolvePolicyChain } from '../../../src/bgp/policy/evaluate.js';
import { flatAsPath } from '../../../src/bgp/policy/as-path.js';

const reason = needTools(['bird', 'birdc']);
const OURS = '127.0.77.1';
const BIRDS = '127.0.77.2';
const PORT = 20000 + (process.pid % 20000);

describe.skipIf(reason)('speaker core with a real BIRD peer', () => {
  let dir = '';
  let bird: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flatlab-speaker-bird-'));
    writeFileSync(join(dir, 'bird.conf'), `
router id 10.255.77.2;
protocol device {}
protocol static s4 {
  ipv4;
  route 198.51.100.0/24 blackhole;
  # Loopback peers are not on a "directly connected" interface for BIRD: multihop, and a route to resolve our next hop.
  route 127.0.77.0/24 via "lo";
}
protocol bgp flatlab {
  local ${BIRDS} port ${PORT} as 65002;
  neighbor ${OURS} as 65001;
  multihop 1;
  hold time 9;
  connect retry time 1;
  error wait time 1, 2;
  ipv4 { import all; export all; };
}
`);
    bird = spawn('bird', ['-f', '-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-P', join(dir, 'bird.pid')], { stdio: 'ignore' });
  });

  afterAll(() => {
    if (bird?.pid !== undefined && bird.exitCode === null) bird.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('session up, routes both ways, shutdown reaches BIRD', async () => {
    const speaker = new Speaker(
      { localAsn: 65001, routerId: '10.255.77.1', peers: [{ id: 'bird', address: BIRDS, remoteAsn: 65002, localAddress: OURS, holdTime: 9, connectRetry: 1, families: ['ipv4-unicast'], import: resolvePolicyChain(['all'], {}), export: resolvePolicyChain(['all'], {}) }] },
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
        const s = connect({ host: BIRDS, port: PORT, localAddress: OURS });
        s.on('connect', () => {
          socket = s;
          run(speaker.connectionUp('bird', { initiatedLocally: true }));
        });
        s.on('data', (chunk: Buffer) => {
          if (socket === s) run(speaker.receive('bird', new Uint8Array(chunk)));
        });
        s.on('error', () => undefined);
        s.on('close', () => {
          if (socket === s) {
            socket = undefined;
            run(speaker.connectionDown('bird'));
          }
        });
      }
    };
    const until = async (what: string, cond: () => boolean, ms = 20_000): Promise<void> => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 100));
        run(speaker.tick(Date.now()));
      }
    };

    run(speaker.originate('203.0.113.0/24'));
    run(speaker.startPeer('bird'));
    await until('Established', () => speaker.sessionState('bird') === 'Established');
    await until('BIRD route', () => speaker.bestRoute('198.51.100.0/24') !== undefined);
    const fromBird = speaker.bestRoute('198.51.100.0/24')!;
    expect(flatAsPath(fromBird.attributes.asPath)).toEqual([65002]);
    expect(fromBird.attributes.nextHop).toBe(BIRDS);

    const birdc = (cmd: string): string => execFileSync('birdc', ['-s', join(dir, 'bird.ctl'), cmd], { encoding: 'utf8', timeout: 5000 });
    await until('BIRD to learn our route', () => birdc('show route 203.0.113.0/24 all').includes('BGP.as_path: 65001'));
    const shown = birdc('show route 203.0.113.0/24 all');
    expect(shown).toContain(`BGP.next_hop: ${OURS}`);

    run(speaker.stopPeer('bird', 'flatlab test done'));
    await until('BIRD to see the shutdown', () => /Received: Administrative shutdown/.test(birdc('show protocols all flatlab')), 10_000);
    expect(birdc('show protocols all flatlab')).toContain('flatlab test done');
  }, 60_000);
});
