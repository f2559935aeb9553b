/**
 * The member's kernel side: a VXLAN device carrying the overlay's Ethernet frames between the
 * kernel and the agent as plain VXLAN datagrams on a private veth pair.
 *
 * Why a veth pair and a rewrite: Linux's VXLAN driver hands a frame whose outer destination is
 * a local address straight to another local VXLAN device (vxlan_encap_bypass) and drops it when
 * there is none, so the agent could never receive it on 127.0.0.1. The device therefore sends
 * to 169.254.77.2, a neighbour behind `ztl0`; the frame loops back in on `ztl1`, where a
 * stateless nftables rule (prerouting, before conntrack, `notrack`) rewrites the destination to
 * the agent's own 169.254.77.1. The agent hands frames back to the device's UDP port directly.
 * Everything lives in the member's namespace and goes with it.
 */
import type { NetworkId } from '../ids.js';

export const AGENT_ADDRESS = '169.254.77.1';
export const LOOP_ADDRESS = '169.254.77.2';
/** The agent listens here for the kernel's VXLAN datagrams. */
export const AGENT_VXLAN_PORT = 47891;
/** The VXLAN device's own UDP port. */
export const KERNEL_VXLAN_PORT = 47890;
export const VNI = 1;
/** Inner MTU: 1500 on the underlay minus IPv4+UDP (28), the packet header and tag (40) and the frame header (14), rounded down. */
export const OVERLAY_MTU = 1400;
const LOOP_MAC = '02:00:a9:fe:4d:02';

/** The overlay device's name, as short as Linux wants (≤ 15 characters). */
export function deviceName(network: NetworkId): string {
  return `zt${network.slice(8)}`;
}

/**
 * Commands (argv) that remove what an earlier agent in this namespace left (it was stopped, or
 * killed, and devices outlive their process): run before `kernelPortCommands`, each allowed to
 * fail when there is nothing to remove. Deleting one end of the veth pair deletes both.
 */
export function kernelPortCleanupCommands(network: NetworkId): string[][] {
  return [
    ['ip', 'link', 'del', deviceName(network)],
    ['ip', 'link', 'del', 'ztl0'],
    ['nft', 'delete', 'table', 'ip', 'flatlab-zt'],
  ];
}

/** Commands (argv) that build the kernel side; `input` is fed on stdin. */
export function kernelPortCommands(network: NetworkId, mac: string): Array<{ argv: string[]; input?: string }> {
  const dev = deviceName(network);
  const nft = [
    'table ip flatlab-zt {',
    '  chain loop {',
    '    type filter hook prerouting priority -300;',
    `    iifname "ztl1" udp dport ${AGENT_VXLAN_PORT} ip daddr set ${AGENT_ADDRESS} notrack`,
    '  }',
    '}',
  ].join('\n');
  return [
    { argv: ['ip', 'link', 'add', 'ztl0', 'type', 'veth', 'peer', 'name', 'ztl1', 'address', LOOP_MAC] },
    { argv: ['ip', 'addr', 'add', `${AGENT_ADDRESS}/30`, 'dev', 'ztl0'] },
    { argv: ['ip', 'link', 'set', 'ztl0', 'up'] },
    { argv: ['ip', 'link', 'set', 'ztl1', 'up'] },
    { argv: ['ip', 'neigh', 'replace', LOOP_ADDRESS, 'lladdr', LOOP_MAC, 'dev', 'ztl0', 'nud', 'permanent'] },
    // The rewritten datagram comes in on ztl1 from a local source address: allow that.
    { argv: ['sysctl', '-q', '-w', 'net.ipv4.conf.ztl1.accept_local=1', 'net.ipv4.conf.ztl1.rp_filter=0', 'net.ipv4.conf.all.rp_filter=0'] },
    { argv: ['nft', '-f', '-'], input: nft },
    { argv: ['ip', 'link', 'add', dev, 'address', mac, 'mtu', String(OVERLAY_MTU), 'type', 'vxlan', 'id', String(VNI), 'local', AGENT_ADDRESS, 'dstport', String(KERNEL_VXLAN_PORT), 'nolearning'] },
    { argv: ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', dev, 'dst', LOOP_ADDRESS, 'port', String(AGENT_VXLAN_PORT)] },
    { argv: ['ip', 'link', 'set', dev, 'up'] },
  ];
}

/** The 8-byte VXLAN header (RFC 7348 §5): flags with the I bit, 24-bit VNI. */
export function vxlanHeader(vni = VNI): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x08;
  h.writeUIntBE(vni, 4, 3);
  return h;
}

/** The Ethernet frame inside a VXLAN datagram, or undefined for anything else. */
export function vxlanPayload(datagram: Uint8Array): Uint8Array | undefined {
  if (datagram.length < 8 + 14 || (datagram[0]! & 0x08) === 0) return undefined;
  return datagram.subarray(8);
}
