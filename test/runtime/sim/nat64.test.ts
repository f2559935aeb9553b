/**
 * The sim's NAT64 model on the ipv6-nat64 lab: TAYGA (src/net/siit) plus the NAT44
 * masquerade, packets checked with the translator's own checksum helpers, and reach through
 * the whole site (routes, the tayga node's state, the web server's listener).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseIpv6 } from '../../../src/net/ip.js';
import { bigintBytes } from '../../../src/net/siit/address-map.js';
import { checksumValid, pseudoSum4, pseudoSum6, readU16, sumWords } from '../../../src/net/siit/checksum.js';
import { SimNat64Node, Nat64DropError } from '../../../src/runtime/sim/nat64-node.js';
import { SimNetwork } from '../../../src/runtime/sim/network.js';
import { probeReach } from '../../../src/runtime/sim/packet-reach.js';
import { seededRandom } from '../../../src/runtime/sim/random.js';
import { buildPacket, parsePacket, TCP_ACK, TCP_SYN, type Packet, type Transport } from '../../../src/runtime/sim/packets.js';
import { SimRuntime } from '../../../src/runtime/sim/sim-runtime.js';
import type { Lab } from '../../../src/topology/lab.js';
import { compiledLab } from '../../support/compiled-lab.js';

const root = join(import.meta.dirname, '../../..');
const a6 = (t: string) => bigintBytes(parseIpv6(t)!, 16);
const a4 = (t: string) => bigintBytes(parseIpv4(t)!, 4);

const lab = (file: string): Promise<Lab> => compiledLab(join(root, 'topologies', file));

async function upSim(file: string): Promise<SimRuntime> {
  const rt = new SimRuntime();
  await rt.up(await lab(file));
  return rt;
}

/** Index of the link between two nodes. */
function linkBetween(l: Lab, a: string, b: string): number {
  return l.links.findIndex((x) => x.endpoints.map((e) => e.node).sort().join() === [a, b].sort().join());
}

/** RFC 1071 over the packet as a receiver checks it (IPv4 header; transport with its pseudo-header). */
function verifies(bytes: Uint8Array): boolean {
  if (bytes[0]! >> 4 === 4) {
    const ihl = (bytes[0]! & 0x0f) * 4;
    const total = readU16(bytes, 2);
    const upper = bytes.subarray(ihl, total);
    const proto = bytes[9]!;
    const pseudo = proto === 1 ? 0 : pseudoSum4(bytes.subarray(12, 16), bytes.subarray(16, 20), proto, upper.length);
    return checksumValid(sumWords(bytes, 0, ihl)) && checksumValid(sumWords(upper, 0, upper.length, pseudo));
  }
  const upper = bytes.subarray(40, 40 + readU16(bytes, 4));
  return checksumValid(sumWords(upper, 0, upper.length, pseudoSum6(bytes.subarray(8, 24), bytes.subarray(24, 40), bytes[6]!, upper.length)));
}

async function taygaOf(file: string): Promise<SimNat64Node> {
  const node = (await lab(file)).nodes.find((n) => n.kind === 'tayga')!;
  return new SimNat64Node(node.name, { prefix: '64:ff9b::/96', ...node.config });
}

const egress = () => a4('10.64.0.0');
const client = a6('2001:db8:1::2');
const www = a6('64:ff9b::5db8:d803');
const transports: Array<[string, Transport, (t: Transport) => Transport]> = [
  ['ICMPv6 echo', { protocol: 'icmp', echo: 'request', id: 40000, seq: 1, data: Uint8Array.from([1, 2, 3, 4]) }, (t) => ({ ...t, echo: 'reply' }) as Transport],
  ['TCP SYN', { protocol: 'tcp', srcPort: 40000, dstPort: 80, flags: TCP_SYN, seq: 1, ack: 0 }, (t) => (t.protocol === 'tcp' ? { ...t, srcPort: t.dstPort, dstPort: t.srcPort, flags: TCP_SYN | TCP_ACK, seq: 99, ack: 2 } : t)],
  ['UDP', { protocol: 'udp', srcPort: 40000, dstPort: 53, data: Uint8Array.from([0xde, 0xad, 0xbe]) }, (t) => (t.protocol === 'udp' ? { ...t, srcPort: t.dstPort, dstPort: t.srcPort } : t)],
];

describe('SimNat64Node (TAYGA + NAT44)', () => {
  it.each(transports)('%s: out as valid IPv4 from the NAT44 address, the answer back as valid IPv6 from the embedded address', async (_name, transport, answer) => {
    const nat = await taygaOf('ipv6-nat64.yml');
    const out = nat.toIpv4(buildPacket({ src: client, dst: www, ttl: 64, transport }), egress);
    expect(out.pool).toBe('192.168.255.2'); // .1 is TAYGA's own address
    expect(verifies(out.packet)).toBe(true);
    const p4 = parsePacket(out.packet);
    expect([p4.src, p4.dst, p4.ttl]).toEqual([a4('10.64.0.0'), a4('93.184.216.3'), 63]);
    expect(p4.transport).toEqual(transport); // the port survives masquerade when it is free

    const reply: Packet = { src: p4.dst, dst: p4.src, ttl: 64, transport: answer(p4.transport) };
    const back = nat.toIpv6(buildPacket(reply), true)!;
    expect(verifies(back.packet)).toBe(true);
    const p6 = parsePacket(back.packet);
    expect([p6.src, p6.dst, p6.ttl]).toEqual([www, client, 63]);
    expect(p6.transport).toEqual(answer(transport));
  });

  it('gives each client its own pool address and keeps them apart behind one NAT44 address', async () => {
    const nat = await taygaOf('ipv6-nat64.yml');
    const syn = (src: Uint8Array): Transport => ({ protocol: 'tcp', srcPort: 40000, dstPort: 80, flags: TCP_SYN, seq: src[15]!, ack: 0 });
    const c2 = a6('2001:db8:1::3');
    const o1 = nat.toIpv4(buildPacket({ src: client, dst: www, ttl: 64, transport: syn(client) }), egress);
    const o2 = nat.toIpv4(buildPacket({ src: c2, dst: www, ttl: 64, transport: syn(c2) }), egress);
    expect([o1.pool, o2.pool]).toEqual(['192.168.255.2', '192.168.255.3']);
    const t1 = parsePacket(o1.packet).transport;
    const t2 = parsePacket(o2.packet).transport;
    // Same source port from both clients to the same server: the second gets another one.
    expect(t1.protocol === 'tcp' && t1.srcPort).toBe(40000);
    expect(t2.protocol === 'tcp' && t2.srcPort).toBe(1024);
    const answerTo = (port: number) => buildPacket({ src: a4('93.184.216.3'), dst: a4('10.64.0.0'), ttl: 64, transport: { protocol: 'tcp', srcPort: 80, dstPort: port, flags: TCP_SYN | TCP_ACK, seq: 1, ack: 1 } });
    expect(parsePacket(nat.toIpv6(answerTo(1024), true)!.packet).dst).toEqual(c2);
    expect(parsePacket(nat.toIpv6(answerTo(40000), true)!.packet).dst).toEqual(client);
    expect(nat.toIpv6(answerTo(5555), true)).toBeUndefined(); // no NAT44 entry: for the node itself
  });

  it('drops what TAYGA drops: non-global IPv4 under the well-known prefix, a stopped TAYGA, a forgotten binding', async () => {
    const nat = await taygaOf('ipv6-nat64.yml');
    const ping = (dst: Uint8Array) => buildPacket({ src: client, dst, ttl: 64, transport: { protocol: 'icmp', echo: 'request', id: 1, seq: 1, data: new Uint8Array(0) } });
    expect(() => nat.toIpv4(ping(a6('64:ff9b::c000:203')), egress)).toThrow(/no IPv4 mapping for IPv6 destination/); // 192.0.2.3
    expect(() => nat.toIpv4(ping(a6('64:ff9b::a00:1')), egress)).toThrow(Nat64DropError); // 10.0.0.1
    const out = parsePacket(nat.toIpv4(ping(www), egress).packet);
    const reply = buildPacket({ src: out.dst, dst: out.src, ttl: 64, transport: { protocol: 'icmp', echo: 'reply', id: 1, seq: 1, data: new Uint8Array(0) } });
    expect(() => nat.toIpv6(reply, false)).toThrow(/TAYGA is stopped/);
    nat.forgetBindings();
    expect(() => nat.toIpv6(reply, true)).toThrow(/no IPv6 mapping/);
  });

  it('translates documentation IPv4 under a network-specific prefix (RFC 6052 /64, u-octet zero)', async () => {
    const nat = await taygaOf('ipv6-nat64-nsp.yml');
    const dst = a6('2001:db8:64:0:c0:2:300:0');
    const out = parsePacket(nat.toIpv4(buildPacket({ src: client, dst, ttl: 64, transport: transports[1]![1] }), egress).packet);
    expect(out.dst).toEqual(a4('192.0.2.3'));
  });
});

describe('SimRuntime reach through NAT64 (ipv6-nat64 lab)', () => {
  it('reaches the IPv4-only web server by TCP and ICMP through the translator', async () => {
    const rt = await upSim('ipv6-nat64.yml');
    const tcp = await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 });
    expect(tcp).toMatchObject({ reachable: true, detail: 'connected to [64:ff9b::5db8:d803]:80 via nat64 (2001:db8:1::2 → pool 192.168.255.2 → NAT44 10.64.0.0)' });
    expect(tcp.rttMs).toBeGreaterThan(0);
    expect(await rt.reach('c2', { to: '64:ff9b::5db8:d803', protocol: 'icmp' })).toMatchObject({ reachable: true });
    // Native IPv6 to the dual-stack server does not touch the translator.
    expect((await rt.reach('c1', { to: '2001:db8:80::2', protocol: 'icmp' })).detail).not.toContain('nat64');
  });

  it('is refused where nothing listens, and unreachable for IPv4 from the IPv6-only client', async () => {
    const rt = await upSim('ipv6-nat64.yml');
    expect(await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 81 })).toMatchObject({ reachable: false, detail: expect.stringMatching(/^connection refused by \[64:ff9b::5db8:d803\]:81/) });
    expect(await rt.reach('c1', { to: '93.184.216.3', protocol: 'icmp' })).toMatchObject({ reachable: false });
    // auth listens on 0.0.0.0:53 only, dns64 on [::]:53.
    expect((await rt.reach('c1', { to: '64:ff9b::5db8:d802', protocol: 'tcp', port: 53 })).reachable).toBe(true);
    expect((await rt.reach('c1', { to: '2001:db8:53::2', protocol: 'tcp', port: 53 })).reachable).toBe(true);
  });

  it('fails while the tayga node is stopped or cut off, and recovers', async () => {
    const rt = await upSim('ipv6-nat64.yml');
    await rt.stopNode('nat64');
    expect(await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 })).toMatchObject({ reachable: false, detail: expect.stringContaining('nat64 (tayga) is stopped') });
    await rt.startNode('nat64');
    expect((await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 })).reachable).toBe(true);
    const v4side = linkBetween(await lab('ipv6-nat64.yml'), 'nat64', 'inet');
    await rt.setLinkState({ index: v4side }, 'down');
    expect(await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 })).toMatchObject({ reachable: false, detail: expect.stringContaining('no IPv4 route to 93.184.216.3') });
    await rt.setLinkState({ index: v4side }, 'up');
    expect((await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'icmp' })).reachable).toBe(true);
  });

  it('answers pings from a stopped web server\'s kernel but not its TCP port', async () => {
    const rt = await upSim('ipv6-nat64.yml');
    await rt.stopNode('web');
    expect((await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'icmp' })).reachable).toBe(true);
    expect((await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 })).detail).toMatch(/^connection refused/);
  });

  it('counts netem delay and gives up past the probe\'s wait', async () => {
    const rt = await upSim('ipv6-nat64.yml');
    const edgeNat = linkBetween(await lab('ipv6-nat64.yml'), 'edge', 'nat64');
    await rt.setNetem({ index: edgeNat }, { delayMs: 200 });
    const slow = await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 });
    expect(slow.reachable).toBe(true);
    expect(slow.rttMs).toBeGreaterThan(400);
    await rt.setNetem({ index: edgeNat }, { delayMs: 600 });
    expect((await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'icmp' })).reachable).toBe(false); // ping waits 1 s
    expect((await rt.reach('c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 })).reachable).toBe(true); // the TCP check 3 s
  });

  it('keeps probe ports in the ephemeral range however many probes run', async () => {
    const l = await lab('ipv6-nat64.yml');
    const net = new SimNetwork(l, seededRandom(1));
    const nat = await taygaOf('ipv6-nat64.yml');
    net.addDeviceRoute('nat64', { family: 'ipv6', network: parseIpv6('64:ff9b::')!, length: 96 });
    const ids = [0, 28231, 28232, 1_000_000];
    let i = 0;
    const model = { lab: l, net, nat64: new Map([['nat64', nat]]), listeners: (n: string) => (n === 'web' ? [{ address: 'any' as const, port: 80 }] : []), nextProbeId: () => ids[i++]! };
    for (const _ of ids) expect(probeReach(model, 'c1', { to: '64:ff9b::5db8:d803', protocol: 'tcp', port: 80 }).reachable).toBe(true);
  });

  it('needs an address, not a name', async () => {
    const rt = await upSim('ipv6-nat64.yml');
    await expect(rt.reach('c1', { to: 'www.example.org', protocol: 'icmp' })).rejects.toThrow(/not an address/);
  });
});
