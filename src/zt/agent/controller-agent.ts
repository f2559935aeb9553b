/**
 * The controller daemon: the pure controller (../controller.ts) behind a UDP socket and the
 * local API. Members say HELLO with their public key, then send sealed config REQUESTs; the
 * controller answers with sealed CONFIG packets, and pushes new ones to every member a change
 * affects (that push is what makes a deauthorization take effect at once).
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Server } from 'node:http';
import type { ControllerAgentConfig } from '../agent-config.js';
import { configFor, emptyController, memberState, step, ControllerError, type ControllerEffect, type ControllerState, type MemberPatch } from '../controller.js';
import { isMemberId, isNetworkId, type MemberId, type NetworkId } from '../ids.js';
import { agreeKey, clearPayload, decodeHeader, encodeClear, generateIdentity, open, PacketType, seal, type Identity } from '../packet.js';
import { serveLocalApi, type ApiRequest, type ApiResponse } from './local-api.js';
import type { AgentDeps } from './runtime-deps.js';

interface Session {
  key: Buffer;
  identity: string;
  /** Where the member's last packet came from. */
  address: string;
  port: number;
}

export class ControllerAgent {
  private state: ControllerState = emptyController();
  private readonly sessions = new Map<string, Session>();
  private readonly identity: Identity = generateIdentity();
  private socket: Socket | undefined;
  private api: Server | undefined;
  private readonly me: MemberId;

  constructor(private readonly cfg: ControllerAgentConfig, private readonly deps: AgentDeps) {
    this.me = cfg.address as MemberId;
    for (const [id, n] of Object.entries(cfg.networks)) {
      const { members, ...settings } = n;
      this.apply({ type: 'set-network', settings: { id: id as NetworkId, ...settings } });
      for (const [mid, preset] of Object.entries(members)) this.apply({ type: 'set-member', network: id as NetworkId, member: mid as MemberId, patch: preset });
    }
  }

  async start(apiSocket: string): Promise<void> {
    this.socket = createSocket('udp4');
    this.socket.on('error', (err) => this.deps.log(`udp: ${err.message}`));
    this.socket.on('message', (msg, rinfo) => this.onPacket(msg, rinfo.address, rinfo.port));
    await new Promise<void>((resolve) => this.socket!.bind(this.cfg.port, resolve));
    this.api = await serveLocalApi(apiSocket, (r) => this.handleApi(r));
    this.deps.log(`controller ${this.me} serving ${Object.keys(this.state.networks).join(', ')} on udp/${this.cfg.port}`);
  }

  async stop(): Promise<void> {
    this.socket?.close();
    await new Promise<void>((resolve) => (this.api ? this.api.close(() => resolve()) : resolve()));
  }

  private apply(event: Parameters<typeof step>[1]): void {
    const { state, effects } = step(this.state, event, this.deps.random);
    this.state = state;
    for (const e of effects) this.deliver(e);
  }

  private deliver(e: ControllerEffect): void {
    const s = this.sessions.get(e.member);
    if (!s || !this.socket) return;
    const body = e.type === 'config' ? { status: 'OK', config: e.config } : { status: e.status, network: e.network };
    this.socket.send(seal(PacketType.CONFIG, e.member, this.me, s.key, Buffer.from(JSON.stringify(body))), s.port, s.address);
  }

  private onPacket(msg: Buffer, address: string, port: number): void {
    let h;
    try {
      h = decodeHeader(msg);
    } catch {
      return;
    }
    if (h.dst !== this.me) return;
    if (h.type === PacketType.HELLO) {
      const pub = clearPayload(msg);
      try {
        const key = agreeKey(this.identity, pub, this.me, h.src);
        this.sessions.set(h.src, { key, identity: Buffer.from(pub).toString('base64'), address, port });
        this.socket!.send(encodeClear(PacketType.HELLO, h.src, this.me, this.identity.publicKey), port, address);
      } catch {
        /* not a key */
      }
      return;
    }
    if (h.type !== PacketType.REQUEST) return;
    const s = this.sessions.get(h.src);
    const payload = s && open(msg, s.key);
    if (!s || !payload) return;
    s.address = address;
    s.port = port;
    let req: { network?: unknown; endpoints?: unknown };
    try {
      req = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (typeof req.network !== 'string' || !isNetworkId(req.network)) return;
    const reported = Array.isArray(req.endpoints) ? req.endpoints.filter((e): e is string => typeof e === 'string') : [];
    const seen = `${address}:${port}`;
    this.apply({ type: 'request', network: req.network, member: h.src, identity: s.identity, endpoints: [seen, ...reported.filter((e) => e !== seen)], now: this.deps.now() });
  }

  /** The controller part of ZeroTier's local API, plus /status. */
  handleApi(r: ApiRequest): ApiResponse {
    const parts = r.path.split('/').filter(Boolean);
    if (parts[0] === 'status') return { status: 200, body: { address: this.me, online: true, role: 'controller', version: 'flatlab' } };
    if (parts[0] !== 'controller') return { status: 404, body: { error: `no such path ${r.path}` } };
    if (parts.length === 1) return { status: 200, body: { controller: true, apiVersion: 4 } };
    if (parts[1] !== 'network') return { status: 404, body: { error: `no such path ${r.path}` } };
    if (parts.length === 2) return { status: 200, body: Object.keys(this.state.networks).sort() };
    const nwid = parts[2]!;
    const net = this.state.networks[nwid];
    if (!net) return { status: 404, body: { error: `network ${nwid} not found` } };
    if (parts.length === 3) {
      if (r.method === 'POST') return { status: 501, body: { error: 'changing network settings through the API is not implemented; change the topology and regenerate' } };
      return { status: 200, body: { ...net.settings, id: nwid, nwid, objtype: 'network', revision: net.revision } };
    }
    if (parts[3] !== 'member') return { status: 404, body: { error: `no such path ${r.path}` } };
    if (parts.length === 4) return { status: 200, body: Object.fromEntries(Object.values(net.members).map((m) => [m.id, net.revision])) };
    const mid = parts[4]!;
    if (!isMemberId(mid)) return { status: 400, body: { error: `"${mid}" is not a member address` } };
    if (r.method === 'POST') {
      const b = (r.body ?? {}) as Record<string, unknown>;
      const patch: MemberPatch = {};
      if (typeof b.authorized === 'boolean') patch.authorized = b.authorized;
      if (typeof b.name === 'string') patch.name = b.name;
      if (Array.isArray(b.ipAssignments)) patch.ipAssignments = b.ipAssignments.map(String);
      if (Array.isArray(b.tags)) patch.tags = b.tags as Array<[number, number]>;
      try {
        this.apply({ type: 'set-member', network: nwid as NetworkId, member: mid, patch });
      } catch (err) {
        if (err instanceof ControllerError) return { status: 400, body: { error: err.message } };
        throw err;
      }
    }
    const net2 = this.state.networks[nwid]!;
    const m = net2.members[mid];
    if (!m) return { status: 404, body: { error: `member ${mid} not found in ${nwid}` } };
    return {
      status: 200,
      body: {
        id: m.id, address: m.id, nwid, objtype: 'member', name: m.name, authorized: m.authorized, state: memberState(net2, m),
        ipAssignments: m.ipAssignments, tags: m.tags, physicalAddress: m.endpoints[0] ?? null, lastRequest: m.lastRequest ?? null,
        assignedAddresses: configFor(net2, m).assignedAddresses,
      },
    };
  }
}
