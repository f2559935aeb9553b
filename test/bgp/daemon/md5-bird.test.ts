/**
 * TCP MD5 (RFC 2385) against BIRD 2: flatlab bgpd (from the sources, through tsx) and BIRD
 * with `password`, each in a namespace of its own joined by a veth pair (BIRD refuses
 * loopback neighbor addresses). A
 * wrong key never reaches Established; after a SIGHUP reload with the right key the session
 * comes up and BIRD's route arrives. Root and bird needed; CI runs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { needTools } from '../../support/need-tools.js';
import { controlRequest } from '../../../src/cli/bgp-client.js';
import { tcpMd5 } from '../../../src/bgp/daemon/tcp-md5.js';
import { until } from './loopback-lab.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const reason = needTools(['bird', 'ip'], { root: true });
const NS = `flmd5-${process.pid}`;
const BIRD_NS = `flmd5b-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'flatlab-md5-'));
const children: ChildProcess[] = [];

function start(ns: string, name: string, argv: string[]): ChildProcess {
  const log = openSync(join(dir, `${name}.log`), 'a');
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', log, log], env: { ...process.env, NODE_PATH: join(REPO, 'node_modules') } });
  children.push(child);
  return child;
}

const bgpdYaml = (password: string, passive = false) => `router-id: 10.0.0.1
asn: 65001
listen: { address: [10.99.0.1], port: 179 }
peers:
  - name: bird
    address: 10.99.0.2
    remote-as: 65002
    local-address: 10.99.0.1
    md5-password: ${password}
    passive: ${passive}
    hold-time: 9
    connect-retry: 1
    import: all
    export: all
`;

const birdConf = (passive: boolean) => `router id 10.0.0.2;
log stderr all;
protocol device {}
protocol static s4 { ipv4; route 198.51.100.0/24 blackhole; }
protocol bgp flatlab {
  local 10.99.0.2 as 65002;
  neighbor 10.99.0.1 as 65001;
  password "lab-secret";
  passive ${passive ? 'on' : 'off'};
  hold time 9;
  connect retry time 1;
  error wait time 1, 3;
  ipv4 { import all; export all; };
}
`;

const socket = join(dir, 'bgpd.sock');

/** Local and remote ports of flatlab's established TCP connections (who connected to whom). */
function connections(): string[] {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'ss', '-Htn', 'state', 'established'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).slice(-2).join(' '));
}
const neighbor = async () => {
  const r = await controlRequest({ socket }, 'GET', '/neighbors/bird');
  return r.body as { state: string };
};

describe.skipIf(reason)('TCP MD5 with BIRD 2', () => {
  let bgpd: ChildProcess;
  beforeAll(async () => {
    const md5 = tcpMd5();
    if ('unavailable' in md5) throw new Error(`TCP MD5 addon unavailable: ${md5.unavailable}`);
    const ip = (...args: string[]) => {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
    };
    ip('netns', 'add', NS);
    ip('netns', 'add', BIRD_NS);
    ip('-n', NS, 'link', 'add', 'md5a', 'type', 'veth', 'peer', 'name', 'md5b', 'netns', BIRD_NS);
    ip('-n', NS, 'addr', 'add', '10.99.0.1/30', 'dev', 'md5a');
    ip('-n', BIRD_NS, 'addr', 'add', '10.99.0.2/30', 'dev', 'md5b');
    for (const [ns, dev] of [[NS, 'md5a'], [BIRD_NS, 'md5b'], [NS, 'lo'], [BIRD_NS, 'lo']] as const) ip('-n', ns, 'link', 'set', dev, 'up');
    writeFileSync(join(dir, 'bird.conf'), birdConf(false));
    start(BIRD_NS, 'bird', ['bird', '-f', '-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl')]);
    writeFileSync(join(dir, 'bgpd.yml'), bgpdYaml('wrong-secret'));
    bgpd = start(NS, 'bgpd', [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'bgpd', '--config', join(dir, 'bgpd.yml'), '--control-socket', socket, '--log-level', 'info']);
    await until('flatlab bgpd control socket', async () => ((await controlRequest({ socket }, 'GET', '/health')).status === 200 ? true : undefined), 60_000);
  }, 90_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.pid) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => { const t = setTimeout(() => { c.kill('SIGKILL'); r(undefined); }, 5000); c.once('exit', () => { clearTimeout(t); r(undefined); }); }) : undefined)));
    spawnSync('ip', ['netns', 'del', NS]);
    spawnSync('ip', ['netns', 'del', BIRD_NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a wrong key never establishes; the right key (after SIGHUP) does on the listener (BIRD connects) and on an outgoing connection (BIRD passive)', async () => {
    const states = new Set<string>();
    const end = Date.now() + 6000;
    while (Date.now() < end) {
      states.add((await neighbor()).state);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(states.has('Established')).toBe(false);
    expect(readFileSync(join(dir, 'bird.log'), 'utf8')).not.toMatch(/flatlab: .*Established/);

    // flatlab passive: BIRD's signed SYN reaches the key on flatlab's listening socket.
    writeFileSync(join(dir, 'bgpd.yml'), bgpdYaml('lab-secret', true));
    bgpd.kill('SIGHUP');
    await until('Established with the right key', async () => ((await neighbor()).state === 'Established' ? true : undefined), 30_000);
    const rib = await until('198.51.100.0/24 from BIRD', async () => {
      const r = (await controlRequest({ socket }, 'GET', '/rib?prefix=198.51.100.0/24')).body as Array<{ from: string; asPath: number[] }>;
      return r.length > 0 ? r : undefined;
    });
    expect(rib[0]).toMatchObject({ from: 'bird', asPath: [65002] });
    expect(connections()).toEqual([expect.stringMatching(/^10\.99\.0\.1:179 10\.99\.0\.2:\d+$/)]);

    // BIRD passive, flatlab active: the key set before connect() signs flatlab's SYN.
    writeFileSync(join(dir, 'bird.conf'), birdConf(true));
    const configured = spawnSync('ip', ['netns', 'exec', BIRD_NS, 'birdc', '-s', join(dir, 'bird.ctl'), 'configure'], { encoding: 'utf8' });
    expect(configured.stdout).toMatch(/Reconfigur/);
    await until('BIRD dropped the session', async () => ((await neighbor()).state !== 'Established' ? true : undefined), 15_000);
    writeFileSync(join(dir, 'bgpd.yml'), bgpdYaml('lab-secret', false));
    bgpd.kill('SIGHUP');
    await until('Established from our side', async () => ((await neighbor()).state === 'Established' ? true : undefined), 30_000);
    expect(connections()).toEqual([expect.stringMatching(/^10\.99\.0\.1:(?!179 )\d+ 10\.99\.0\.2:179$/)]);
  }, 90_000);
});
