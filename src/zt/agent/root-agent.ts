/**
 * A root: members REGISTER with it every few seconds (keeping their NAT mappings towards it
 * open), and it relays any packet addressed to another member to where that member last
 * registered from. It never holds a key: what it relays stays sealed, as with ZeroTier roots.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Server } from 'node:http';
import type { RootAgentConfig } from '../agent-config.js';
import type { MemberId } from '../ids.js';
import { decodeHeader, PacketType } from '../packet.js';
import { serveLocalApi, type ApiRequest, type ApiResponse } from './local-api.js';
import type { AgentDeps } from './runtime-deps.js';

/** A registration older than this is forgotten. */
const REGISTRATION_TTL_MS = 30_000;

export class RootAgent {
  private readonly members = new Map<string, { address: string; port: number; at: number }>();
  private relayed = 0;
  private socket: Socket | undefined;
  private api: Server | undefined;
  private readonly me: MemberId;

  constructor(private readonly cfg: RootAgentConfig, private readonly deps: AgentDeps) {
    this.me = cfg.address as MemberId;
  }

  async start(apiSocket: string): Promise<void> {
    this.socket = createSocket('udp4');
    this.socket.on('error', (err) => this.deps.log(`udp: ${err.message}`));
    this.socket.on('message', (msg, rinfo) => this.onPacket(msg, rinfo.address, rinfo.port));
    await new Promise<void>((resolve) => this.socket!.bind(this.cfg.port, resolve));
    this.api = await serveLocalApi(apiSocket, (r) => this.handleApi(r));
    this.deps.log(`root ${this.me} relaying on udp/${this.cfg.port}`);
  }

  async stop(): Promise<void> {
    this.socket?.close();
    await new Promise<void>((resolve) => (this.api ? this.api.close(() => resolve()) : resolve()));
  }

  onPacket(msg: Buffer, address: string, port: number): void {
    let h;
    try {
      h = decodeHeader(msg);
    } catch {
      return;
    }
    const now = this.deps.now();
    if (h.type === PacketType.REGISTER && h.dst === this.me) {
      this.members.set(h.src, { address, port, at: now });
      return;
    }
    if (h.dst === this.me) return;
    const to = this.members.get(h.dst);
    if (!to || now - to.at > REGISTRATION_TTL_MS) return;
    this.relayed++;
    this.socket?.send(msg, to.port, to.address);
  }

  handleApi(r: ApiRequest): ApiResponse {
    if (r.path === '/status') return { status: 200, body: { address: this.me, online: true, role: 'root', relayed: this.relayed } };
    if (r.path === '/peer') {
      const now = this.deps.now();
      return { status: 200, body: [...this.members].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, m]) => ({ address: id, role: 'LEAF', paths: [{ address: `${m.address}/${m.port}`, lastReceive: now - m.at, active: now - m.at <= REGISTRATION_TTL_MS }] })) };
    }
    return { status: 404, body: { error: `no such path ${r.path}` } };
  }
}
