/**
 * Reachability in the sim with real packets: the probe (ICMP/ICMPv6 echo request or TCP SYN)
 * is built byte for byte, carried along the lab's forwarding (SimNetwork paths), through a
 * NAT64 node's translator when its route takes it there, answered by the destination node as
 * its kernel and daemons would (echo reply; SYN-ACK if a daemon listens on the port, else
 * RST), and the answer is carried back the same way. The probe reaches only if every stage
 * succeeds and the answer that arrives is the one the sender waits for, with valid checksums.
 *
 * Timing follows the netns runtime's probes: ping waits 1 s for a reply (`-W 1`), the TCP
 * check 3 s for the connection; the round trip is the links' delays (netem delay, jitter,
 * and loss as retransmission time, SimNetwork.transitDelay).
 */
import { bigintBytes, bytesBigint } from '../../net/siit/address-map.js';
import { formatIp, parseInterfaceAddress, parseIp, prefixContainsAddress, type IpAddress, type IpFamily } from '../../net/ip.js';
import type { Lab } from '../../topology/lab.js';
import { RuntimeError } from '../errors.js';
import type { ReachObservation, ReachQuery } from '../runtime.js';
import { Nat64DropError, type SimNat64Node } from './nat64-node.js';
import type { SimNetwork } from './network.js';
import { buildPacket, checksumsValid, parsePacket, TCP_ACK, TCP_RST, TCP_SYN, type Packet } from './packets.js';
import { listensOn, type TcpListener } from './tcp-services.js';

/** ping -W 1 and the netns TCP check's `timeout 3`. */
const ICMP_WAIT_MS = 1000;
const TCP_WAIT_MS = 3000;
const TTL = 64;
/** More stages than any lab needs (a packet crosses at most a few translators). */
const MAX_STAGES = 8;
const PING_DATA = new TextEncoder().encode('flatlab sim ping');
/** Linux's default ephemeral port range (net.ipv4.ip_local_port_range 32768–60999): probe ports stay in it. */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_COUNT = 60999 - 32768 + 1;

export interface ReachModel {
  lab: Lab;
  net: SimNetwork;
  nat64: ReadonlyMap<string, SimNat64Node>;
  listeners(node: string): readonly TcpListener[];
  /** A counter for the next probe's source port / echo identifier (deterministic; any non-negative integer). */
  nextProbeId(): number;
}

type Carried = { ok: true; node: string; packet: Uint8Array; ms: number; via: string[] } | { ok: false; reason: string };

export function probeReach(m: ReachModel, from: string, q: ReachQuery): ReachObservation {
  const dst = parseIp(q.to);
  if (!dst) throw new RuntimeError('sim.reach-name', `the sim resolves no names for reach: "${q.to}" is not an address`, { hint: 'give the address (resolve it with a dns step first), or use --runtime netns' });
  const shown = q.protocol === 'tcp' ? `${dst.family === 'ipv6' ? `[${q.to}]` : q.to}:${q.port}` : q.to;
  const fail = (reason: string): ReachObservation => ({ reachable: false, detail: q.protocol === 'icmp' ? `100% loss: ${reason}` : `no answer from ${shown}: ${reason}` });

  const first = m.net.path(from, q.to);
  if (!first) return fail(`no route from ${from} to ${q.to} (or a link on the way is down)`);
  const src = sourceAddress(m.lab, from, dst.family, first.links[0]);
  if (!src) return fail(`${from} has no ${dst.family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  const id = EPHEMERAL_FIRST + (m.nextProbeId() % EPHEMERAL_COUNT);
  const probe: Packet = {
    src: bytesOf(src),
    dst: bytesOf(dst),
    ttl: TTL,
    transport: q.protocol === 'icmp'
      ? { protocol: 'icmp', echo: 'request', id, seq: 1, data: PING_DATA }
      : { protocol: 'tcp', srcPort: id, dstPort: q.port ?? 0, flags: TCP_SYN, seq: 1, ack: 0 },
  };
  const there = carry(m, from, buildPacket(probe));
  if (!there.ok) return fail(there.reason);
  const answer = respond(m, there.node, there.packet);
  if ('reason' in answer) return fail(answer.reason);
  const back = carry(m, there.node, answer.bytes);
  if (!back.ok) return fail(`the answer from ${there.node} is lost: ${back.reason}`);
  if (back.node !== from) return fail(`the answer from ${there.node} arrives at ${back.node}, not ${from}`);
  if (!checksumsValid(back.packet)) return fail(`the answer arrives at ${from} with a bad checksum`);
  const got = parsePacket(back.packet);
  const mismatch = answerMismatch(probe, got);
  if (mismatch) return fail(mismatch);
  const rtt = there.ms + back.ms;
  const via = [...new Set([...there.via, ...back.via])];
  const through = via.length ? ` via ${via.join(', ')}` : '';
  if (got.transport.protocol === 'tcp' && got.transport.flags & TCP_RST) return { reachable: false, detail: `connection refused by ${shown}${through}` };
  if (rtt > (q.protocol === 'icmp' ? ICMP_WAIT_MS : TCP_WAIT_MS)) return fail(`the answer would take ${rtt.toFixed(0)} ms`);
  const detail = q.protocol === 'icmp' ? `0% loss, rtt ${rtt.toFixed(3)} ms${through}` : `connected to ${shown}${through}`;
  return { reachable: true, detail, rttMs: rtt };
}

/** Forward a packet from `at` until a node takes it in, translating where a NAT64 node's route leads. */
function carry(m: ReachModel, start: string, bytes: Uint8Array): Carried {
  let at = start;
  let packet = bytes;
  let ms = 0;
  const via: string[] = [];
  for (let stage = 0; stage < MAX_STAGES; stage++) {
    const p = parsePacket(packet);
    const dst = addressOf(p.dst);
    const path = m.net.path(at, formatIp(dst.family, dst.value));
    if (!path) return { ok: false, reason: `no route from ${at} to ${formatIp(dst.family, dst.value)} (or a link on the way is down)` };
    ms += m.net.transitDelay(path.links);
    const node = path.to;
    const nat = m.nat64.get(node);
    if (!nat) return { ok: true, node, packet, ms, via };
    const running = m.net.isRunning(node);
    try {
      if (dst.family === 'ipv6' && prefixContainsAddress(ipv6Prefix(nat), dst)) {
        if (!running) return { ok: false, reason: `${node} (tayga) is stopped: packets to ${nat.prefix.text} go into its TUN device and nothing reads them` };
        const t = nat.toIpv4(packet, (d) => egressIpv4(m, node, d));
        via.push(`${node} (${formatIp('ipv6', bytesBigint(p.src))} → pool ${t.pool} → NAT44 ${formatIp('ipv4', bytesBigint(parsePacket(t.packet).src))})`);
        packet = t.packet;
        at = node;
        continue;
      }
      if (dst.family === 'ipv4') {
        const t = nat.toIpv6(packet, running);
        if (t) {
          packet = t.packet;
          at = node;
          continue;
        }
      }
    } catch (err) {
      if (err instanceof Nat64DropError) return { ok: false, reason: err.message };
      throw err;
    }
    return { ok: true, node, packet, ms, via };
  }
  return { ok: false, reason: `the packet went through more than ${MAX_STAGES} translators (a loop?)` };
}

/** What the destination's kernel (and daemons) send back; a reason when nothing comes back. */
function respond(m: ReachModel, node: string, bytes: Uint8Array): { bytes: Uint8Array } | { reason: string } {
  if (!checksumsValid(bytes)) return { reason: `${node} drops the probe: bad checksum` };
  const p = parsePacket(bytes);
  const t = p.transport;
  const reply = (transport: Packet['transport']) => ({ bytes: buildPacket({ src: p.dst, dst: p.src, ttl: TTL, transport }) });
  if (t.protocol === 'icmp' && t.echo === 'request') return reply({ ...t, echo: 'reply' });
  if (t.protocol === 'tcp' && t.flags === TCP_SYN) {
    const open = m.net.isRunning(node) && listensOn(m.listeners(node), addressOf(p.dst), t.dstPort);
    const ack = (t.seq + 1) >>> 0;
    return reply(open
      ? { protocol: 'tcp', srcPort: t.dstPort, dstPort: t.srcPort, flags: TCP_SYN | TCP_ACK, seq: 0x10000, ack }
      : { protocol: 'tcp', srcPort: t.dstPort, dstPort: t.srcPort, flags: TCP_RST | TCP_ACK, seq: 0, ack });
  }
  return { reason: `${node} does not answer this probe` };
}

/** Why `got` is not the answer to `probe`, or undefined when it is. */
function answerMismatch(probe: Packet, got: Packet): string | undefined {
  if (!sameBytes(got.src, probe.dst) || !sameBytes(got.dst, probe.src)) return `the answer comes from ${show(got.src)} to ${show(got.dst)}, not from ${show(probe.dst)} to ${show(probe.src)}`;
  const a = probe.transport;
  const b = got.transport;
  if (a.protocol === 'icmp') return b.protocol === 'icmp' && b.echo === 'reply' && b.id === a.id && b.seq === a.seq ? undefined : 'the answer is not the echo reply';
  if (a.protocol === 'tcp' && b.protocol === 'tcp') {
    if (b.srcPort !== a.dstPort || b.dstPort !== a.srcPort) return `the answer is for port ${b.dstPort}, not ${a.srcPort}`;
    if (b.ack !== ((a.seq + 1) >>> 0)) return 'the answer acknowledges another segment';
    return b.flags === (TCP_SYN | TCP_ACK) || b.flags & TCP_RST ? undefined : `unexpected TCP flags 0x${b.flags.toString(16)}`;
  }
  return 'the answer is of another protocol';
}

/** Linux picks the address of the outgoing interface (of the packet's family), else a loopback. */
function sourceAddress(lab: Lab, node: string, family: IpFamily, link: number | undefined): IpAddress | undefined {
  const n = lab.nodes.find((x) => x.name === node);
  if (!n) throw new RuntimeError('sim.unknown-node', `no node "${node}" in the lab`);
  const text = (i: { ipv4?: string; ipv6?: string }) => (family === 'ipv4' ? i.ipv4 : i.ipv6);
  const candidates = [n.interfaces.find((i) => i.link === link), n.loopback, ...n.interfaces].map((i) => (i ? text(i) : undefined));
  const chosen = candidates.find((c): c is string => c !== undefined);
  return chosen ? parseInterfaceAddress(chosen)?.address : undefined;
}

/** The node's IPv4 address on the first link towards `dst` (what masquerade writes as the source). */
function egressIpv4(m: ReachModel, node: string, dst: Uint8Array): Uint8Array | undefined {
  const path = m.net.path(node, formatIp('ipv4', bytesBigint(dst)));
  const link = path?.links[0];
  if (link === undefined) return undefined;
  const a = m.lab.nodes.find((n) => n.name === node)?.interfaces.find((i) => i.link === link)?.ipv4;
  const parsed = a ? parseInterfaceAddress(a) : undefined;
  return parsed ? bigintBytes(parsed.address.value, 4) : undefined;
}

function ipv6Prefix(nat: SimNat64Node) {
  return { family: 'ipv6' as const, network: bytesBigint(nat.prefix.bytes), length: nat.prefix.length };
}

function addressOf(b: Uint8Array): IpAddress {
  return { family: b.length === 4 ? 'ipv4' : 'ipv6', value: bytesBigint(b) };
}

function bytesOf(a: IpAddress): Uint8Array {
  return bigintBytes(a.value, a.family === 'ipv4' ? 4 : 16);
}

function show(b: Uint8Array): string {
  const a = addressOf(b);
  return formatIp(a.family, a.value);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
