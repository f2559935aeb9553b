/**
 * The sim runtime: the whole lab in this process on a virtual clock. BGP nodes run the
 * speaker core whatever their kind (the topology's BGP intent is kind-neutral); each session
 * is one reliable, in-order virtual TCP connection whose segments cross the links the lab's
 * forwarding would use, with their delay and loss. Deterministic for a given seed.
 *
 * Failure semantics follow the real daemons: a link going down resets a session that runs
 * directly over it at once at each end whose kind watches its interfaces (`failureDetection:
 * 'interface'`: BIRD drops a direct neighbour whose interface goes away, FRR has
 * fast-external-failover on by default); an end that does not (GoBGP, flatlab bgpd) keeps its
 * session half-open until its hold timer expires, or until the link returns and its next
 * segment meets the far end's reset. A multihop session stalls until its hold timer expires or
 * the path returns; a stopped node's peers see the connection reset.
 */
import { getKind } from '../../kinds/index.js';
import type { Output } from '../../bgp/speaker/index.js';
import { AttributeInterner } from '../../bgp/rib/index.js';
import type { UpdateMessage } from '../../bgp/wire/types.js';
import type { Lab, Netem } from '../../topology/lab.js';
import { RuntimeError, RUNTIME_CAPABILITIES } from '../errors.js';
import type {
  CallOptions, DnsObservation, DnsQuery, ExecResult, LabStatus, LinkRef, OverlayNetworkObservation, ReachObservation, ReachQuery, RouteObservation, Runtime, RuntimeCapability, SessionObservation,
} from '../runtime.js';
import { SimBgpNode } from './bgp-node.js';
import { SimZtOverlay } from './zt-overlay.js';
import { SimDns64Node, SimDnsNode, type SimDnsEngine } from './dns-node.js';
import { effectiveConfig } from '../../kinds/placeholders.js';
import { bytesBigint } from '../../net/siit/address-map.js';
import { configWriters, type ConfigWriterRegistry } from '../../emit/config-writers.js';
import { EventQueue, type ScheduledEvent } from './event-queue.js';
import { SimNetwork } from './network.js';
import { SimNat64Node } from './nat64-node.js';
import { probeReach } from './packet-reach.js';
import { seededRandom } from './random.js';
import { tcpListeners, type TcpListener } from './tcp-services.js';

/** Events run between two yields to the event loop at most (see sleep). */
const SLICE_EVENTS = 20_000;

/** What one send carries: bytes, or an UPDATE record between two in-process speakers. */
type Segment = Uint8Array | UpdateMessage;

interface End {
  node: string;
  peerId: string;
  address: string;
}

interface Connection {
  sessionId: string;
  /** Generation: events scheduled for an older incarnation of the connection are ignored. */
  gen: number;
  state: 'opening' | 'open';
  ends: [End, End];
  /** Delivery time of the last segment per direction (index of the sending end): TCP keeps order. */
  lastDelivery: [number, number];
  /** Segments waiting for a path, per direction. */
  stalled: [Segment[], Segment[]];
}

export interface SimRuntimeOptions {
  seed?: number;
  log?: (line: string) => void;
  /** Config writers (tests substitute their own); DNS nodes serve what their writer generates. */
  writers?: ConfigWriterRegistry;
  /**
   * How speakers exchange UPDATEs: `records` (default) hands the sender's immutable UPDATE to
   * the receiver's decoded-message entry, skipping encode and decode; `bytes` sends every
   * message through the codec, as a daemon does. Both give the same routes (a test compares).
   */
  updates?: 'records' | 'bytes';
}

export class SimRuntime implements Runtime {
  readonly name = 'sim' as const;
  readonly capabilities: ReadonlySet<RuntimeCapability> = new Set(RUNTIME_CAPABILITIES.sim);
  private readonly queue = new EventQueue();
  private readonly seed: number;
  private readonly log: (line: string) => void;
  private lab: Lab | undefined;
  private network: SimNetwork | undefined;
  private readonly bgp = new Map<string, SimBgpNode>();
  /**
   * One attribute interner for every speaker: a set one node exports is already interned where
   * it arrives. It keeps its sets for the run (InternerOptions.collect): the speakers' export
   * caches and paths hold nearly all of them to the end anyway.
   */
  private readonly interner = new AttributeInterner({ collect: false });
  private overlay: SimZtOverlay | undefined;
  private readonly dns = new Map<string, SimDnsEngine>();
  private readonly nat64 = new Map<string, SimNat64Node>();
  private readonly listeners = new Map<string, readonly TcpListener[]>();
  /** Source port / echo identifier of the next reach probe (Linux's ephemeral range starts at 32768). */
  private probeId = 32768;
  private readonly writers: ConfigWriterRegistry;
  private readonly updates: 'records' | 'bytes';
  private readonly wakeups = new Map<string, ScheduledEvent>();
  private readonly connections = new Map<string, Connection>();
  /** Per session: ends still holding a connection the other end already dropped (half-open). */
  private readonly halfOpen = new Map<string, End[]>();
  private generation = 0;

  constructor(opts: SimRuntimeOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.log = opts.log ?? (() => {});
    this.writers = opts.writers ?? configWriters;
    this.updates = opts.updates ?? 'records';
  }

  async up(lab: Lab): Promise<void> {
    if (this.lab) return;
    const unsupported = lab.nodes.flatMap((n) => {
      const sim = getKind(n.kind).sim;
      return typeof sim === 'object' ? [`${n.name} (${n.kind}): ${sim.unsupported}`] : [];
    });
    if (unsupported.length) throw new RuntimeError('sim.unsupported-kind', `these nodes cannot run in the sim runtime: ${unsupported.join('; ')}`, { hint: 'use --runtime netns for this lab' });
    this.lab = lab;
    this.network = new SimNetwork(lab, seededRandom(this.seed));
    if (lab.nodes.some((n) => getKind(n.kind).sim === 'zerotier')) this.overlay = this.newOverlay(lab);
    for (const node of lab.nodes) {
      const kind = getKind(node.kind);
      if (node.bgp && kind.sim === 'bgp-speaker') this.startBgp(node.name);
      if (kind.sim === 'dns-hesiod') this.dns.set(node.name, new SimDnsNode(node, kind.configWriters.flatMap((w) => this.writers[w](lab, node))));
      if (kind.sim === 'dns64') {
        const config = effectiveConfig(kind, node.config);
        const upstream = hostOf(String(config.upstream ?? ''));
        this.dns.set(node.name, new SimDns64Node(node, config, (bytes, now) => this.exchange(node.name, upstream, bytes, now)));
      }
      if (kind.sim === 'nat64') this.startNat64(node.name, effectiveConfig(kind, node.config));
      this.listeners.set(node.name, tcpListeners(node));
    }
  }

  async attach(): Promise<boolean> {
    return this.lab !== undefined;
  }

  async down(): Promise<void> {
    for (const ev of this.wakeups.values()) this.queue.cancel(ev);
    this.wakeups.clear();
    this.connections.clear();
    this.halfOpen.clear();
    this.bgp.clear();
    this.dns.clear();
    this.nat64.clear();
    this.listeners.clear();
    this.overlay = undefined;
    this.lab = undefined;
    this.network = undefined;
  }

  async status(): Promise<LabStatus> {
    const lab = this.requireLab();
    return { lab: lab.name, runtime: 'sim', nodes: lab.nodes.map((n) => ({ name: n.name, kind: n.kind, state: this.net().isRunning(n.name) ? 'running' : 'stopped' })) };
  }

  async exec(): Promise<ExecResult> {
    throw new RuntimeError('sim.exec', 'exec needs real processes', { hint: 'use --runtime netns' });
  }

  async setLinkState(link: LinkRef, state: 'up' | 'down'): Promise<void> {
    const net = this.net();
    net.setLinkUp(link.index, state === 'up');
    if (state === 'down') {
      // Directly connected sessions notice the interface going down at once.
      for (const c of [...this.connections.values()]) {
        const s = this.requireLab().sessions.find((x) => x.id === c.sessionId);
        if (s && s.via !== 'loopback' && s.via.link === link.index) this.interfaceDown(c);
      }
    } else {
      // A half-open end's next keepalive now reaches the far end, whose kernel answers with a
      // reset (modelled at once rather than at the next keepalive, at most 30 s later).
      for (const [sessionId, ends] of [...this.halfOpen]) {
        const alive = ends.filter((e) => !this.halfOpenReaches(e, sessionId));
        if (alive.length) this.halfOpen.set(sessionId, alive);
        else this.halfOpen.delete(sessionId);
        for (const e of ends.filter((x) => !alive.includes(x))) this.feed(e.node, (n) => n.speaker.connectionDown(e.peerId));
      }
      for (const c of this.connections.values()) for (const dir of [0, 1] as const) this.flushStalled(c, dir);
    }
  }

  async setNetem(link: LinkRef, netem: Netem | undefined): Promise<void> {
    this.net().setNetem(link.index, netem);
  }

  async stopNode(node: string): Promise<void> {
    this.net().setRunning(node, false);
    for (const [sessionId, ends] of [...this.halfOpen]) {
      const rest = ends.filter((e) => e.node !== node);
      if (rest.length) this.halfOpen.set(sessionId, rest);
      else this.halfOpen.delete(sessionId);
    }
    for (const c of [...this.connections.values()]) {
      const i = c.ends.findIndex((e) => e.node === node);
      if (i < 0) continue;
      this.connections.delete(c.sessionId);
      // The kernel resets the dead process's connections: the far end hears it if a path exists.
      const other = c.ends[1 - i]!;
      const path = this.net().path(other.node, c.ends[i]!.address);
      if (path) this.queue.schedule(this.net().transitDelay(path.links), () => this.feed(other.node, (n) => n.speaker.connectionDown(other.peerId)));
    }
    const ev = this.wakeups.get(node);
    this.queue.cancel(ev);
    this.wakeups.delete(node);
    this.bgp.delete(node);
    this.nat64.get(node)?.forgetBindings();
  }

  async startNode(node: string): Promise<void> {
    if (this.net().isRunning(node)) return;
    this.net().setRunning(node, true);
    const labNode = this.requireLab().nodes.find((n) => n.name === node);
    if (labNode?.bgp && getKind(labNode.kind).sim === 'bgp-speaker') this.startBgp(node);
  }

  async bgpSessions(node: string): Promise<SessionObservation[]> {
    return this.bgpNode(node)?.sessions() ?? [];
  }

  /** Best paths per BGP node (for convergence measurements). */
  locRibSizes(): Map<string, number> {
    return new Map([...this.bgp].map(([name, b]) => [name, b.speaker.locRibSize()]));
  }

  /** Events the simulation has executed so far. */
  eventsExecuted(): number {
    return this.queue.executed;
  }

  async bgpRoutes(node: string, prefix: string | undefined): Promise<RouteObservation[]> {
    return this.bgpNode(node)?.routes(prefix) ?? [];
  }

  /**
   * A query from `from` to `q.server` (or the lab's only DNS server): answered by the server
   * node's engine when a path exists both ways and the server runs; otherwise a timeout.
   */
  async dnsQuery(from: string, q: DnsQuery): Promise<DnsObservation> {
    const lab = this.requireLab();
    const net = this.net();
    let serverNode: string | undefined;
    let serverAddress = q.server;
    if (serverAddress) serverNode = net.ownerOf(serverAddress);
    else {
      const servers = [...this.dns.keys()];
      if (servers.length !== 1) throw new RuntimeError('sim.dns-server', `the lab has ${servers.length} DNS servers; say which one the query goes to`, { hint: 'add server: ADDRESS to the dns step' });
      serverNode = servers[0]!;
      const n = lab.nodes.find((x) => x.name === serverNode)!;
      serverAddress = (n.loopback.ipv4 ?? n.loopback.ipv6 ?? n.interfaces[0]?.ipv4 ?? n.interfaces[0]?.ipv6 ?? '').split('/')[0];
    }
    const engine = serverNode ? this.dns.get(serverNode) : undefined;
    const fromNode = lab.nodes.find((x) => x.name === from);
    const back = fromNode && [fromNode.loopback.ipv4, fromNode.loopback.ipv6, ...fromNode.interfaces.flatMap((i) => [i.ipv4, i.ipv6])].find((a) => a && serverNode && net.path(serverNode, a.split('/')[0]!));
    const there = serverAddress ? net.path(from, serverAddress) : undefined;
    if (!engine || !serverNode || !net.isRunning(serverNode) || !there || !back) return { rcode: 'TIMEOUT', answers: [], elapsedMs: 0 };
    const rtt = 2 * net.transitDelay(there.links);
    return { ...engine.query(q, Math.floor(this.queue.now() / 1000)), elapsedMs: rtt };
  }

  /** One DNS message from a node to a server address and back, when the lab's paths and the server allow it. */
  private exchange(from: string, server: string, query: Uint8Array, nowSeconds: number): Uint8Array | undefined {
    const net = this.net();
    const owner = net.ownerOf(server);
    const engine = owner ? this.dns.get(owner) : undefined;
    const fromNode = this.requireLab().nodes.find((n) => n.name === from);
    const back = fromNode && [fromNode.loopback.ipv4, fromNode.loopback.ipv6, ...fromNode.interfaces.flatMap((i) => [i.ipv4, i.ipv6])].find((a) => a && owner && net.path(owner, a.split('/')[0]!));
    if (!engine || !owner || !net.isRunning(owner) || !net.path(from, server) || !back) return undefined;
    return engine.answerBytes(query, nowSeconds);
  }

  private newOverlay(lab: Lab): SimZtOverlay {
    const random = seededRandom(this.seed ^ 0x5a7e);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random.next() * 256));
    return new SimZtOverlay(lab, bytes, { canReach: (node, address) => this.net().isRunning(node) && this.net().path(node, address) !== undefined, now: () => this.queue.now() });
  }

  async overlayNetworks(node: string): Promise<OverlayNetworkObservation[]> {
    if (!this.overlay) throw new RuntimeError('sim.no-overlay', `lab ${this.requireLab().name} has no zerotier nodes`);
    return this.overlay.networks(node);
  }

  async overlayAuthorize(member: string, authorized: boolean): Promise<void> {
    if (!this.overlay) throw new RuntimeError('sim.no-overlay', `lab ${this.requireLab().name} has no zerotier nodes`);
    this.overlay.authorize(member, authorized);
  }

  /** A probe built as real packets and carried through the lab's forwarding and NAT64 nodes (packet-reach.ts). */
  async reach(from: string, q: ReachQuery): Promise<ReachObservation> {
    const lab = this.requireLab();
    if (!lab.nodes.some((n) => n.name === from)) throw new RuntimeError('sim.unknown-node', `no node "${from}" in the lab`);
    return probeReach({ lab, net: this.net(), nat64: this.nat64, listeners: (n) => this.listeners.get(n) ?? [], nextProbeId: () => this.probeId++ }, from, q);
  }

  /** A tayga node: its translator, and the route of its prefix into the TUN device (as the kind's setup installs). */
  private startNat64(node: string, config: Record<string, unknown>): void {
    const nat = new SimNat64Node(node, config);
    this.nat64.set(node, nat);
    this.net().addDeviceRoute(node, { family: 'ipv6', network: bytesBigint(nat.prefix.bytes), length: nat.prefix.length });
  }

  now(): number {
    return this.queue.now();
  }

  async sleep(ms: number, opts: CallOptions = {}): Promise<void> {
    // Run in slices (a virtual second, or SLICE_EVENTS events when that comes first) so a long
    // virtual wait, and a large lab's convergence (minutes of CPU in one virtual second at 1,000
    // routers), still yield to the event loop (Ctrl-C, timeouts). The events run are the same.
    const until = this.queue.now() + ms;
    let finished = true;
    while (!finished || this.queue.now() < until) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      finished = this.queue.runSome(Math.min(until, this.queue.now() + 1000), SLICE_EVENTS);
      await new Promise((r) => setImmediate(r));
    }
  }

  // ---------------------------------------------------------------- BGP nodes and transport

  private startBgp(node: string): void {
    const labNode = this.requireLab().nodes.find((n) => n.name === node)!;
    const b = new SimBgpNode(this.requireLab(), labNode, this.queue.now(), { inProcessUpdates: this.updates === 'records', interner: this.interner });
    this.bgp.set(node, b);
    for (const out of b.start()) this.handle(node, out);
    this.rewake(node);
  }

  private bgpNode(node: string): SimBgpNode | undefined {
    if (!this.requireLab().nodes.some((n) => n.name === node)) throw new RuntimeError('sim.unknown-node', `no node "${node}" in the lab`);
    return this.bgp.get(node);
  }

  /** Give a node's speaker the time, then an input; handle everything it asks for. */
  private feed(node: string, input: (n: SimBgpNode) => Output): void {
    const b = this.bgp.get(node);
    if (!b) return;
    // Timers due now have run once this instant already (a second tick would only flush what an UPDATE left pending).
    const now = this.queue.now();
    if (b.tickedAt !== now) {
      b.tickedAt = now;
      this.handle(node, b.speaker.tick(now));
    }
    this.handle(node, input(b));
    this.rewake(node);
  }

  /**
   * UPDATE records are taken without flushing; one flush at the end of the instant (an event at
   * the same time runs after every delivery already queued for it) sends each peer the net
   * change of all of them in one round, so a best path that changes twice in an instant goes
   * out once, and each flush's fixed costs are paid once per instant rather than per UPDATE.
   */
  private flushAtEndOfInstant(node: string): void {
    const b = this.bgp.get(node);
    if (!b || b.flushScheduled) return;
    b.flushScheduled = true;
    this.queue.schedule(0, () => {
      b.flushScheduled = false;
      if (this.bgp.get(node) !== b) return;
      this.handle(node, b.speaker.flushPending());
      this.rewake(node);
    });
  }

  private rewake(node: string): void {
    const b = this.bgp.get(node);
    if (!b) return;
    const at = b.speaker.nextDeadline();
    const existing = this.wakeups.get(node);
    if (existing && !existing.cancelled && at !== undefined && existing.at <= at && existing.at >= this.queue.now()) return;
    this.queue.cancel(existing);
    if (at === undefined) return void this.wakeups.delete(node);
    this.wakeups.set(node, this.queue.schedule(Math.max(0, at - this.queue.now()), () => {
      this.wakeups.delete(node);
      this.feed(node, (n) => n.speaker.tick(this.queue.now()));
    }));
  }

  private handle(node: string, out: Output): void {
    for (const e of out.events) if (e.type === 'session') this.log(`${this.queue.now().toFixed(1)}ms ${node} → ${e.peer}: ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`);
    for (const s of out.send) this.send(node, s.peer, s.bytes);
    if (out.messages) for (const m of out.messages) this.send(node, m.peer, 'update' in m ? m.update : m.bytes);
    for (const peerId of out.connect) this.connect(node, peerId);
    for (const peerId of out.close) this.close(node, peerId);
  }

  private endsFor(node: string, peerId: string): { conn?: Connection; me: End; them: End; sessionId: string } | undefined {
    const peer = this.bgp.get(node)?.peerById(peerId);
    if (!peer) return undefined;
    const far = this.bgp.get(peer.peerNode)?.peers.find((p) => p.session.id === peer.session.id);
    const me: End = { node, peerId, address: peer.localAddress };
    const them: End = { node: peer.peerNode, peerId: far?.id ?? '', address: peer.peerAddress };
    return { conn: this.connections.get(peer.session.id), me, them, sessionId: peer.session.id };
  }

  private connect(node: string, peerId: string): void {
    const e = this.endsFor(node, peerId);
    if (!e || e.conn) return; // one transport per session: the far end's attempt is already under way
    if (!this.bgp.has(e.them.node) || !e.them.peerId) return; // nothing listens: the connect retry timer tries again
    const path = this.net().path(node, e.them.address);
    if (!path) return;
    const conn: Connection = { sessionId: e.sessionId, gen: ++this.generation, state: 'opening', ends: [e.me, e.them], lastDelivery: [0, 0], stalled: [[], []] };
    this.connections.set(e.sessionId, conn);
    const rtt = 2 * this.net().transitDelay(path.links);
    this.queue.schedule(rtt, () => {
      if (this.connections.get(e.sessionId)?.gen !== conn.gen) return;
      if (!this.bgp.has(e.them.node) || !this.net().path(node, e.them.address)) {
        this.connections.delete(e.sessionId);
        return;
      }
      conn.state = 'open';
      this.feed(node, (n) => n.speaker.connectionUp(peerId, { initiatedLocally: true }));
      if (this.connections.get(e.sessionId)?.gen === conn.gen) this.feed(e.them.node, (n) => n.speaker.connectionUp(e.them.peerId, { initiatedLocally: false }));
    });
  }

  private send(node: string, peerId: string, bytes: Segment): void {
    // The connection alone (endsFor also finds the far end's peer id, which a send does not need).
    const peer = this.bgp.get(node)?.peerById(peerId);
    const conn = peer && this.connections.get(peer.session.id);
    if (!conn || conn.state !== 'open') return;
    const dir = conn.ends[0].node === node ? 0 : 1;
    if (conn.stalled[dir].length) conn.stalled[dir].push(bytes);
    else this.transmit(conn, dir, bytes);
  }

  /** Schedule one segment along the current path, after the previous one (TCP order), or stall it. */
  private transmit(conn: Connection, dir: 0 | 1, bytes: Segment): void {
    const from = conn.ends[dir];
    const to = conn.ends[1 - dir]!;
    const path = this.net().path(from.node, to.address);
    if (!path) {
      conn.stalled[dir].push(bytes);
      return;
    }
    const at = Math.max(conn.lastDelivery[dir], this.queue.now() + this.net().transitDelay(path.links));
    conn.lastDelivery[dir] = at;
    const gen = conn.gen;
    this.queue.schedule(at - this.queue.now(), () => {
      if (this.connections.get(conn.sessionId)?.gen !== gen) return;
      if (bytes instanceof Uint8Array) return this.feed(to.node, (n) => n.speaker.receive(to.peerId, bytes));
      this.feed(to.node, (n) => n.speaker.receiveUpdate(to.peerId, bytes, { flush: false }));
      this.flushAtEndOfInstant(to.node);
    });
  }

  private flushStalled(conn: Connection, dir: 0 | 1): void {
    const waiting = conn.stalled[dir].splice(0);
    for (const bytes of waiting) this.transmit(conn, dir, bytes);
  }

  /** Our side closed: the far end hears it after what was already sent. */
  private close(node: string, peerId: string): void {
    const e = this.endsFor(node, peerId);
    const stale = e && this.halfOpen.get(e.sessionId);
    if (e && stale?.some((x) => x.node === node)) {
      // The half-open end gave up (hold timer): its dead connection is all it closes.
      const rest = stale.filter((x) => x.node !== node);
      if (rest.length) this.halfOpen.set(e.sessionId, rest);
      else this.halfOpen.delete(e.sessionId);
      return;
    }
    const conn = e?.conn;
    if (!conn) return;
    this.connections.delete(conn.sessionId);
    const dir = conn.ends[0].node === node ? 0 : 1;
    const other = conn.ends[1 - dir]!;
    const path = this.net().path(node, other.address);
    if (conn.state !== 'open' || !path) return;
    const at = Math.max(conn.lastDelivery[dir], this.queue.now() + this.net().transitDelay(path.links));
    this.queue.schedule(at - this.queue.now(), () => this.feed(other.node, (n) => n.speaker.connectionDown(other.peerId)));
  }

  /** The interface under a direct session went down: each end notices as its kind does. */
  private interfaceDown(conn: Connection): void {
    const lab = this.requireLab();
    const watches = (node: string) => {
      const kind = lab.nodes.find((n) => n.name === node)?.kind;
      return kind !== undefined && getKind(kind).failureDetection === 'interface';
    };
    const unaware = conn.ends.filter((end) => !watches(end.node));
    // Neither end looks: the connection just stalls, and survives if the link returns in time.
    if (conn.state === 'open' && unaware.length === conn.ends.length) return;
    this.connections.delete(conn.sessionId);
    if (conn.state !== 'open') return;
    if (unaware.length) this.halfOpen.set(conn.sessionId, unaware);
    for (const end of conn.ends) if (watches(end.node)) this.feed(end.node, (n) => n.speaker.connectionDown(end.peerId));
  }

  /** Whether a half-open end's segments reach the far end's node again. */
  private halfOpenReaches(end: End, sessionId: string): boolean {
    const session = this.requireLab().sessions.find((x) => x.id === sessionId);
    const far = session && (session.a.node === end.node ? session.b : session.a);
    return !!far && this.net().path(end.node, far.address) !== undefined;
  }

  private requireLab(): Lab {
    if (!this.lab) throw new RuntimeError('sim.not-up', 'the lab is not up', { hint: 'start the scenario with the up step' });
    return this.lab;
  }

  private net(): SimNetwork {
    this.requireLab();
    return this.network!;
  }
}

/** `192.0.2.53`, `192.0.2.53:5300`, `[2001:db8::53]:53` or a bare IPv6 address → the address. */
function hostOf(endpoint: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(endpoint);
  if (bracketed) return bracketed[1]!;
  if (endpoint.includes('.') && endpoint.includes(':')) return endpoint.slice(0, endpoint.lastIndexOf(':'));
  return endpoint;
}
