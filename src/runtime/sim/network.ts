/**
 * The sim's network: which links are up, their impairments, which nodes run, and how a
 * packet from a node reaches an address: over a connected subnet, or hop by hop along the
 * lab's static routes (the same routes the netns runtime installs), so a multihop iBGP
 * session in sim breaks exactly when it would in namespaces.
 */
import { parseInterfaceAddress, parseIp, parsePrefix, prefixContainsAddress, type IpAddress, type IpPrefix } from '../../net/ip.js';
import type { Lab, Netem } from '../../topology/lab.js';
import type { Random } from './random.js';

/** Per-hop latency of an unimpaired virtual link (a veth pair is tens of microseconds). */
export const BASE_HOP_DELAY_MS = 0.1;
/** TCP's minimum retransmission timeout on Linux (200 ms); a lost segment costs this, doubling. */
const MIN_RTO_MS = 200;
const MAX_HOPS = 64;

interface Attachment {
  node: string;
  link: number;
  prefix: IpPrefix;
  address: IpAddress;
}

interface Route {
  prefix: IpPrefix;
  via: IpAddress;
}

export interface Path {
  links: number[];
  /** The node that owns the destination address. */
  to: string;
}

export class SimNetwork {
  private readonly attachmentsOf = new Map<string, Attachment[]>();
  private readonly byAddress = new Map<string, Attachment[]>(); // address key → attachments holding it
  private readonly loopbacks = new Map<string, string>(); // address value key → node
  private readonly routes = new Map<string, Route[]>();
  private readonly linkUp: boolean[];
  private readonly netem: Array<Netem | undefined>;
  private readonly running = new Set<string>();
  /** Prefixes a node takes in itself through a local device (TAYGA's TUN for the NAT64 prefix). */
  private readonly deviceRoutes = new Map<string, IpPrefix[]>();

  constructor(private readonly lab: Lab, private readonly random: Random) {
    this.linkUp = lab.links.map(() => true);
    this.netem = lab.links.map((l) => l.netem);
    for (const node of lab.nodes) {
      this.running.add(node.name);
      for (const lo of [node.loopback.ipv4, node.loopback.ipv6]) {
        const a = lo ? parseInterfaceAddress(lo) : undefined;
        if (a) this.loopbacks.set(key(a.address), node.name);
      }
      for (const iface of node.interfaces) {
        for (const text of [iface.ipv4, iface.ipv6]) {
          const a = text ? parseInterfaceAddress(text) : undefined;
          if (!a) continue;
          const p = parsePrefix(`${text!.slice(0, text!.indexOf('/'))}/${a.length}`);
          const prefix = p.ok ? p.prefix : p.reason === 'host-bits' ? p.network : undefined;
          if (!prefix) continue;
          const att: Attachment = { node: node.name, link: iface.link, prefix, address: a.address };
          push(this.attachmentsOf, node.name, att);
          push(this.byAddress, key(a.address), att);
        }
      }
      const rs: Route[] = [];
      for (const r of node.routes) {
        const p = parsePrefix(r.prefix);
        const via = parseIp(r.via);
        if (p.ok && via) rs.push({ prefix: p.prefix, via });
      }
      // Longest prefix first, so the first match is the best.
      rs.sort((a, b) => b.prefix.length - a.prefix.length);
      this.routes.set(node.name, rs);
    }
  }

  /** Bumped on every change that can change a path; callers cache paths by it. */
  version = 0;
  /** Paths by "from|address", valid for `pathsVersion` (every BGP segment asks for one). */
  private readonly paths = new Map<string, Path | undefined>();
  private pathsVersion = 0;

  setLinkUp(index: number, up: boolean): void {
    this.linkUp[index] = up;
    this.version++;
  }

  /**
   * Route `prefix` into a device on `node` (`ip route add PREFIX dev nat64`): paths to its
   * addresses end at the node, whose device takes the packets whether or not anything reads it.
   */
  addDeviceRoute(node: string, prefix: IpPrefix): void {
    push(this.deviceRoutes, node, prefix);
    this.version++;
  }

  isLinkUp(index: number): boolean {
    return this.linkUp[index] ?? false;
  }

  setNetem(index: number, netem: Netem | undefined): void {
    this.netem[index] = netem;
  }

  /** Whether the node's daemons run (forwarding does not depend on it). */
  setRunning(node: string, running: boolean): void {
    if (running) this.running.add(node);
    else this.running.delete(node);
  }

  isRunning(node: string): boolean {
    return this.running.has(node);
  }

  /** The node owning `address` (interface or loopback). */
  ownerOf(address: string): string | undefined {
    const a = parseIp(address);
    if (!a) return undefined;
    const lo = this.loopbacks.get(key(a));
    if (lo) return lo;
    return this.byAddress.get(key(a))?.[0]?.node;
  }

  /**
   * How a packet from `from` reaches `address` now, or undefined when it cannot (a link
   * down, no route). A node whose daemons are stopped still forwards: its kernel does, as in
   * the netns runtime, where `stop` ends the daemons and keeps the namespace. Forwarding at each hop: own address, connected
   * subnet, then the longest matching static route.
   */
  path(from: string, address: string): Path | undefined {
    if (this.pathsVersion !== this.version) {
      this.paths.clear();
      this.pathsVersion = this.version;
    }
    const key = `${from}|${address}`;
    if (this.paths.has(key)) return this.paths.get(key);
    const found = this.findPath(from, address);
    this.paths.set(key, found);
    return found;
  }

  private findPath(from: string, address: string): Path | undefined {
    const dest = parseIp(address);
    if (!dest) return undefined;
    const links: number[] = [];
    let at = from;
    for (let hop = 0; hop <= MAX_HOPS; hop++) {
      if (this.owns(at, dest)) return { links, to: at };
      const connected = this.connectedTo(at, dest);
      let next: { node: string; link: number } | undefined;
      if (connected) next = connected;
      else {
        const route = this.routes.get(at)?.find((r) => r.prefix.family === dest.family && prefixContainsAddress(r.prefix, dest));
        if (!route) return undefined;
        next = this.connectedTo(at, route.via);
      }
      if (!next || !this.linkUp[next.link]) return undefined;
      links.push(next.link);
      at = next.node;
    }
    return undefined;
  }

  /**
   * Delivery delay of one segment along `links`: per-hop delay and jitter, and for each
   * loss a TCP retransmission timeout (doubling), as a reliable stream would see it.
   */
  transitDelay(links: readonly number[]): number {
    let total = 0;
    for (const l of links) {
      const n = this.netem[l];
      let d = BASE_HOP_DELAY_MS + (n?.delayMs ?? 0);
      if (n?.jitterMs) d += (this.random.next() * 2 - 1) * n.jitterMs;
      if (n?.lossPercent) {
        let rto = MIN_RTO_MS;
        for (let tries = 0; tries < 16 && this.random.next() * 100 < n.lossPercent; tries++) {
          d += rto;
          rto *= 2;
        }
      }
      total += Math.max(0, d);
    }
    return total;
  }

  private owns(node: string, a: IpAddress): boolean {
    const k = key(a);
    if (this.loopbacks.get(k) === node || (this.byAddress.get(k)?.some((x) => x.node === node) ?? false)) return true;
    return this.deviceRoutes.size > 0 && (this.deviceRoutes.get(node)?.some((p) => prefixContainsAddress(p, a)) ?? false);
  }

  /** The neighbour that holds `a` on one of `node`'s connected subnets. */
  private connectedTo(node: string, a: IpAddress): { node: string; link: number } | undefined {
    const holders = this.byAddress.get(key(a));
    if (!holders) return undefined;
    for (const mine of this.attachmentsOf.get(node) ?? []) {
      if (mine.address.family !== a.family || !prefixContainsAddress(mine.prefix, a)) continue;
      const peer = holders.find((x) => x.link === mine.link && x.node !== node);
      if (peer) return { node: peer.node, link: mine.link };
    }
    return undefined;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function key(a: IpAddress): string {
  return `${a.family}/${a.value}`;
}
