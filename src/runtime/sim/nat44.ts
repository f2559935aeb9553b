/**
 * The NAT44 half of the lab's stateful NAT64 (nftables `masquerade` of TAYGA's pool, as the
 * tayga kind sets up on netns): a packet from the pool leaving towards IPv4 takes the
 * egress interface's address, keeping its source port (or ICMP echo identifier) unless that
 * is taken, and a connection-tracking entry maps the answers back.
 */
import type { Packet, Transport } from './packets.js';

/** Linux picks a free port from the ephemeral range when the original one is taken. */
const FIRST_FREE_PORT = 1024;
const LAST_PORT = 65535;

interface Tuple {
  protocol: Transport['protocol'];
  /** Address text as the key sees it (hex of the bytes). */
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
}

interface Binding {
  inside: { address: Uint8Array; port: number };
  outside: { address: Uint8Array; port: number };
}

export class Masquerade {
  /** outside tuple key → binding, and inside tuple key → binding. */
  private readonly byOutside = new Map<string, Binding>();
  private readonly byInside = new Map<string, Binding>();

  /** Rewrite an outgoing packet's source to `egress` (4 bytes); the packet must be IPv4. */
  outbound(packet: Packet, egress: Uint8Array): Packet {
    const port = localPort(packet.transport);
    const remotePort = remotePortOf(packet.transport);
    const insideKey = key({ protocol: packet.transport.protocol, local: hex(packet.src), localPort: port, remote: hex(packet.dst), remotePort });
    let b = this.byInside.get(insideKey);
    if (!b) {
      let chosen = port;
      const taken = (p: number) => this.byOutside.has(key({ protocol: packet.transport.protocol, local: hex(egress), localPort: p, remote: hex(packet.dst), remotePort }));
      if (taken(chosen)) {
        chosen = FIRST_FREE_PORT;
        while (chosen <= LAST_PORT && taken(chosen)) chosen++;
        if (chosen > LAST_PORT) throw new Nat44Exhausted(hex(egress));
      }
      b = { inside: { address: packet.src, port }, outside: { address: egress, port: chosen } };
      this.byInside.set(insideKey, b);
      this.byOutside.set(key({ protocol: packet.transport.protocol, local: hex(egress), localPort: chosen, remote: hex(packet.dst), remotePort }), b);
    }
    return { ...packet, src: b.outside.address, transport: withLocalPort(packet.transport, b.outside.port, 'src') };
  }

  /** The answer to a masqueraded packet, rewritten back to the pool address; undefined when no entry matches. */
  inbound(packet: Packet): Packet | undefined {
    const t = packet.transport;
    const b = this.byOutside.get(key({ protocol: t.protocol, local: hex(packet.dst), localPort: answerPort(t), remote: hex(packet.src), remotePort: answerRemotePort(t) }));
    if (!b) return undefined;
    return { ...packet, dst: b.inside.address, transport: withLocalPort(t, b.inside.port, 'dst') };
  }

  /** Entries in the table (for status and tests). */
  size(): number {
    return this.byInside.size;
  }
}

export class Nat44Exhausted extends Error {
  readonly code = 'sim.nat44-exhausted';
  constructor(address: string) {
    super(`no free NAT44 port left on ${address}`);
  }
}

function localPort(t: Transport): number {
  return t.protocol === 'icmp' ? t.id : t.srcPort;
}

function remotePortOf(t: Transport): number {
  return t.protocol === 'icmp' ? 0 : t.dstPort;
}

function answerPort(t: Transport): number {
  return t.protocol === 'icmp' ? t.id : t.dstPort;
}

function answerRemotePort(t: Transport): number {
  return t.protocol === 'icmp' ? 0 : t.srcPort;
}

function withLocalPort(t: Transport, port: number, side: 'src' | 'dst'): Transport {
  if (t.protocol === 'icmp') return { ...t, id: port };
  return side === 'src' ? { ...t, srcPort: port } : { ...t, dstPort: port };
}

function key(t: Tuple): string {
  return `${t.protocol}|${t.local}|${t.localPort}|${t.remote}|${t.remotePort}`;
}

function hex(a: Uint8Array): string {
  return Buffer.from(a).toString('hex');
}
