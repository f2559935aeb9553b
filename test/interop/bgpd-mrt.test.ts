// flatlab bgpd's MRT output read by other tools, on loopback: dut learns routes from two eBGP
// speakers (IPv4 and IPv6, a 4-octet ASN, overlapping paths), writes RIB dumps, and
//  - GoBGP (`gobgp mrt inject global`) loads them into a separate gobgpd whose global RIB then
//    has the same prefixes, AS paths and next hops;
//  - bgpdump (Debian's) reads the dumps and the update log without complaint and prints the
//    same routes.
// GoBGP 3.10 (Debian) has two bugs met here, both fixed upstream later:
//  - its `mrt inject` client exits without closing its gRPC stream, so the last paths it sent
//    may never reach gobgpd (upstream fix 2025: "close the stream properly"). The dump is fed
//    through a FIFO that stays open until gobgpd has every path, so the client is alive while
//    its stream drains.
//  - before 3.17 it reads RIB entries' MP_REACH_NLRI only in the full RFC 4760 form, not the
//    RFC 6396 §4.3.4 one (next hop only) that our dumps carry by default: IPv6 entries are
//    "unknown route family". bgpd.yml `mp-reach: full` writes the form it reads; the test
//    checks IPv6 through that dump, and through the RFC form when GoBGP is 3.17 or newer.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mrtConfigSchema } from '../../src/bgp/daemon/mrt-config.js';
import { MrtOutput, realTimers } from '../../src/bgp/daemon/mrt-output.js';
import { daemonRibSource, daemonSessionEnds } from '../../src/bgp/daemon/mrt-source.js';
import { gobgpPaths } from '../../src/runtime/netns/observers/gobgp.js';
import { LoopbackLab, freePort, until } from '../bgp/daemon/loopback-lab.js';
import { startHostDaemon, stopStarted, waitFor, type RunningDaemon } from '../support/daemons.js';
import { needTools } from '../support/need-tools.js';

const reason = needTools(['gobgpd', 'gobgp', 'bgpdump', 'mkfifo']);
if (reason) console.log(`skipping MRT interop: ${reason}`);

/** One path as every tool can show it. */
interface PathKey {
  prefix: string;
  asPath: string;
  nextHop: string;
}
const key = (p: PathKey): string => `${p.prefix} [${p.asPath}] via ${p.nextHop}`;
const keys = (ps: Iterable<PathKey>): string[] => [...new Set([...ps].map(key))].sort();

describe.skipIf(reason)('MRT output read by GoBGP and bgpdump', () => {
  const lab = new LoopbackLab();
  let gobgpd: RunningDaemon | undefined;
  let apiPort = 0;
  let expected: PathKey[] = [];
  let dumps: { rfc: string; full: string };
  let gobgpVersion: [number, number];

  beforeAll(async () => {
    await lab.start({
      dutPeers: ({ p1, p2 }) => [{ to: p1, extra: 'families: [ipv4, ipv6]\nimport: all\nexport: all' }, { to: p2 }],
      dutMore: 'mrt:\n  updates: { file: "updates.mrt.gz", sent: true }\n  extended-timestamp: true',
    });
    lab.p1.writeConfig(readFileSync(lab.p1.file, 'utf8').replace('    import: all', '    families: [ipv4, ipv6]\n    import: all'));
    expect((await lab.p1.post('/reload')).status).toBe(200);
    await lab.established('p1', 'p2');
    const announce = async (d: typeof lab.p1, prefix: string, body: Record<string, unknown>) => expect((await d.post('/announce', { prefix, ...body })).status).toBe(200);
    await announce(lab.p1, '198.51.100.0/24', { asPath: [64500], nextHop: '192.0.2.2', med: 10, communities: ['65002:1'] });
    await announce(lab.p1, '203.0.113.0/24', { asPath: [4200000001, 64501], nextHop: '192.0.2.2' });
    await announce(lab.p1, '2001:db8:1::/48', { asPath: [64500], nextHop: '2001:db8::2' });
    await announce(lab.p1, '2001:db8:2::/48', { asPath: [64502, 4200000002], nextHop: '2001:db8::2' });
    await announce(lab.p2, '198.51.100.0/24', { asPath: [64500, 64501], nextHop: '192.0.2.3' });
    await announce(lab.p2, '192.0.2.128/25', { asPath: [], nextHop: '192.0.2.3' });
    const speaker = lab.dut.daemon.speaker;
    await until('dut has every path', () => (speaker.locRibSize() === 5 && speaker.adjRibIn('p1').size === 4 && speaker.adjRibIn('p2').size === 2 ? true : undefined), 45_000);
    // What every tool must show: each accepted path with its AS path and next hop, from dut's Adj-RIBs-In.
    expected = (['p1', 'p2'] as const).flatMap((peer) => [...speaker.adjRibIn(peer)].map(([prefix, a]) => ({ prefix, asPath: (a.asPath ?? []).flatMap((s) => s.asns).join(' '), nextHop: a.nextHop! })));
    expect(expected).toHaveLength(6);
    const write = async (form: 'rfc6396' | 'full') => {
      const out = new MrtOutput(mrtConfigSchema.parse({ 'table-dump': { file: `rib-${form}.mrt`, 'mp-reach': form } }), () => daemonRibSource(lab.dut.daemon, Date.now()), (p) => daemonSessionEnds(lab.dut.daemon, p), { wallMs: () => Date.now(), timers: realTimers, baseDir: lab.dir, log: () => {} });
      return (await out.tableDump()).file;
    };
    dumps = { rfc: await write('rfc6396'), full: await write('full') };

    const version = /(\d+)\.(\d+)/.exec(execFileSync('gobgp', ['--version'], { encoding: 'utf8' }));
    gobgpVersion = [Number(version?.[1] ?? 0), Number(version?.[2] ?? 0)];
    apiPort = await freePort('127.0.0.1');
    const dir = join(lab.dir, 'gobgp');
    mkdirSync(dir, { recursive: true });
    // port = -1: no BGP listener; gobgpd only takes the injected paths.
    writeFileSync(join(dir, 'gobgpd.toml'), '[global.config]\n  as = 65100\n  router-id = "127.0.0.51"\n  port = -1\n');
    gobgpd = await startHostDaemon('gobgpd', ['gobgpd', '-f', join(dir, 'gobgpd.toml'), '--api-hosts', `127.0.0.1:${apiPort}`, '--log-level', 'info'], dir);
    await waitFor('gobgpd API', async () => ((await gobgp('global')).exitCode === 0 ? true : undefined), { timeoutMs: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await stopStarted();
    await lab.stop();
  }, 60_000);

  function gobgp(...args: string[]) {
    return execa('gobgp', ['-u', '127.0.0.1', '-p', String(apiPort), ...args], { reject: false, timeout: 20_000, stdin: 'ignore' });
  }

  async function gobgpRib(): Promise<PathKey[]> {
    const out: PathKey[] = [];
    for (const family of ['ipv4', 'ipv6']) {
      const r = await gobgp('global', 'rib', '-a', family, '-j');
      if (r.exitCode !== 0) throw new Error(`gobgp global rib -a ${family}: ${r.stderr}`);
      const rib = JSON.parse(r.stdout.trim() || '{}') as Parameters<typeof gobgpPaths>[1];
      for (const prefix of Object.keys(rib)) for (const p of gobgpPaths(prefix, rib)) out.push({ prefix, asPath: p.asPath.join(' '), nextHop: p.nextHop });
    }
    return out;
  }

  /** `gobgp mrt inject global` through a FIFO held open until gobgpd shows `want` paths (see the top of this file). */
  async function inject(file: string, want: number): Promise<{ stderr: string; paths: PathKey[] }> {
    for (const family of ['ipv4', 'ipv6']) await gobgp('global', 'rib', '-a', family, 'del', 'all');
    await until('an empty GoBGP RIB', async () => ((await gobgpRib()).length === 0 ? true : undefined), 20_000);
    const fifo = join(lab.dir, `inject-${Date.now()}`);
    execFileSync('mkfifo', [fifo]);
    const child = spawn('gobgp', ['-u', '127.0.0.1', '-p', String(apiPort), 'mrt', 'inject', 'global', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    const opening = open(fifo, 'w');
    const writer = await Promise.race([opening, exited.then((code) => {
      // Release our pending open (it waits for a reader) before failing.
      closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
      void opening.then((h) => h.close());
      throw new Error(`gobgp mrt inject exited (${code}) before opening the FIFO: ${stderr}`);
    })]);
    let paths: PathKey[] = [];
    try {
      await writer.write(readFileSync(file));
      paths = await until(`${want} paths in gobgpd`, async () => {
        const now = await gobgpRib();
        return now.length >= want ? now : undefined;
      }, 30_000).catch(async () => gobgpRib());
    } finally {
      await writer.close();
    }
    const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-2), 20_000))]);
    if (code === -2) child.kill('SIGTERM');
    expect(code, `gobgp mrt inject: ${stderr}`).toBe(0);
    return { stderr, paths };
  }

  test('GoBGP loads the full-form dump: the same prefixes, AS paths and next hops, IPv4 and IPv6', async () => {
    const { stderr, paths } = await inject(dumps.full, expected.length);
    expect(stderr).not.toMatch(/failed to parse/);
    expect(keys(paths)).toEqual(keys(expected));
  }, 90_000);

  test('GoBGP loads the RFC 6396 dump: every IPv4 path (IPv6 too from GoBGP 3.17 on)', async () => {
    const v6Readable = gobgpVersion[0] > 3 || (gobgpVersion[0] === 3 && gobgpVersion[1] >= 17);
    const want = v6Readable ? expected : expected.filter((p) => !p.prefix.includes(':'));
    const { stderr, paths } = await inject(dumps.rfc, want.length);
    if (!v6Readable) console.log(`GoBGP ${gobgpVersion.join('.')} reads RFC 6396 MP_REACH_NLRI as the RFC 4760 form; its IPv6 entries are skipped (${stderr.trim().split('\n')[0] ?? ''})`);
    expect(keys(paths)).toEqual(keys(want));
  }, 90_000);

  async function bgpdump(file: string): Promise<string[]> {
    const r = await execa('bgpdump', ['-m', file], { reject: false, timeout: 30_000, stdin: 'ignore' });
    expect(r.exitCode, r.stderr).toBe(0);
    // bgpdump reports problems on stderr (and syslog); only its "logging to syslog" notice may be there.
    expect(String(r.stderr).split('\n').filter((l) => l.trim() !== '' && !/logging to syslog/.test(l))).toEqual([]);
    return String(r.stdout).split('\n').filter(Boolean);
  }

  test('bgpdump reads both dumps and prints the same routes', async () => {
    for (const file of [dumps.rfc, dumps.full]) {
      const lines = await bgpdump(file);
      expect(lines.every((l) => l.startsWith('TABLE_DUMP2|'))).toBe(true);
      // TABLE_DUMP2|time|B|peer|peer AS|prefix|AS path|origin|next hop|…
      const routes = lines.map((l) => l.split('|')).map((f) => ({ prefix: f[5]!, asPath: f[6]!, nextHop: f[8]! }));
      expect(keys(routes)).toEqual(keys(expected));
      const peers = new Set(lines.map((l) => `${l.split('|')[3]} AS${l.split('|')[4]}`));
      expect(peers).toEqual(new Set(['127.0.0.2 AS65002', '127.0.0.3 AS65003']));
    }
  }, 60_000);

  test('bgpdump reads the update log (BGP4MP_ET): the announcements and the state changes', async () => {
    await lab.dut.stop(); // closes the log (the gzip stream is finished); the directory stays until afterAll
    const lines = await bgpdump(join(lab.dir, 'updates.mrt.gz'));
    // BGP4MP_ET|time.µs|A|peer|peer AS|prefix|AS path|origin|next hop|… for each prefix received;
    // BGP4MP_ET_LOCAL lines for what dut sent (sent: true).
    const fields = lines.map((l) => l.split('|'));
    const announced = fields.filter((f) => f[0] === 'BGP4MP_ET' && f[2] === 'A');
    expect(keys(announced.map((f) => ({ prefix: f[5]!, asPath: f[6]!, nextHop: f[8]! })))).toEqual(keys(expected));
    expect(fields.every((f) => /^\d+\.\d{6}$/.test(f[1]!))).toBe(true);
    // dut passes p1's 203.0.113.0/24 on to p2 (export: all): a sent UPDATE, shown from dut to p2.
    expect(fields.some((f) => f[0] === 'BGP4MP_ET_LOCAL' && f[2] === 'A' && f[3] === '127.0.0.3' && f[5] === '203.0.113.0/24')).toBe(true);
    expect(fields.filter((f) => f[0] === 'BGP4MP_ET' && f[2] === 'STATE' && f[3] === '127.0.0.2' && f[4] === '65002').map((f) => `${f[5]}>${f[6]}`)).toContain('5>6');
  }, 60_000);
});
