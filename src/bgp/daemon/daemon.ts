/**
 * flatlab bgpd: the sans-IO speaker core behind real TCP sockets and one timer. Everything
 * protocol-shaped happens in the core; this file only moves bytes, opens and closes
 * connections, and wakes the core when its next timer is due.
 *
 * Connection collisions (RFC 4271 §6.8) are settled before the core sees a transport, by a
 * rule both ends compute alike: while both sides are connecting, the connection opened by the
 * side with the higher address survives. The core then sees one transport per peer.
 */
import { createServer, connect as tcpConnect, isIPv6, type Server, type Socket } from 'node:net';
import { resolvePolicyChain } from '../policy/evaluate.js';
import { LOCAL, Speaker, type Output, type PeerConfig, type SpeakerEvent } from '../speaker/index.js';
import type { KernelRoutes } from './kernel-routes.js';
import type { Family } from '../wire/types.js';
import { FlatlabError } from '../../config/diagnostics.js';
import { parseIp } from '../../net/ip.js';
import { dampingOf, peerChain, peerFamilies, type BgpdConfig, type BgpdPeerConfig } from './config.js';
import { emptyMrtCounters, PeerCounters, type MrtCounters } from './metrics.js';
import { connectWithKey, setListenerKey, tcpMd5 } from './tcp-md5.js';
import { emptyPlan, planIsEmpty, planReload, type ReloadPlan } from './reload.js';
import type { MrtEnvironment, MrtOutput, TableDumpResult } from './mrt-output.js';

export interface DaemonOptions {
  /** Milliseconds; monotonic. */
  now?: () => number;
  log?: (event: Record<string, unknown>) => void;
  /** Override the listening port (tests run daemons side by side on loopback). */
  listenPort?: number;
  /** Where best paths go when kernel-routes is on (tests give a recorder). */
  kernelRoutes?: KernelRoutes;
  /** MRT output's wall clock, timers and base directory (tests drive them). */
  mrt?: Partial<Omit<MrtEnvironment, 'log'>>;
  /**
   * Keep a best-path event per Loc-RIB change in `events` (default true, for tests that read
   * them). `flatlab bgpd` turns it off: only kernel routes use them, and each costs an object
   * and a Loc-RIB lookup per changed prefix (about a sixth of the ingest's CPU at 100k). With
   * kernel-routes on they are made whatever this says.
   */
  bestPathEvents?: boolean;
}

export class BgpdError extends FlatlabError {}

interface PeerLink {
  cfg: BgpdPeerConfig;
  id: string;
  /** The transport the core knows about. */
  socket?: Socket;
  /** An outgoing attempt not yet connected. */
  connecting?: Socket;
  since: number;
  counters: PeerCounters;
}

/** What a reload did (or why it did nothing). */
export interface ReloadOutcome {
  ok: boolean;
  plan: ReloadPlan;
  error?: string;
}

const toFamily = (f: 'ipv4' | 'ipv6'): Family => (f === 'ipv4' ? 'ipv4-unicast' : 'ipv6-unicast');
const GRACEFUL_CLOSE_MS = 1000;
/** Speaker events kept for `events` (a full table is a best-path event per prefix: only the last few are of use). */
const EVENT_LOG = 1000;

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is 192.0.2.1. */
export function plainAddress(a: string | undefined): string {
  return (a ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
}

export class BgpDaemon {
  readonly speaker: Speaker;
  private readonly peers = new Map<string, PeerLink>();
  private readonly byAddress = new Map<string, PeerLink>();
  private readonly servers: Server[] = [];
  /** Listening address of each server (for per-peer TCP MD5 keys). */
  private readonly listenAddress = new Map<Server, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly log: (event: Record<string, unknown>) => void;
  private stopped = false;
  /** The last EVENT_LOG speaker events, overwritten in a ring from `eventAt` once full. */
  private readonly eventLog: SpeakerEvent[] = [];
  private eventAt = 0;
  /** Loaded by start() when kernel-routes is on. */
  private kernel: KernelRoutes | undefined;
  readonly startedAt: number;
  private current: BgpdConfig;
  readonly reloads = { ok: 0, failed: 0 };
  /** The last reload's outcome (a failed one leaves the previous configuration running). */
  lastReload: ReloadOutcome | undefined;
  /**
   * RIB dumps and update logs: loaded by start() when bgpd.yml has `mrt:`, or by the first
   * on-demand dump (mrtDump), so a daemon without them does not carry the MRT writers.
   */
  private mrtOutput: MrtOutput | undefined;
  private mrtLoading: Promise<MrtOutput> | undefined;

  constructor(config: BgpdConfig, private readonly opts: DaemonOptions = {}) {
    this.current = config;
    const t0 = performance.now();
    this.now = opts.now ?? (() => performance.now() - t0);
    this.log = opts.log ?? (() => {});
    this.startedAt = Date.now();
    const peerConfigs: PeerConfig[] = config.peers.map((p, i) => this.addLink(config, p, i));
    if (config['kernel-routes'] !== false) this.kernel = opts.kernelRoutes;
    this.speaker = new Speaker(
      { localAsn: config.asn, routerId: config['router-id'], ...(config['cluster-id'] ? { clusterId: config['cluster-id'] } : {}), ...(config.damping ? { damping: dampingOf(config)! } : {}), rfc8212: config.rfc8212, bestPathEvents: opts.bestPathEvents !== false || config['kernel-routes'] !== false, peers: peerConfigs },
      { now: this.now() },
    );
  }

  /** MRT output, once loaded (bgpd.yml `mrt:`, or after an on-demand dump). */
  get mrt(): MrtOutput | undefined {
    return this.mrtOutput;
  }

  /** What /metrics shows about MRT output (zeros while none was written). */
  mrtCounters(): MrtCounters {
    return this.mrtOutput?.counters ?? emptyMrtCounters();
  }

  /** A RIB dump now (POST /mrt-dump): to `file`, or to mrt.table-dump's name for this instant. */
  async mrtDump(file?: string): Promise<TableDumpResult> {
    return (await this.loadMrt()).tableDump(file);
  }

  private loadMrt(): Promise<MrtOutput> {
    this.mrtLoading ??= (async () => {
      const [{ MrtOutput, realTimers }, { daemonRibSource, daemonSessionEnds }] = await Promise.all([import('./mrt-output.js'), import('./mrt-source.js')]);
      const wallMs = this.opts.mrt?.wallMs ?? (() => Date.now());
      this.mrtOutput = new MrtOutput(this.config.mrt, () => daemonRibSource(this, wallMs()), (peer) => daemonSessionEnds(this, peer), {
        wallMs,
        timers: this.opts.mrt?.timers ?? realTimers,
        baseDir: this.opts.mrt?.baseDir ?? process.cwd(),
        log: this.log,
      });
      return this.mrtOutput;
    })();
    return this.mrtLoading;
  }

  /** The running configuration (replaced by a successful reload). */
  get config(): BgpdConfig {
    return this.current;
  }

  /** Check a peer entry, register its transport slot, and return the core's view of it. */
  private addLink(config: BgpdConfig, p: BgpdPeerConfig, i: number, counters = new PeerCounters()): PeerConfig {
    const problem = peerProblem(p, i);
    if (problem) throw problem;
    const id = p.name ?? p.address;
    const link: PeerLink = { cfg: p, id, since: this.now(), counters };
    this.peers.set(id, link);
    this.byAddress.set(plainAddress(p.address), link);
    return {
      id,
      address: p.address,
      remoteAsn: p['remote-as'],
      localAddress: p['local-address']!, // peerProblem checked it
      import: resolvePolicyChain(peerChain(config, p, 'import'), config.policies),
      export: resolvePolicyChain(peerChain(config, p, 'export'), config.policies),
      routeReflectorClient: p['route-reflector-client'],
      nextHopSelf: p['next-hop-self'],
      holdTime: p['hold-time'],
      connectRetry: p['connect-retry'],
      idleHold: { initial: p['error-wait'].min, max: p['error-wait'].max },
      passive: p.passive,
      families: peerFamilies(p).map(toFamily),
    };
  }

  private removeLink(id: string, reason: string): void {
    const link = this.peers.get(id);
    if (!link) return;
    this.apply(this.speaker.removePeer(id, reason));
    link.connecting?.destroy();
    this.setMd5Keys(link, undefined);
    this.peers.delete(id);
    if (this.byAddress.get(plainAddress(link.cfg.address)) === link) this.byAddress.delete(plainAddress(link.cfg.address));
  }

  /**
   * Apply a new configuration, changing only what differs (src/bgp/daemon/reload.ts says
   * what each kind of change costs). A refused or failing reload leaves the running one.
   */
  reload(next: BgpdConfig): ReloadOutcome {
    this.lastReload = this.applyReload(next);
    return this.lastReload;
  }

  /** A reload that failed before reaching the daemon (the file is unreadable or invalid). */
  reloadFailed(error: string): ReloadOutcome {
    this.reloads.failed += 1;
    this.log({ msg: 'reload failed', error });
    this.lastReload = { ok: false, plan: emptyPlan(), error };
    return this.lastReload;
  }

  private applyReload(next: BgpdConfig): ReloadOutcome {
    const plan = planReload(this.current, next);
    if (plan.refused.length > 0) {
      this.reloads.failed += 1;
      const error = `${plan.refused.map((r) => r.message).join('; ')}: restart the daemon for that`;
      this.log({ msg: 'reload refused', error });
      return { ok: false, plan, error };
    }
    // Check every new peer entry before touching the running state.
    const byId = new Map(next.peers.map((p, i) => [p.name ?? p.address, { p, i }]));
    for (const id of [...plan.added, ...plan.restarted.map((r) => r.peer)]) {
      const { p, i } = byId.get(id)!;
      const problem = peerProblem(p, i);
      if (problem) {
        this.reloads.failed += 1;
        return { ok: false, plan, error: problem.message };
      }
    }
    this.current = next;
    for (const id of plan.removed) this.removeLink(id, 'peer removed by configuration reload');
    // A restarted session keeps its counters (Prometheus counters must not go back).
    const kept = new Map(plan.restarted.map((r) => [r.peer, this.peers.get(r.peer)?.counters]));
    for (const { peer } of plan.restarted) this.removeLink(peer, 'session parameters changed by configuration reload');
    for (const id of [...plan.restarted.map((r) => r.peer), ...plan.added]) {
      const { p, i } = byId.get(id)!;
      this.speaker.addPeer(this.addLink(next, p, i, kept.get(id)));
      this.setMd5Keys(this.peers.get(id)!, p['md5-password']);
      this.apply(this.speaker.startPeer(id));
    }
    for (const r of plan.softReset) {
      const { p } = byId.get(r.peer)!;
      this.peers.get(r.peer)!.cfg = p;
      this.apply(this.speaker.setPeerPolicies(r.peer, {
        ...(r.import ? { import: resolvePolicyChain(peerChain(next, p, 'import'), next.policies) } : {}),
        ...(r.export ? { export: resolvePolicyChain(peerChain(next, p, 'export'), next.policies) } : {}),
      }));
    }
    for (const id of plan.unchanged) this.peers.get(id)!.cfg = byId.get(id)!.p;
    for (const prefix of plan.withdraw) this.apply(this.speaker.withdrawOriginated(prefix));
    for (const prefix of plan.originate) this.apply(this.speaker.originate(prefix, { origin: 0 }));
    this.reloads.ok += 1;
    this.log({ msg: planIsEmpty(plan) ? 'reload: nothing changed' : 'reloaded', added: plan.added, removed: plan.removed, restarted: plan.restarted.map((r) => r.peer), softReset: plan.softReset.map((r) => r.peer), originate: plan.originate, withdraw: plan.withdraw });
    return { ok: true, plan };
  }

  /**
   * Soft reset: `in` imports the stored Adj-RIB-In again and, when the peer advertised route
   * refresh, asks it to send its routes again (RFC 2918); `out` re-sends our whole Adj-RIB-Out.
   */
  softReset(id: string, direction: 'in' | 'out'): { refreshed: boolean } {
    if (direction === 'out') {
      this.apply(this.speaker.softResetOut(id));
      return { refreshed: false };
    }
    this.apply(this.speaker.softResetIn(id));
    if (!this.speaker.peerRouteRefresh(id)) return { refreshed: false };
    for (const f of this.speaker.negotiatedFamilies(id)) this.apply(this.speaker.routeRefresh(id, f));
    return { refreshed: true };
  }

  counters(id: string): PeerCounters | undefined {
    return this.peers.get(id)?.counters;
  }

  get listenPort(): number {
    return this.opts.listenPort ?? this.config.listen.port;
  }

  /** Listen, start every peer, originate the configured prefixes. */
  async start(): Promise<void> {
    // Optional parts are loaded only when configured (kernel-routes and mrt cannot change at a reload).
    const kr = this.config['kernel-routes'];
    if (kr !== false && !this.kernel) this.kernel = new (await import('./kernel-routes.js')).KernelRoutes(kr === true ? 'main' : kr.table, this.log);
    if (this.config.mrt) (await this.loadMrt()).start();
    for (const address of this.config.listen.address) await this.listen(address);
    for (const link of this.peers.values()) this.setMd5Keys(link, link.cfg['md5-password']);
    for (const id of this.peers.keys()) this.apply(this.speaker.startPeer(id));
    for (const prefix of this.config.originate) this.apply(this.speaker.originate(prefix, { origin: 0 }));
    this.log({ msg: 'started', asn: this.config.asn, routerId: this.config['router-id'], port: this.listenPort, peers: this.peers.size });
  }

  /** Cease every session (RFC 8203 message), close listeners and sockets. */
  async stop(reason = 'flatlab bgpd shutting down'): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const id of this.peers.keys()) this.apply(this.speaker.stopPeer(id, reason));
    if (this.timer) clearTimeout(this.timer);
    await this.mrtOutput?.stop();
    await this.kernel?.withdrawAll();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await new Promise((r) => setTimeout(r, 50));
    for (const p of this.peers.values()) {
      p.socket?.destroy();
      p.connecting?.destroy();
    }
  }

  /** The last speaker events, oldest first (tests and diagnostics read them). */
  get events(): SpeakerEvent[] {
    return [...this.eventLog.slice(this.eventAt), ...this.eventLog.slice(0, this.eventAt)];
  }

  /** Run a core input and act on its output (for the control API). */
  apply(out: Output): void {
    for (const e of out.events) {
      if (this.eventLog.length < EVENT_LOG) this.eventLog.push(e);
      else {
        this.eventLog[this.eventAt] = e;
        this.eventAt = (this.eventAt + 1) % EVENT_LOG;
      }
      if (e.type === 'session') {
        const p = this.peers.get(e.peer);
        if (p) p.since = this.now();
        if (p && e.to === 'Established') p.counters.establishedTransitions += 1;
        this.mrtOutput?.stateChange(e.peer, e.from, e.to);
        this.log({ msg: 'session', peer: e.peer, from: e.from, to: e.to, ...(e.reason ? { reason: e.reason } : {}) });
      } else if (e.type === 'best-path') this.kernel?.change(e.prefix, e.best, e.best?.from === LOCAL);
      else this.log({ msg: e.type, ...e });
    }
    for (const s of out.send) {
      const p = this.peers.get(s.peer);
      if (!p?.socket) continue;
      p.counters.sent.push(s.bytes);
      this.mrtOutput?.sent(s.peer, s.bytes);
      p.socket.write(s.bytes);
    }
    for (const id of out.connect) this.connect(id);
    for (const id of out.close) this.closeTransport(id);
    this.schedule();
  }

  /** Bytes written to the peer's socket and not yet handed to the kernel (`bgp replay` waits for 0 before it exits). */
  pendingWrites(id: string): number {
    return this.peers.get(id)?.socket?.writableLength ?? 0;
  }

  peerSince(id: string): number {
    return this.peers.get(id)?.since ?? 0;
  }

  uptimeMs(): number {
    return this.now();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const at = this.speaker.nextDeadline();
    if (at === undefined) return;
    this.timer = setTimeout(() => this.apply(this.speaker.tick(this.now())), Math.max(0, at - this.now()) + 1);
    this.timer.unref?.();
  }

  /** RFC 2385 key for the peer on every listener (an empty key removes it). */
  private setMd5Keys(link: PeerLink, key: string | undefined): void {
    if (!key && !link.cfg['md5-password']) return;
    for (const server of this.servers) setListenerKey(server, this.listenAddress.get(server)!, link.cfg.address, key ?? '');
  }

  private listen(address: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT') {
          this.log({ msg: 'listen skipped', address, error: err.code });
          return resolve();
        }
        reject(new BgpdError('bgpd.listen', `cannot listen on ${address}:${this.listenPort}: ${err.message}`, { hint: err.code === 'EACCES' ? 'port 179 needs root; set listen.port' : 'check listen.address' }));
      });
      // "::" alone is dual-stack (as on Linux by default); beside an IPv4 address it serves IPv6 only, so both can bind.
      const ipv6Only = isIPv6(address) && (address !== '::' || this.config.listen.address.some((a) => !isIPv6(a)));
      server.listen({ host: address, port: this.listenPort, ipv6Only }, () => {
        this.servers.push(server);
        this.listenAddress.set(server, address);
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    const link = this.byAddress.get(plainAddress(socket.remoteAddress));
    if (!link || this.stopped) {
      this.log({ msg: 'refused connection', from: socket.remoteAddress });
      socket.destroy();
      return;
    }
    if (link.socket) return void socket.destroy(); // one transport per peer
    if (link.connecting) {
      // Both sides are connecting: the connection from the higher address survives.
      if (compareAddresses(plainAddress(link.cfg['local-address']), plainAddress(link.cfg.address)) > 0) return void socket.destroy();
      link.connecting.destroy();
      link.connecting = undefined;
    }
    this.attach(link, socket, false);
  }

  private connect(id: string): void {
    const link = this.peers.get(id);
    if (!link || link.socket || link.connecting || this.stopped) return;
    const target = { host: link.cfg.address, port: link.cfg.port ?? 179, localAddress: link.cfg['local-address'] };
    const key = link.cfg['md5-password'];
    const socket = key ? connectWithKey({ ...target, key }) : tcpConnect({ ...target, noDelay: true });
    link.connecting = socket;
    socket.once('connect', () => {
      if (link.connecting !== socket) return;
      link.connecting = undefined;
      if (link.socket) return void socket.destroy();
      this.attach(link, socket, true);
    });
    socket.once('error', () => {
      if (link.connecting === socket) link.connecting = undefined;
    });
  }

  private attach(link: PeerLink, socket: Socket, initiatedLocally: boolean): void {
    link.socket = socket;
    socket.setNoDelay(true);
    link.counters.received.restart();
    link.counters.sent.restart();
    socket.on('data', (chunk: Buffer) => {
      if (link.socket !== socket) return;
      link.counters.received.push(chunk);
      this.mrtOutput?.received(link.id, chunk);
      this.apply(this.speaker.receive(link.id, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      // One chunk per turn of the event loop: libuv reads up to 32 chunks of 64 KiB per wake-up,
      // which for a peer sending a full table is seconds of work during which no timer fires
      // (keepalives, hold timers of other sessions) and the control API does not answer.
      // Paused, the rest waits in the kernel's socket buffer.
      socket.pause();
      setImmediate(() => {
        if (link.socket === socket) socket.resume();
      });
    });
    const gone = () => {
      if (link.socket !== socket) return;
      link.socket = undefined;
      if (!this.stopped) this.apply(this.speaker.connectionDown(link.id));
    };
    socket.on('close', gone);
    socket.on('error', gone);
    this.apply(this.speaker.connectionUp(link.id, { initiatedLocally }));
  }

  private closeTransport(id: string): void {
    const link = this.peers.get(id);
    const socket = link?.socket;
    if (!link || !socket) return;
    link.socket = undefined;
    socket.end(); // after anything already written (a NOTIFICATION)
    setTimeout(() => socket.destroy(), GRACEFUL_CLOSE_MS).unref();
  }
}

/** Why the daemon cannot run a peer entry the schema accepts, if it cannot. */
function peerProblem(p: BgpdPeerConfig, i: number): BgpdError | undefined {
  if (!p['local-address']) {
    return new BgpdError('bgpd.local-address', `peers[${i}] (${p.address}) has no local-address`, { hint: 'flatlab bgpd announces its session address as NEXT_HOP: set local-address to this router\'s address towards the peer' });
  }
  const md5 = p['md5-password'] ? tcpMd5() : undefined;
  if (md5 && 'unavailable' in md5) {
    return new BgpdError('bgpd.md5', `peers[${i}] (${p.address}) sets md5-password, but TCP MD5 is unavailable: ${md5.unavailable}`, { hint: 'see docs/bgpd-config.md, "TCP MD5"' });
  }
  return undefined;
}

/** Order of two addresses by value (IPv4 before IPv6). */
export function compareAddresses(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  if (x.family !== y.family) return x.family === 'ipv4' ? -1 : 1;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}
