/**
 * Differential test: the same crafted packets through a real TAYGA (in a private namespace,
 * written into its TUN device with a packet socket, captured on the TUN with tcpdump) and
 * through src/net/siit; the translations must agree byte for byte, except where TAYGA 0.9.2
 * and RFC 7915 legitimately differ (listed in `masks` with the reason). Root only (CI).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedIpv4, extractIpv4, parseNat64Prefix } from '../../src/dns/dns64/rfc6052.js';
import { firstMapper, tableMapper } from '../../src/net/siit/address-map.js';
import { translate4to6 } from '../../src/net/siit/to-ipv6.js';
import { translate6to4 } from '../../src/net/siit/to-ipv4.js';
import { needTools } from '../support/need-tools.js';
import { echoRest, icmp, ipv4, ipv6, tcp, udp, v4, v6 } from '../net/siit/packets.js';

const reason = needTools(['ip', 'tayga', 'tcpdump', 'socat'], { root: true });

const NS = `flt-siit-${process.pid}`;
const TUN = 'siit0';
// A network-specific prefix: TAYGA refuses documentation IPv4 under the well-known prefix.
const PREFIX = '2001:db8:64::/96';
const prefix = parseNat64Prefix(PREFIX);
const mapper = firstMapper(tableMapper([['192.168.255.2', '2001:db8:1::2']]), { toIpv6: (a) => embedIpv4(prefix, a), toIpv4: (a) => extractIpv4(prefix, a) });

const host6 = v6('2001:db8:1::2');
const host4 = v4('192.168.255.2');
const remote4 = v4('192.0.2.3');
const remote6 = v6('2001:db8:64::c000:203');

interface Case {
  name: string;
  packet: Uint8Array;
}

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

const from6: Case[] = (() => {
  const innerUdp4side = ipv6({ src: remote6, dst: host6, nextHeader: 17, hopLimit: 61 }, udp(remote6, host6, 5353, 40000, data(24)));
  const err = (type: number, code: number, rest: Uint8Array) => ipv6({ src: host6, dst: remote6, nextHeader: 58 }, icmp(host6, remote6, type, code, rest, innerUdp4side));
  return [
    { name: 'UDP', packet: ipv6({ src: host6, dst: remote6, nextHeader: 17, trafficClass: 0x20 }, udp(host6, remote6, 40000, 53, data(33))) },
    { name: 'TCP SYN', packet: ipv6({ src: host6, dst: remote6, nextHeader: 6 }, tcp(host6, remote6, 40001, 80, 0x01020304, 0x02, new Uint8Array(0))) },
    { name: 'TCP with data', packet: ipv6({ src: host6, dst: remote6, nextHeader: 6 }, tcp(host6, remote6, 40001, 80, 7, 0x18, data(200))) },
    { name: 'ICMPv6 echo request', packet: ipv6({ src: host6, dst: remote6, nextHeader: 58 }, icmp(host6, remote6, 128, 0, echoRest(0x1234, 1), data(56))) },
    { name: 'ICMPv6 port unreachable with the packet in error', packet: err(1, 4, new Uint8Array(4)) },
    { name: 'ICMPv6 administratively prohibited', packet: err(1, 1, new Uint8Array(4)) },
    { name: 'ICMPv6 packet too big', packet: err(2, 0, Uint8Array.of(0, 0, 0x05, 0x00)) },
    { name: 'ICMPv6 time exceeded', packet: err(3, 0, new Uint8Array(4)) },
    { name: 'ICMPv6 parameter problem (hop limit)', packet: err(4, 0, Uint8Array.of(0, 0, 0, 7)) },
    { name: 'UDP fragment', packet: ipv6({ src: host6, dst: remote6, nextHeader: 17, fragment: { id: 0xabcd1234, offset: 0, more: true } }, udp(host6, remote6, 40000, 53, data(64)).subarray(0, 48)) },
  ];
})();

const from4: Case[] = (() => {
  const inner = ipv4({ src: host4, dst: remote4, protocol: 17, ttl: 61, id: 77 }, udp(host4, remote4, 40000, 53, data(24)));
  const err = (type: number, code: number, rest: Uint8Array) => ipv4({ src: remote4, dst: host4, protocol: 1, id: 5 }, icmp(remote4, host4, type, code, rest, inner));
  return [
    { name: 'UDP', packet: ipv4({ src: remote4, dst: host4, protocol: 17, id: 1000, df: true, tos: 0x10 }, udp(remote4, host4, 53, 40000, data(40))) },
    { name: 'UDP without checksum', packet: ipv4({ src: remote4, dst: host4, protocol: 17, id: 1001, df: true }, udp(remote4, host4, 53, 40000, data(17), { zeroChecksum: true })) },
    { name: 'TCP SYN-ACK', packet: ipv4({ src: remote4, dst: host4, protocol: 6, id: 1002, df: true }, tcp(remote4, host4, 80, 40001, 99, 0x12, new Uint8Array(0))) },
    { name: 'ICMP echo reply', packet: ipv4({ src: remote4, dst: host4, protocol: 1, id: 1003, df: true }, icmp(remote4, host4, 0, 0, echoRest(0x1234, 1), data(56))) },
    { name: 'ICMP port unreachable with the packet in error', packet: err(3, 3, new Uint8Array(4)) },
    { name: 'ICMP fragmentation needed', packet: err(3, 4, Uint8Array.of(0, 0, 0x05, 0x78)) },
    { name: 'ICMP time exceeded', packet: err(11, 0, new Uint8Array(4)) },
    { name: 'ICMP parameter problem (protocol)', packet: err(12, 0, Uint8Array.of(9, 0, 0, 0)) },
    { name: 'UDP first fragment', packet: ipv4({ src: remote4, dst: host4, protocol: 17, id: 0x4242, mf: true }, udp(remote4, host4, 53, 40000, data(64)).subarray(0, 48)) },
  ];
})();

/** Classic pcap (LINKTYPE_RAW / IPv4 / IPv6): the packets in capture order. */
function readPcap(buf: Buffer): Uint8Array[] {
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const out: Uint8Array[] = [];
  for (let at = 24; at + 16 <= buf.length; ) {
    const len = u32(at + 8);
    out.push(new Uint8Array(buf.subarray(at + 16, at + 16 + len)));
    at += 16 + len;
  }
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nsExec = (argv: string[]) => execFileSync('ip', ['netns', 'exec', NS, ...argv], { encoding: 'utf8', timeout: 10_000 });

/**
 * Where TAYGA 0.9.2 and RFC 7915 differ on purpose, the bytes masked before comparing:
 * - IPv4 Identification of packets made from unfragmented IPv6: RFC 7915 §5.1 leaves the
 *   algorithm to the translator (the library writes 0 by default); with it the header checksum.
 * - DF on those packets: TAYGA 0.9.2 follows RFC 6145 (always DF); RFC 7915 §5.1 sets DF only
 *   above 1260 bytes, as the library does.
 */
function mask4(p: Uint8Array, fromUnfragmented: boolean): string {
  const q = p.slice();
  if (fromUnfragmented && q[0]! >> 4 === 4) {
    q[4] = q[5] = q[10] = q[11] = 0;
    q[6] = q[6]! & ~0x40;
    // The same for the packet in error inside an ICMPv4 error (itself made from unfragmented IPv6).
    if (q[9] === 1 && q[20]! !== 0 && q[20]! !== 8 && q.length >= 48) {
      q[32] = q[33] = q[38] = q[39] = 0;
      q[34] = q[34]! & ~0x40;
      // The ICMP checksum covers the inner header: recompute over the masked bytes for both sides alike.
      q[22] = q[23] = 0;
    }
  }
  return hex(q);
}

/**
 * Packets TAYGA 0.9.2 drops where RFC 7915 (and the library, by default) translates: the
 * library's answer is checked to be a translation, TAYGA's to be silence.
 */
const taygaDrops: Record<string, string> = {
  '6:ICMPv6 parameter problem (hop limit)': 'TAYGA 0.9.2 does not translate ICMPv6 Parameter Problem; RFC 7915 §5.2 maps 4/0 to 12/0 with the pointer per Figure 6',
  '4:ICMP parameter problem (protocol)': 'TAYGA 0.9.2 does not translate ICMPv4 Parameter Problem; RFC 7915 §4.2 maps 12/0 to 4/0 with the pointer per Figure 3',
  '4:UDP without checksum': 'TAYGA 0.9.2 drops IPv4 UDP without checksum (RFC 7915 §4.5 option 1); the library computes one by default (option 2); see the test below',
};

describe.skipIf(reason)('src/net/siit against TAYGA 0.9.2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siit-tayga-'));
  let ifindex = 0;
  let tayga: ReturnType<typeof spawn> | undefined;
  const outputs = new Map<string, Uint8Array[]>();

  beforeAll(async () => {
    writeFileSync(join(dir, 'tayga.conf'), [`tun-device ${TUN}`, 'ipv4-addr 192.168.255.1', `prefix ${PREFIX}`, 'dynamic-pool 192.168.255.128/25', 'map 192.168.255.2 2001:db8:1::2', ''].join('\n'));
    execFileSync('ip', ['netns', 'add', NS]);
    nsExec(['tayga', '--config', join(dir, 'tayga.conf'), '--mktun']);
    // No link-local address on the TUN: the kernel then sends no router solicitations or MLD
    // reports into the capture.
    nsExec(['ip', 'link', 'set', TUN, 'addrgenmode', 'none']);
    nsExec(['ip', 'link', 'set', TUN, 'up']);
    ifindex = Number(nsExec(['cat', `/sys/class/net/${TUN}/ifindex`]).trim());
    tayga = spawn('ip', ['netns', 'exec', NS, 'tayga', '--config', join(dir, 'tayga.conf'), '--nodetach'], { stdio: 'ignore' });
    const tcpdump = spawn('ip', ['netns', 'exec', NS, 'tcpdump', '-i', TUN, '-w', join(dir, 'cap.pcap'), '-U', '-s', '0'], { stdio: 'ignore' });
    await sleep(1500);
    const all = [...from6.map((c) => ({ c, proto: 0x86dd, tag: `6:${c.name}` })), ...from4.map((c) => ({ c, proto: 0x0800, tag: `4:${c.name}` }))];
    for (const { c, proto } of all) {
      const file = join(dir, 'pkt.bin');
      writeFileSync(file, c.packet);
      // struct sockaddr_ll after the family: protocol (network order), ifindex (host order), hatype, pkttype, halen, addr[8].
      const sll = Buffer.alloc(18);
      sll.writeUInt16BE(proto, 0);
      sll.writeInt32LE(ifindex, 2);
      // A packet socket transmitting on the TUN hands the packet to its reader: TAYGA.
      nsExec(['socat', '-u', `OPEN:${file}`, `SOCKET-SENDTO:17:3:${((proto & 0xff) << 8) | (proto >> 8)}:x${sll.toString('hex')}`]);
      await sleep(300);
    }
    // The last case is one TAYGA translates: wait (bounded) until its translation is captured,
    // so a slow machine does not cut the capture short.
    const last = hex(all[all.length - 1]!.c.packet);
    for (let tries = 0; tries < 50; tries++) {
      const sofar = readPcap(readFileSync(join(dir, 'cap.pcap')));
      const at = sofar.findIndex((p) => hex(p) === last);
      if (at >= 0 && at + 1 < sofar.length) break;
      await sleep(200);
    }
    await sleep(300);
    tcpdump.kill('SIGINT');
    await new Promise((r) => tcpdump.once('exit', r));
    // Captured in order: each injected packet, then TAYGA's translation of it (or nothing).
    const captured = readPcap(readFileSync(join(dir, 'cap.pcap')));
    let i = 0;
    for (const { c, proto, tag } of all) {
      while (i < captured.length && hex(captured[i]!) !== hex(c.packet)) i++;
      i++;
      const got: Uint8Array[] = [];
      while (i < captured.length && !all.some((x) => hex(x.c.packet) === hex(captured[i]!))) got.push(captured[i++]!);
      // A translation comes out in the other family; the namespace's own kernel may put packets
      // of the injected family on the TUN (none expected with addrgenmode none; belt and braces).
      const outVersion = proto === 0x86dd ? 4 : 6;
      outputs.set(tag, got.filter((p) => p[0]! >> 4 === outVersion));
      if (process.env.SIIT_DEBUG) console.log(tag, got.map(hex));
    }
  }, 60_000);

  afterAll(() => {
    if (tayga?.pid) {
      try {
        process.kill(tayga.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    try {
      execFileSync('ip', ['netns', 'delete', NS]);
    } catch {
      /* never created */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of from6) {
    it(`IPv6 → IPv4: ${c.name}`, () => {
      const theirs = outputs.get(`6:${c.name}`) ?? [];
      const dropped = taygaDrops[`6:${c.name}`];
      if (dropped) {
        expect(theirs, dropped).toEqual([]);
        expect(translate6to4(c.packet, { mapper })).toHaveLength(1);
        return;
      }
      const ours = translate6to4(c.packet, { mapper });
      // The first packet out is TAYGA's translation; the namespace's kernel may answer it after.
      expect(theirs.length, 'TAYGA emitted a packet').toBeGreaterThanOrEqual(1);
      const unfragmented = !c.name.includes('fragment');
      expect(mask4(theirs[0]!, unfragmented)).toBe(mask4(ours[0]!, unfragmented));
    });
  }

  for (const c of from4) {
    it(`IPv4 → IPv6: ${c.name}`, () => {
      const theirs = outputs.get(`4:${c.name}`) ?? [];
      const dropped = taygaDrops[`4:${c.name}`];
      if (dropped) {
        expect(theirs, dropped).toEqual([]);
        expect(translate4to6(c.packet, { mapper })).toHaveLength(1);
        return;
      }
      const ours = translate4to6(c.packet, { mapper });
      expect(theirs.slice(0, ours.length).map(hex)).toEqual(ours.map(hex));
    });
  }

  it('IPv4 → IPv6: UDP without checksum is dropped by both when the library is set to drop (RFC 7915 §4.5 option 1)', () => {
    const c = from4.find((x) => x.name === 'UDP without checksum')!;
    expect(outputs.get(`4:${c.name}`)).toEqual([]);
    expect(() => translate4to6(c.packet, { mapper, udpZeroChecksum: 'drop' })).toThrow(/without a checksum/);
  });
});
