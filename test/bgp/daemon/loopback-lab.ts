/**
 * flatlab bgpd daemons side by side on loopback for control API, reload and CLI tests: each
 * daemon on its own 127.0.0.x address, a port the kernel picked, and its control API on a
 * unix socket in a temporary directory. Every wait is bounded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { memoryIO } from '../../../src/cli/io.js';
import { runBgpd, type RunningBgpd } from '../../../src/cli/bgpd.js';
import { controlRequest } from '../../../src/cli/bgp-client.js';

export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Node {
  name: string;
  address: string;
  asn: number;
  port: number;
}

export interface PeerSpec {
  to: Node;
  extra?: string;
}

/** bgpd.yml for `self` with sessions to `peers` (short timers; all in and out unless `extra` says otherwise). */
export function bgpdYaml(self: Node, peers: readonly PeerSpec[], more = ''): string {
  const peerText = peers
    .map((p) => [
      `  - name: ${p.to.name}`,
      `    address: ${p.to.address}`,
      `    port: ${p.to.port}`,
      `    remote-as: ${p.to.asn}`,
      `    local-address: ${self.address}`,
      ...(p.extra?.includes('hold-time') ? [] : ['    hold-time: 9']),
      '    connect-retry: 1',
      ...(p.extra ?? 'import: all\nexport: all').split('\n').map((l) => `    ${l}`),
    ].join('\n'))
    .join('\n');
  return [`router-id: ${self.address.replace(/^127\./, '10.')}`, `asn: ${self.asn}`, 'listen:', `  address: [${self.address}]`, `  port: ${self.port}`, peers.length ? `peers:\n${peerText}` : 'peers: []', more].join('\n') + '\n';
}

export class LoopbackDaemon {
  running!: RunningBgpd;
  readonly file: string;
  readonly socket: string;
  readonly io = memoryIO();
  readonly signals = new EventEmitter();
  private exited: Promise<number> | undefined;

  constructor(readonly node: Node, readonly dir: string) {
    this.file = join(dir, `${node.name}.yml`);
    this.socket = join(dir, `${node.name}.sock`);
  }

  writeConfig(yaml: string): void {
    writeFileSync(this.file, yaml);
  }

  async start(): Promise<void> {
    let ready: RunningBgpd | undefined;
    this.exited = runBgpd({ config: this.file, controlSocket: this.socket, logLevel: 'quiet' }, this.io, { signals: this.signals, onReady: (r) => (ready = r) });
    for (let i = 0; i < 200 && !ready; i++) {
      const done = await Promise.race([this.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 20))]);
      if (done) break;
    }
    if (!ready) throw new Error(`${this.node.name} did not start: ${this.io.text().stderr}`);
    this.running = ready;
  }

  async stop(): Promise<void> {
    this.signals.emit('SIGTERM');
    await this.exited;
  }

  get daemon() {
    return this.running.daemon;
  }

  async get<T>(path: string): Promise<{ status: number; body: T; text: string }> {
    const r = await controlRequest({ socket: this.socket }, 'GET', path);
    return { status: r.status, body: r.body as T, text: r.text };
  }

  async post<T>(path: string, body: unknown = {}): Promise<{ status: number; body: T }> {
    const r = await controlRequest({ socket: this.socket }, 'POST', path, body);
    return { status: r.status, body: r.body as T };
  }

  state(peer: string): string {
    return this.daemon.speaker.sessionState(peer);
  }
}

/** Wait until `check` returns a value (not undefined), at most `ms`. */
export async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** dut (AS 65001, 127.0.0.1) with two eBGP speakers p1 (AS 65002, 127.0.0.2) and p2 (AS 65003, 127.0.0.3). */
export class LoopbackLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'flatlab-bgpd-'));
  nodes!: { dut: Node; p1: Node; p2: Node };
  dut!: LoopbackDaemon;
  p1!: LoopbackDaemon;
  p2!: LoopbackDaemon;

  async start(opts: { dutPeers?: (n: { p1: Node; p2: Node }) => PeerSpec[]; dutMore?: string } = {}): Promise<void> {
    const dut: Node = { name: 'dut', address: '127.0.0.1', asn: 65001, port: await freePort('127.0.0.1') };
    const p1: Node = { name: 'p1', address: '127.0.0.2', asn: 65002, port: await freePort('127.0.0.2') };
    const p2: Node = { name: 'p2', address: '127.0.0.3', asn: 65003, port: await freePort('127.0.0.3') };
    this.nodes = { dut, p1, p2 };
    this.dut = new LoopbackDaemon(dut, this.dir);
    this.p1 = new LoopbackDaemon(p1, this.dir);
    this.p2 = new LoopbackDaemon(p2, this.dir);
    this.dut.writeConfig(bgpdYaml(dut, opts.dutPeers ? opts.dutPeers({ p1, p2 }) : [{ to: p1 }, { to: p2 }], opts.dutMore));
    this.p1.writeConfig(bgpdYaml(p1, [{ to: dut }]));
    this.p2.writeConfig(bgpdYaml(p2, [{ to: dut }]));
    await Promise.all([this.dut.start(), this.p1.start(), this.p2.start()]);
  }

  async established(...peers: Array<'p1' | 'p2'>): Promise<void> {
    await until(`${peers.join(', ')} Established`, () => (peers.every((p) => this.dut.state(p) === 'Established' && this[p].state('dut') === 'Established') ? true : undefined));
  }

  async stop(): Promise<void> {
    await Promise.all([this.dut, this.p1, this.p2].filter((d) => d?.running).map((d) => d.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
