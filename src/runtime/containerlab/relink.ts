/**
 * What to redo after a node's container restarts. Docker gives a restarted container a fresh
 * network namespace: its veths are gone, and with them the peer ends in the neighbours (a veth
 * pair dies as one). containerlab does not recreate links on `docker start`, so the runtime
 * does: one veth per link of the node, the restarted node's addresses and routes (its clab.yml
 * exec lines), and on each neighbour the address of its end of the link and its routes again
 * (the kernel dropped routes through the vanished interface); on the other members of a LAN,
 * the neighbour entries of the node's old interface. Pure, so it is tested alone.
 */
import { addressCommands } from '../../emit/containerlab.js';
import { lanBridgeName, lanPortName } from '../../emit/host-names.js';
import type { Lab, LabNode } from '../../topology/lab.js';

export type VethEnd = { node: string; interface: string } | { bridge: string; port: string };

export interface RelinkPlan {
  veths: Array<{ a: { node: string; interface: string }; b: VethEnd; mtu?: number }>;
  /** Commands (argv) to run inside each node's container, in order. */
  commands: Map<string, string[][]>;
}

export function relinkPlan(lab: Lab, nodeName: string): RelinkPlan {
  const node = lab.nodes.find((n) => n.name === nodeName);
  if (!node) return { veths: [], commands: new Map() };
  const veths: RelinkPlan['veths'] = [];
  const commands = new Map<string, string[][]>();
  const add = (n: string, argv: string[]) => commands.set(n, [...(commands.get(n) ?? []), argv]);
  for (const link of lab.links) {
    const mine = link.endpoints.filter((e) => e.node === nodeName);
    for (const e of mine) {
      const mtu = link.mtu === undefined ? {} : { mtu: link.mtu };
      if (link.type === 'p2p') {
        const peer = link.endpoints.find((p) => p !== e)!;
        veths.push({ a: { node: nodeName, interface: e.interface }, b: { node: peer.node, interface: peer.interface }, ...mtu });
        const peerNode = lab.nodes.find((n) => n.name === peer.node)!;
        add(peer.node, ['ip', 'link', 'set', peer.interface, 'up']);
        for (const cmd of interfaceAddressCommands(peerNode, peer.interface)) add(peer.node, cmd);
      } else {
        const bridge = lanBridgeName(lab.name, link.index);
        veths.push({ a: { node: nodeName, interface: e.interface }, b: { bridge, port: lanPortName(bridge, link.endpoints.indexOf(e) + 1) }, ...mtu });
        // The other members keep their interfaces, and with them the old MAC address of ours
        // for as long as their neighbour entries stay reachable (up to ~45 s): forget it, so
        // their next packet asks for the new interface's.
        const mineAt = node.interfaces.find((i) => i.name === e.interface);
        const addresses = [mineAt?.ipv4, mineAt?.ipv6].filter((a): a is string => a !== undefined).map((a) => a.split('/')[0]!);
        for (const o of link.endpoints.filter((x) => x.node !== nodeName)) {
          for (const address of addresses) add(o.node, ['ip', 'neigh', 'flush', 'to', address, 'dev', o.interface]);
        }
      }
    }
  }
  for (const i of node.interfaces) add(nodeName, ['ip', 'link', 'set', i.name, 'up']);
  for (const line of addressCommands(node)) add(nodeName, line.split(' '));
  for (const peer of [...commands.keys()].filter((n) => n !== nodeName)) {
    for (const line of routeCommands(lab.nodes.find((n) => n.name === peer)!)) add(peer, line);
  }
  return { veths, commands };
}

/** `ip addr replace` argv for one interface of a node. */
export function interfaceAddressCommands(node: LabNode, ifname: string): string[][] {
  const i = node.interfaces.find((x) => x.name === ifname);
  if (!i) return [];
  // replace: idempotent; nodad: usable at once, so the routes through it can go back right away.
  return [...(i.ipv4 ? [['ip', 'addr', 'replace', i.ipv4, 'dev', ifname]] : []), ...(i.ipv6 ? [['ip', '-6', 'addr', 'replace', i.ipv6, 'dev', ifname, 'nodad']] : [])];
}

/** The node's static routes as argv (the `ip … route replace` lines of its clab.yml exec). */
export function routeCommands(node: LabNode): string[][] {
  return addressCommands(node).filter((l) => / route /.test(l)).map((l) => l.split(' '));
}
