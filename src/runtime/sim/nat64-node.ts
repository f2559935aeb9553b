/**
 * A `tayga` node in the sim: TAYGA's stateless translation (RFC 7915, src/net/siit) with its
 * dynamic pool, followed by the NAT44 masquerade the tayga kind installs on netns, so that
 * the pair behaves as the lab's stateful NAT64 does:
 *
 *   IPv6 client ──▶ TAYGA: source → a pool address (one per client), destination → the IPv4
 *                   embedded under the prefix (RFC 6052) ──▶ NAT44: pool → egress address
 *   answers     ◀── TAYGA: pool → client, source embedded under the prefix ◀── NAT44 back
 *
 * TAYGA 0.9.2 refuses to map non-global IPv4 under the well-known prefix (RFC 6052 §3.1) and
 * never maps reserved ranges; the model refuses the same addresses.
 */
import { FlatlabError } from '../../config/diagnostics.js';
import { embedIpv4, extractIpv4, isWellKnownPrefix, parseNat64Prefix, type Nat64Prefix } from '../../dns/dns64/rfc6052.js';
import { bigintBytes, bytesBigint, type AddressMapper } from '../../net/siit/address-map.js';
import { SiitError } from '../../net/siit/errors.js';
import { translate6to4 } from '../../net/siit/to-ipv4.js';
import { translate4to6 } from '../../net/siit/to-ipv6.js';
import { formatIpv4, parseIpv4, parsePrefix, prefixContainsAddress, prefixLast, type IpPrefix } from '../../net/ip.js';
import { Masquerade, Nat44Exhausted } from './nat44.js';
import { buildPacket, parsePacket, PacketParseError } from './packets.js';

/** IPv4 TAYGA never translates (its address validation: "this network", loopback, link-local, multicast and class E). */
const RESERVED_IPV4 = ['0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/3'];
/** IPv4 TAYGA 0.9.2 treats as private, refused under the well-known prefix (RFC 1918, RFC 5737, RFC 2544). */
const PRIVATE_IPV4 = ['10.0.0.0/8', '172.16.0.0/12', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24'];

/** Why a packet went no further at the NAT64 node (TAYGA or NAT44 dropped it). */
export class Nat64DropError extends FlatlabError {
  constructor(node: string, message: string, hint?: string) {
    super('sim.nat64-drop', `${node}: ${message}`, hint ? { hint } : {});
  }
}

export interface Nat64Translation {
  /** The packet as it leaves the node. */
  packet: Uint8Array;
  /** The TAYGA pool address the client was given (before NAT44 on the way out, after it on the way back). */
  pool: string;
}

export class SimNat64Node {
  readonly prefix: Nat64Prefix;
  readonly pool: IpPrefix;
  private readonly ownIpv4: bigint;
  /** TAYGA's dynamic map: client IPv6 (hex) → pool address. */
  private readonly bindings = new Map<string, bigint>();
  private readonly nat44 = new Masquerade();
  private readonly reserved = RESERVED_IPV4.map(ipv4Prefix);
  private readonly privateRanges: IpPrefix[];

  constructor(readonly name: string, config: Record<string, unknown>) {
    this.prefix = parseNat64Prefix(String(config.prefix ?? '64:ff9b::/96'));
    this.pool = ipv4Prefix(String(config.pool));
    const own = typeof config['ipv4-address'] === 'string' ? parseIpv4(config['ipv4-address']) : undefined;
    // As the tayga config writer: TAYGA's own address is the pool's first host unless set.
    this.ownIpv4 = own ?? this.pool.network + 1n;
    this.privateRanges = isWellKnownPrefix(this.prefix) ? PRIVATE_IPV4.map(ipv4Prefix) : [];
  }

  /**
   * An IPv6 packet routed into TAYGA's TUN device (its destination is under the prefix),
   * translated and masqueraded; `egress` gives the node's IPv4 address towards a destination
   * (undefined: no route).
   */
  toIpv4(packet6: Uint8Array, egress: (dst: Uint8Array) => Uint8Array | undefined): Nat64Translation {
    const source = parsePacketOrDrop(this.name, packet6).src;
    const pool = this.bind(source);
    let translated: Uint8Array;
    try {
      [translated] = translate6to4(packet6, { mapper: this.mapper() }) as [Uint8Array];
    } catch (err) {
      throw this.siitDrop(err, 'IPv6 → IPv4');
    }
    const p = parsePacketOrDrop(this.name, translated);
    const out = egress(p.dst);
    if (!out) throw new Nat64DropError(this.name, `no IPv4 route to ${formatIpv4(bytesBigint(p.dst))}`, 'give the tayga node a route towards the IPv4 side (e.g. 0.0.0.0/0 via the IPv4 router)');
    try {
      return { packet: buildPacket(this.nat44.outbound(p, out)), pool: formatIpv4(pool) };
    } catch (err) {
      if (err instanceof Nat44Exhausted) throw new Nat64DropError(this.name, err.message);
      throw err;
    }
  }

  /**
   * An IPv4 packet addressed to the node: an answer to a masqueraded packet goes back to the
   * pool and through TAYGA to the client. Undefined when NAT44 has no entry for it (the
   * packet is for the node itself). With TAYGA stopped the pool route still leads into its
   * TUN device, where the answer is lost.
   */
  toIpv6(packet4: Uint8Array, taygaRunning: boolean): Nat64Translation | undefined {
    const back = this.nat44.inbound(parsePacketOrDrop(this.name, packet4));
    if (!back) return undefined;
    if (!taygaRunning) throw new Nat64DropError(this.name, `TAYGA is stopped: the answer for pool address ${formatIpv4(bytesBigint(back.dst))} goes into its TUN device and nothing reads it`);
    let translated: Uint8Array;
    try {
      [translated] = translate4to6(buildPacket(back), { mapper: this.mapper() }) as [Uint8Array];
    } catch (err) {
      throw this.siitDrop(err, 'IPv4 → IPv6');
    }
    return { packet: translated, pool: formatIpv4(bytesBigint(back.dst)) };
  }

  /** TAYGA stopped: without a data-dir its dynamic map is gone; the kernel's NAT44 entries stay. */
  forgetBindings(): void {
    this.bindings.clear();
  }

  /** TAYGA's dynamic pool: the lowest free host address, TAYGA's own address excepted. */
  private bind(client: Uint8Array): bigint {
    const k = Buffer.from(client).toString('hex');
    const known = this.bindings.get(k);
    if (known !== undefined) return known;
    const used = new Set(this.bindings.values());
    for (let a = this.pool.network + 1n; a < prefixLast(this.pool); a++) {
      if (a === this.ownIpv4 || used.has(a)) continue;
      this.bindings.set(k, a);
      return a;
    }
    throw new Nat64DropError(this.name, `TAYGA's dynamic pool ${formatIpv4(this.pool.network)}/${this.pool.length} is exhausted`, 'use a larger config.pool');
  }

  private mapper(): AddressMapper {
    return {
      toIpv4: (v6) => {
        const bound = this.bindings.get(Buffer.from(v6).toString('hex'));
        if (bound !== undefined) return bigintBytes(bound, 4);
        const v4 = extractIpv4(this.prefix, v6);
        return v4 && this.translatable(v4) ? v4 : undefined;
      },
      toIpv6: (v4) => {
        const value = bytesBigint(v4);
        for (const [client, a] of this.bindings) if (a === value) return Uint8Array.from(Buffer.from(client, 'hex'));
        return this.translatable(v4) ? embedIpv4(this.prefix, v4) : undefined;
      },
    };
  }

  private translatable(v4: Uint8Array): boolean {
    const a = { family: 'ipv4' as const, value: bytesBigint(v4) };
    if (prefixContainsAddress(this.pool, a)) return false;
    return !this.reserved.some((p) => prefixContainsAddress(p, a)) && !this.privateRanges.some((p) => prefixContainsAddress(p, a));
  }

  private siitDrop(err: unknown, direction: string): Nat64DropError {
    if (!(err instanceof SiitError)) throw err;
    const hint = err.reason === 'no-mapping' && this.privateRanges.length
      ? `TAYGA does not map non-global IPv4 under the well-known prefix ${this.prefix.text} (RFC 6052 §3.1); use a network-specific prefix`
      : err.hint;
    return new Nat64DropError(this.name, `TAYGA drops the packet (${direction}): ${err.message}`, hint);
  }
}

function ipv4Prefix(text: string): IpPrefix {
  const p = parsePrefix(text);
  if (!p.ok || p.prefix.family !== 'ipv4') throw new FlatlabError('sim.nat64-config', `"${text}" is not an IPv4 prefix`, { hint: 'config.pool of a tayga node is an IPv4 network such as 192.168.255.0/24' });
  return p.prefix;
}

function parsePacketOrDrop(node: string, bytes: Uint8Array) {
  try {
    return parsePacket(bytes);
  } catch (err) {
    if (err instanceof PacketParseError || err instanceof SiitError) throw new Nat64DropError(node, `unreadable packet: ${err.message}`);
    throw err;
  }
}
