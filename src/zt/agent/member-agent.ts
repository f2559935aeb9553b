/**
 * A network member: joins its network through the controller, keeps the kernel's overlay
 * device (kernel-port.ts) in line with the config it gets (addresses, routes), and carries the
 * device's Ethernet frames to the peers, sealed with each pair's key, over the best path it
 * has measured (paths.ts) or through a root. Flow rules run on the way out and on the way in.
 * A frame from a member the config does not list, or that does not authenticate under the
 * pair key, is dropped: that is how a deauthorized member loses the network.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Server } from 'node:http';
import { memberOfMac } from '../addresses.js';
import type { MemberAgentConfig } from '../agent-config.js';
import type { NetworkConfig, PeerInfo } from '../controller.js';
import type { MemberId, NetworkId } from '../ids.js';
import { agreeKey, clearPayload, decodeHeader, encodeClear, generateIdentity, open, PacketType, seal, type Identity } from '../packet.js';
import { evaluateRules, frameFacts } from '../rules.js';
import { completeTransportChecksum } from '../checksum.js';
import { AGENT_ADDRESS, AGENT_VXLAN_PORT, deviceName, KERNEL_VXLAN_PORT, kernelPortCleanupCommands, kernelPortCommands, OVERLAY_MTU, vxlanHeader, vxlanPayload } from './kernel-port.js';
import { serveLocalApi, type ApiRequest, type ApiResponse } from './local-api.js';
import { chooseRoute, learnPath, newPathTable, recordReply, updateEndpoints, type PathTable } from './paths.js';
import type { AgentDeps } from './runtime-deps.js';
import { memberMac, sixPlaneAddress, sixPlaneNetwork } from '../addresses.js';

export const TICK_MS = 1_000;
/** A member with a config asks again this often (ZeroTier re-requests periodically too). */
const REFRESH_MS = 5_000;
const REGISTER_EVERY_TICKS = 2;

export type NetworkStatus = 'REQUESTING_CONFIGURATION' | 'OK' | 'ACCESS_DENIED' | 'NOT_FOUND';

interface Peer {
  info: PeerInfo;
  key: Buffer;
  paths: PathTable;
  lastReceive?: number;
  tags: Map<number, number>;
}

export interface FrameCounters {
  sent: number;
  received: number;
  droppedByRules: number;
  unauthenticated: number;
}

export class MemberAgent {
  private readonly identity: Identity = generateIdentity();
  private readonly me: MemberId;
  private readonly network: NetworkId;
  private controllerKey: Buffer | undefined;
  private config: NetworkConfig | undefined;
  private status: NetworkStatus = 'REQUESTING_CONFIGURATION';
  private peers = new Map<string, Peer>();
  private myTags = new Map<number, number>();
  private applied: string[] = [];
  private appliedRoutes: string[] = [];
  private lastRequest = -Infinity;
  private ticks = 0;
  private underlay: Socket | undefined;
  private kernel: Socket | undefined;
  private api: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private commands: Promise<void> = Promise.resolve();
  readonly counters: FrameCounters = { sent: 0, received: 0, droppedByRules: 0, unauthenticated: 0 };
  private readonly roots: Set<string>;

  constructor(private readonly cfg: MemberAgentConfig, private readonly deps: AgentDeps, private readonly onAddresses: (addresses: string[]) => void = () => {}) {
    this.me = cfg.address as MemberId;
    this.network = cfg.network as NetworkId;
    this.roots = new Set(cfg.roots.map((r) => r.endpoint));
  }

  get device(): string {
    return deviceName(this.network);
  }

  async start(apiSocket: string): Promise<void> {
    // A restarted agent (stop/start of the node) finds its predecessor's devices still there.
    for (const argv of kernelPortCleanupCommands(this.network)) await this.deps.run(argv).catch(() => '');
    for (const c of kernelPortCommands(this.network, memberMac(this.network, this.me))) await this.deps.run(c.argv, c.input);
    this.kernel = createSocket('udp4');
    this.kernel.on('error', (err) => this.deps.log(`kernel port: ${err.message}`));
    this.kernel.on('message', (msg) => this.onKernel(msg));
    await new Promise<void>((resolve) => this.kernel!.bind(AGENT_VXLAN_PORT, AGENT_ADDRESS, resolve));
    this.underlay = createSocket('udp4');
    // A send to an endpoint the underlay cannot reach (a link went down) is a lost datagram, as on the wire.
    this.underlay.on('error', (err) => this.deps.log(`underlay: ${err.message}`));
    this.underlay.on('message', (msg, rinfo) => this.onUnderlay(msg, `${rinfo.address}:${rinfo.port}`));
    await new Promise<void>((resolve) => this.underlay!.bind(this.cfg.port, resolve));
    this.api = await serveLocalApi(apiSocket, (r) => this.handleApi(r));
    this.timer = setInterval(() => this.tick(), TICK_MS);
    const c = this.cfg.controller;
    this.deps.log(c ? `member ${this.me} joining ${this.network} via controller ${c.node} (${c.endpoint})` : `member ${this.me}: no controller for ${this.network} in this lab; the network stays REQUESTING_CONFIGURATION`);
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.underlay?.close();
    this.kernel?.close();
    await new Promise<void>((resolve) => (this.api ? this.api.close(() => resolve()) : resolve()));
  }

  private send(packet: Buffer, endpoint: string): void {
    const i = endpoint.lastIndexOf(':');
    // An unreachable endpoint (its link is down) loses the datagram, as on the wire; the path prober notices.
    this.underlay?.send(packet, Number(endpoint.slice(i + 1)), endpoint.slice(0, i), () => {});
  }

  tick(): void {
    const now = this.deps.now();
    this.ticks++;
    const ctl = this.cfg.controller;
    if (!ctl) {
      /* nobody to ask */
    } else if (!this.controllerKey) this.send(encodeClear(PacketType.HELLO, ctl.address as MemberId, this.me, this.identity.publicKey), ctl.endpoint);
    else if (this.status !== 'OK' || now - this.lastRequest >= REFRESH_MS) this.request();
    if (this.ticks % REGISTER_EVERY_TICKS === 1) for (const r of this.cfg.roots) this.send(encodeClear(PacketType.REGISTER, r.address as MemberId, this.me), r.endpoint);
    for (const [id, p] of this.peers) {
      for (const endpoint of p.paths.paths.keys()) {
        const t = Buffer.alloc(8);
        t.writeDoubleBE(now);
        this.send(seal(PacketType.ECHO, id as MemberId, this.me, p.key, Buffer.concat([t, Buffer.from(endpoint)])), endpoint);
      }
    }
  }

  private request(): void {
    if (!this.controllerKey || !this.cfg.controller) return;
    this.lastRequest = this.deps.now();
    const endpoints = this.deps.localAddresses().map((a) => `${a}:${this.cfg.port}`);
    const body = Buffer.from(JSON.stringify({ network: this.network, endpoints }));
    this.send(seal(PacketType.REQUEST, this.cfg.controller.address as MemberId, this.me, this.controllerKey, body), this.cfg.controller.endpoint);
  }

  onUnderlay(msg: Buffer, from: string): void {
    let h;
    try {
      h = decodeHeader(msg);
    } catch {
      return;
    }
    if (h.dst !== this.me) return;
    const ctl = this.cfg.controller;
    if (ctl && h.src === ctl.address) {
      if (h.type === PacketType.HELLO) {
        try {
          this.controllerKey = agreeKey(this.identity, clearPayload(msg), this.me, ctl.address as MemberId);
          this.request();
        } catch {
          /* not a key */
        }
      } else if (h.type === PacketType.CONFIG && this.controllerKey) {
        const body = open(msg, this.controllerKey);
        if (body) this.onConfig(JSON.parse(body.toString('utf8')) as { status: NetworkStatus; config?: NetworkConfig });
      }
      return;
    }
    const peer = this.peers.get(h.src);
    const payload = peer && open(msg, peer.key);
    if (!peer || !payload) {
      this.counters.unauthenticated++;
      return;
    }
    peer.lastReceive = this.deps.now();
    const viaRoot = this.roots.has(from);
    if (!viaRoot) learnPath(peer.paths, from);
    if (h.type === PacketType.ECHO) {
      // Answer where it came from: through the NAT mapping (or the root) it arrived by.
      this.send(seal(PacketType.ECHO_REPLY, h.src, this.me, peer.key, payload), from);
    } else if (h.type === PacketType.ECHO_REPLY && payload.length > 8) {
      const sentAt = payload.readDoubleBE(0);
      const now = this.deps.now();
      recordReply(peer.paths, payload.subarray(8).toString('utf8'), now, now - sentAt);
    } else if (h.type === PacketType.FRAME) {
      this.deliver(payload, peer);
    }
  }

  private onConfig(msg: { status: NetworkStatus; config?: NetworkConfig }): void {
    if (msg.status !== 'OK' || !msg.config) {
      if (this.status !== msg.status) this.deps.log(`network ${this.network}: ${msg.status}`);
      this.status = msg.status;
      this.config = undefined;
      this.peers = new Map();
      this.syncDevice([], []);
      return;
    }
    const c = msg.config;
    if (this.status === 'OK' && this.config && c.revision < this.config.revision) return;
    if (this.status !== 'OK') this.deps.log(`network ${this.network}: OK, addresses ${c.assignedAddresses.join(' ')}`);
    this.status = 'OK';
    this.config = c;
    this.myTags = new Map(c.tags);
    const peers = new Map<string, Peer>();
    for (const info of c.peers) {
      const old = this.peers.get(info.id);
      const key = Buffer.from(info.key, 'hex');
      const paths = old ? updateEndpoints(old.paths, info.endpoints) : newPathTable(info.endpoints);
      peers.set(info.id, { info, key, paths, tags: new Map(info.tags), ...(old?.lastReceive !== undefined ? { lastReceive: old.lastReceive } : {}) });
    }
    this.peers = peers;
    const routes = c.routes.filter((r) => r.via).map((r) => `${r.target} via ${r.via}`);
    if (c.assignedAddresses.includes(sixPlaneAddress(this.network, this.me))) routes.push(sixPlaneNetwork(this.network));
    this.syncDevice(c.assignedAddresses, routes);
  }

  /** Queue the `ip` commands that make the device's addresses and routes match `addresses` and `routes`. */
  private syncDevice(addresses: string[], routes: string[]): void {
    const dev = this.device;
    const add = addresses.filter((a) => !this.applied.includes(a));
    const del = this.applied.filter((a) => !addresses.includes(a));
    const delRoutes = this.appliedRoutes.filter((r) => !routes.includes(r));
    this.applied = [...addresses];
    this.appliedRoutes = [...routes];
    this.commands = this.commands.then(async () => {
      try {
        for (const r of delRoutes) await this.deps.run(['ip', 'route', 'del', ...r.split(' '), 'dev', dev]).catch(() => '');
        for (const a of del) await this.deps.run(['ip', 'addr', 'del', a, 'dev', dev]);
        for (const a of add) await this.deps.run(['ip', 'addr', 'add', a, 'dev', dev, ...(a.includes(':') ? ['nodad'] : [])]);
        for (const r of routes) await this.deps.run(['ip', 'route', 'replace', ...r.split(' '), 'dev', dev]);
        if (add.length || del.length) this.onAddresses([...addresses]);
      } catch (err) {
        this.deps.log(`could not configure ${dev}: ${(err as Error).message}`);
      }
    });
  }

  private sendToPeer(id: string, peer: Peer, packet: Buffer): void {
    const route = chooseRoute(peer.paths, this.deps.now());
    if (route.kind === 'direct') this.send(packet, route.endpoint);
    else if (this.cfg.roots[0]) this.send(packet, this.cfg.roots[0].endpoint);
  }

  onKernel(datagram: Buffer): void {
    const frame = vxlanPayload(datagram);
    if (!frame || this.status !== 'OK') return;
    const multicast = (frame[0]! & 1) === 1;
    const targets: Array<[string, Peer]> = [];
    if (multicast) targets.push(...this.peers);
    else {
      const id = memberOfMac(this.network, [...frame.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':'));
      const peer = id && this.peers.get(id);
      if (peer) targets.push([id, peer]);
    }
    const facts = frameFacts(frame);
    if (targets.length) completeTransportChecksum(frame);
    for (const [id, peer] of targets) {
      if (evaluateRules(this.config!.rules, { ...facts, senderTags: this.myTags, receiverTags: peer.tags }) === 'drop') {
        this.counters.droppedByRules++;
        continue;
      }
      this.counters.sent++;
      this.sendToPeer(id, peer, seal(PacketType.FRAME, id as MemberId, this.me, peer.key, frame));
    }
  }

  private deliver(frame: Buffer, peer: Peer): void {
    if (this.status !== 'OK' || frame.length < 14) return;
    const toMe = (frame[0]! & 1) === 1 || memberOfMac(this.network, [...frame.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':')) === this.me;
    if (!toMe) return;
    if (evaluateRules(this.config!.rules, { ...frameFacts(frame), senderTags: peer.tags, receiverTags: this.myTags }) === 'drop') {
      this.counters.droppedByRules++;
      return;
    }
    this.counters.received++;
    this.kernel?.send(Buffer.concat([vxlanHeader(), frame]), KERNEL_VXLAN_PORT, AGENT_ADDRESS);
  }

  /** `zerotier-cli listnetworks`' data. */
  networks(): unknown[] {
    const c = this.config;
    return [{
      nwid: this.network, id: this.network, name: c?.name ?? '', status: this.status, type: c ? (c.private ? 'PRIVATE' : 'PUBLIC') : 'PRIVATE',
      mac: memberMac(this.network, this.me), mtu: OVERLAY_MTU, portDeviceName: this.device, assignedAddresses: c?.assignedAddresses ?? [],
      routes: c?.routes ?? [], netconfRevision: c?.revision ?? 0, counters: this.counters,
    }];
  }

  /** `zerotier-cli peers`' data: members of the network, then the roots and the controller. */
  peerList(): unknown[] {
    const now = this.deps.now();
    const members = [...this.peers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, p]) => {
      const route = chooseRoute(p.paths, now);
      const best = route.kind === 'direct' ? p.paths.paths.get(route.endpoint) : undefined;
      return {
        address: id, role: 'LEAF', latency: best?.rttMs === undefined ? -1 : Math.round(best.rttMs), relayed: route.kind === 'relay',
        lastReceive: p.lastReceive === undefined ? null : now - p.lastReceive,
        paths: [...p.paths.paths.values()].map((x) => ({ address: x.endpoint.replace(/:(\d+)$/, '/$1'), active: x.lastReply !== undefined && now - x.lastReply <= 3_500, preferred: route.kind === 'direct' && route.endpoint === x.endpoint, lastReceive: x.lastReply === undefined ? null : now - x.lastReply })),
      };
    });
    const infra = [...this.cfg.roots.map((r) => ({ address: r.address, role: 'PLANET', endpoint: r.endpoint })), ...(this.cfg.controller ? [{ address: this.cfg.controller.address, role: 'LEAF', endpoint: this.cfg.controller.endpoint }] : [])];
    return [...members, ...infra.map((x) => ({ address: x.address, role: x.role, latency: -1, relayed: false, lastReceive: null, paths: [{ address: x.endpoint.replace(/:(\d+)$/, '/$1'), active: true, preferred: true, lastReceive: null }] }))];
  }

  handleApi(r: ApiRequest): ApiResponse {
    if (r.path === '/status') return { status: 200, body: { address: this.me, online: this.controllerKey !== undefined, role: 'member', version: 'flatlab' } };
    if (r.path === '/network') return { status: 200, body: this.networks() };
    if (r.path === '/peer') return { status: 200, body: this.peerList() };
    return { status: 404, body: { error: `no such path ${r.path}` } };
  }
}
