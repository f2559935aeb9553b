/** flatlab bgpd ↔ BIRD 2 on loopback: the session establishes and routes flow both ways. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBgpd } from '../../src/cli/bgpd.js';
import { memoryIO } from '../../src/cli/io.js';
import { neighborViews } from '../../src/bgp/daemon/views.js';
import type { BgpDaemon } from '../../src/bgp/daemon/daemon.js';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['bird', 'birdc']);
const dir = mkdtempSync(join(tmpdir(), 'flatlab-bgpd-bird-'));
const ours = { address: '127.0.0.1', port: 17901, asn: 65001 };
const bird = { address: '127.0.0.2', port: 17902, asn: 65002 };

async function until<T>(what: string, f: () => T | undefined, ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(reason)('flatlab bgpd with BIRD 2', () => {
  let birdProc: ChildProcess;
  let running: { daemon: BgpDaemon; stop(): Promise<void> };
  const sock = join(dir, 'bird.ctl');
  // birdc exits non-zero for "Network not found": read its output either way.
  const birdc = (...args: string[]) => spawnSync('birdc', ['-s', sock, ...args], { encoding: 'utf8' }).stdout;

  beforeAll(async () => {
    writeFileSync(join(dir, 'bird.conf'), `router id 10.0.0.2;
protocol device {}
protocol static { ipv4; route 203.0.113.0/24 blackhole; }
protocol bgp flatlab {
  local ${bird.address} port ${bird.port} as ${bird.asn};
  neighbor ${ours.address} port ${ours.port} as ${ours.asn};
  multihop;
  connect retry time 1;
  ipv4 { import all; export all; };
}
`);
    writeFileSync(join(dir, 'bgpd.yml'), `router-id: 10.0.0.1
asn: ${ours.asn}
listen: { address: [${ours.address}], port: ${ours.port} }
originate: [198.51.100.0/24]
peers:
  - name: bird
    address: ${bird.address}
    port: ${bird.port}
    remote-as: ${bird.asn}
    local-address: ${ours.address}
    multihop: true
    import: all
    export: all
`);
    birdProc = spawn('bird', ['-f', '-c', join(dir, 'bird.conf'), '-s', sock], { stdio: 'ignore' });
    running = await startBgpd({ config: join(dir, 'bgpd.yml'), logLevel: 'quiet' }, memoryIO(dir));
  });

  afterAll(async () => {
    await running?.stop();
    birdProc?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('establishes and exchanges routes with AS_PATH and NEXT_HOP as BIRD sets them', async () => {
    await until('session Established', () => (neighborViews(running.daemon)[0]?.state === 'Established' ? true : undefined));
    const learned = await until('BIRD route in Loc-RIB', () => running.daemon.speaker.bestRoute('203.0.113.0/24'));
    expect(learned.attributes.asPath).toEqual([{ type: 2, asns: [65002] }]);
    expect(learned.attributes.nextHop).toBe(bird.address);
    const shown = await until('our route in BIRD', () => {
      const out = birdc('show', 'route', '198.51.100.0/24', 'all');
      return out.includes('BGP.as_path: 65001') ? out : undefined;
    });
    expect(shown).toContain(`BGP.next_hop: ${ours.address}`);
    expect(birdc('show', 'protocols', 'flatlab')).toContain('Established');
  });

  it('withdraws from BIRD when the route is withdrawn, and ceases with an RFC 8203 message', async () => {
    running.daemon.apply(running.daemon.speaker.withdrawOriginated('198.51.100.0/24'));
    await until('withdrawal in BIRD', () => (birdc('show', 'route', '198.51.100.0/24').includes('198.51.100.0/24') ? undefined : true));
    running.daemon.apply(running.daemon.speaker.stopPeer('bird', 'maintenance window'));
    const shown = await until('BIRD sees the shutdown', () => {
      const out = birdc('show', 'protocols', 'all', 'flatlab');
      return out.includes('maintenance window') ? out : undefined;
    });
    expect(shown).toMatch(/Administrative shutdown|Received: Administrative shutdown/);
  });
});
