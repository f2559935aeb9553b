/**
 * Real captures: BIRD, GoBGP and ExaBGP each peer with a tiny Node TCP listener on 127.0.77.x
 * (the daemon connects out, to a port the listener picked), which answers their OPEN with
 * ours, records every message the daemon sends (OPEN, KEEPALIVE, UPDATEs with communities,
 * large communities, MED and a prepended AS path, End-of-RIB), then sends one UPDATE with an
 * invalid NLRI and records the NOTIFICATION that comes back. Every message must decode without
 * errors and re-encode byte for byte. `UPDATE_GOLDENS=1` rewrites
 * test/fixtures/bgp/captures/<daemon>.json, which test/bgp/wire/captures.test.ts checks on
 * every run without the daemons.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BgpFramer, codecContext, decodeMessage, encodeMessage, isEndOfRib } from '../../src/bgp/wire/index.js';
import type { BgpMessage } from '../../src/bgp/wire/index.js';
import { checkCapture, type Capture } from '../bgp/wire/support/captures.js';
import { needTools } from '../support/need-tools.js';
import { startHostDaemon, stopStarted } from '../support/daemons.js';

const ctx = codecContext();
const fixtures = join(import.meta.dirname, '../fixtures/bgp/captures');
const dirs: string[] = [];

afterAll(async () => {
  await stopStarted();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `flatlab-capture-${name}-`));
  dirs.push(d);
  return d;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** A free TCP port on `host` (bind to 0, read, close). */
async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, host, res));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

interface Session {
  server: Server;
  port: number;
  /** Resolves with the messages the daemon sent, in order, as hex. */
  done: Promise<string[]>;
}

/**
 * Listen on host:0; when the daemon connects: answer its OPEN, record what it sends until
 * End-of-RIB for IPv4 and IPv6 and `expectedPrefixes` announced, then provoke a NOTIFICATION.
 * Bounded by `timeoutMs`.
 */
async function listen(host: string, myAs: number, expectedPrefixes: number, timeoutMs = 30_000): Promise<Session> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, host, res));
  const port = (server.address() as AddressInfo).port;
  const done = new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const timer = setTimeout(() => reject(new Error(`capture timed out after ${timeoutMs} ms; got ${got.length} messages: ${got.map((h) => h.slice(36, 38)).join(',')}`)), timeoutMs);
    server.on('connection', (sock: Socket) => {
      const framer = new BgpFramer(() => ctx);
      let announced = 0;
      let eor4 = false;
      let eor6 = false;
      let provoked = false;
      let settle: NodeJS.Timeout | undefined;
      const provoke = (): void => {
        if (provoked) return;
        provoked = true;
        // An NLRI prefix of length 33: RFC 4271 §6.3 / RFC 7606 §5.3 → NOTIFICATION 3/10.
        sock.write(Buffer.from(`${'ff'.repeat(16)}001c0200000000210a000000`, 'hex'));
      };
      const finish = (): void => {
        clearTimeout(timer);
        clearTimeout(settle);
        sock.destroy();
        server.close();
        resolve(got);
      };
      sock.on('data', (chunk: Buffer) => {
        for (const m of framer.push(new Uint8Array(chunk))) {
          got.push(hex(m));
          const d = decodeMessage(m, ctx).message;
          if (d.type === 'OPEN') {
            const open: BgpMessage = {
              type: 'OPEN',
              version: 4,
              myAs,
              holdTime: 90,
              bgpIdentifier: host,
              capabilities: [
                { code: 1, name: 'multiprotocol', afi: 1, safi: 1 },
                { code: 1, name: 'multiprotocol', afi: 2, safi: 1 },
                { code: 2, name: 'route-refresh' },
                { code: 65, name: 'four-octet-as', asn: myAs },
              ],
            };
            sock.write(encodeMessage(open, ctx));
            sock.write(encodeMessage({ type: 'KEEPALIVE' }, ctx));
          } else if (d.type === 'UPDATE') {
            announced += d.nlri.length + (d.attributes.mpReach?.nlri.length ?? 0);
            if (isEndOfRib(d)) {
              if (d.attributes.mpUnreach?.afi === 2) eor6 = true;
              else eor4 = true;
            }
          } else if (d.type === 'NOTIFICATION') {
            finish();
            return;
          }
          if (announced >= expectedPrefixes) {
            // Both End-of-RIBs, or (for daemons that send none without graceful restart) 2 s of quiet.
            if (eor4 && eor6) provoke();
            else {
              clearTimeout(settle);
              settle = setTimeout(provoke, 2000);
            }
          }
        }
      });
      sock.on('error', () => undefined);
      sock.on('close', () => {
        if (provoked) finish();
      });
    });
  });
  return { server, port, done };
}

/** First line of `cmd args`, whichever stream it went to (BIRD prints its version on stderr). */
function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

function record(name: string, capture: Capture): void {
  checkCapture(capture);
  if (process.env.UPDATE_GOLDENS) writeFileSync(join(fixtures, `${name}.json`), `${JSON.stringify(capture, null, 2)}\n`);
}

const reason = needTools(['bird', 'gobgpd', 'gobgp', 'exabgp']);

describe.skipIf(reason)('captures from real BGP daemons', () => {
  test('BIRD', async () => {
    const dir = tempDir('bird');
    const session = await listen('127.0.77.2', 65002, 3);
    const filter = 'filter out_attrs { bgp_community.add((65001,100)); bgp_community.add((65001,200)); bgp_large_community.add((65001,1,2)); bgp_med = 50; bgp_path.prepend(65010); accept; }';
    writeFileSync(
      join(dir, 'bird.conf'),
      `router id 127.0.77.1;
${filter}
protocol device {}
protocol static s4 { ipv4; route 203.0.113.0/24 blackhole; route 198.51.100.0/25 blackhole; }
protocol static s6 { ipv6; route 2001:db8:100::/48 blackhole; }
protocol bgp peer1 {
  local 127.0.77.1 as 65001;
  neighbor 127.0.77.2 port ${session.port} as 65002;
  multihop;
  hold time 90;
  connect retry time 1;
  ipv4 { import none; export filter out_attrs; next hop self; };
  ipv6 { import none; export filter out_attrs; next hop address 2001:db8::1; };
}
`,
    );
    const bird = await startHostDaemon('bird', ['bird', '-f', '-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-P', join(dir, 'bird.pid')], dir);
    try {
      const messages = await session.done;
      record('bird', { daemon: 'bird', version: version('bird', ['--version']), localAs: 65001, peerAs: 65002, messages });
    } finally {
      await bird.stop();
    }
  });

  test('GoBGP', async () => {
    const dir = tempDir('gobgp');
    const session = await listen('127.0.77.4', 65002, 3);
    const api = await freePort('127.0.0.1');
    writeFileSync(
      join(dir, 'gobgpd.toml'),
      `[global.config]
  as = 65001
  router-id = "127.0.77.3"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.77.4"
    peer-as = 65002
  [neighbors.transport.config]
    remote-port = ${session.port}
    local-address = "127.0.77.3"
  [neighbors.timers.config]
    connect-retry = 1
  [neighbors.ebgp-multihop.config]
    enabled = true
    multihop-ttl = 5
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
`,
    );
    const gobgpd = await startHostDaemon('gobgpd', ['gobgpd', '-f', join(dir, 'gobgpd.toml'), '--api-hosts', `127.0.0.1:${api}`, '--log-level', 'warn'], dir);
    try {
      const cli = (...args: string[]): void => {
        for (let i = 0; ; i++) {
          try {
            execFileSync('gobgp', ['-u', '127.0.0.1', '-p', String(api), ...args], { stdio: 'pipe', timeout: 5000 });
            return;
          } catch (e) {
            if (i >= 20) throw e;
            execFileSync('sleep', ['0.25']);
          }
        }
      };
      const attrs = ['origin', 'igp', 'aspath', '65010', 'med', '50', 'community', '65001:100,65001:200', 'large-community', '65001:1:2'];
      cli('global', 'rib', 'add', '203.0.113.0/24', 'nexthop', '127.0.77.3', ...attrs, '-a', 'ipv4');
      cli('global', 'rib', 'add', '198.51.100.0/25', 'nexthop', '127.0.77.3', ...attrs, '-a', 'ipv4');
      cli('global', 'rib', 'add', '2001:db8:100::/48', 'nexthop', '2001:db8::3', ...attrs, '-a', 'ipv6');
      const messages = await session.done;
      record('gobgp', { daemon: 'gobgp', version: version('gobgpd', ['--version']), localAs: 65001, peerAs: 65002, messages });
    } finally {
      await gobgpd.stop();
    }
  });

  test('ExaBGP', async () => {
    const dir = tempDir('exabgp');
    const session = await listen('127.0.77.6', 65002, 3);
    const attrs = 'origin igp as-path [ 65001 65010 ] med 50 community [ 65001:100 65001:200 ] large-community [ 65001:1:2 ]';
    writeFileSync(
      join(dir, 'exabgp.conf'),
      `neighbor 127.0.77.6 {
  router-id 127.0.77.5;
  local-address 127.0.77.5;
  local-as 65001;
  peer-as 65002;
  hold-time 90;
  family { ipv4 unicast; ipv6 unicast; }
  static {
    route 203.0.113.0/24 next-hop 127.0.77.5 ${attrs};
    route 198.51.100.0/25 next-hop 127.0.77.5 ${attrs};
    route 2001:db8:100::/48 next-hop 2001:db8::5 ${attrs};
  }
}
`,
    );
    const env = {
      exabgp_tcp_port: String(session.port),
      exabgp_tcp_bind: '',
      exabgp_daemon_user: 'root',
      exabgp_daemon_drop: 'false',
      exabgp_log_destination: 'stdout',
      exabgp_api_cli: 'false',
    };
    const exabgp = await startHostDaemon('exabgp', ['exabgp', join(dir, 'exabgp.conf')], dir, { env });
    try {
      const messages = await session.done;
      record('exabgp', { daemon: 'exabgp', version: version('exabgp', ['--version']), localAs: 65001, peerAs: 65002, messages });
    } finally {
      await exabgp.stop();
    }
  });
});

