/**
 * TAYGA stateless NAT64 (0.9.2). TAYGA needs its TUN device created (`--mktun`), up, and routed
 * for the NAT64 prefix and the IPv4 pool before it starts translating. TAYGA 0.9.2 refuses to
 * translate non-global IPv4 (RFC 1918, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
 * 198.18.0.0/15) under the well-known prefix, as RFC 6052 §3.1 requires: labs that use
 * documentation addresses on the IPv4 side need a network-specific prefix.
 */
import type { ConfigProblem, Kind } from './kind.js';
import { ipAddress, ipv4Prefix, ipv6Prefix, optionalString, unknownKeys } from './config-checks.js';

const keys = ['prefix', 'pool', 'ipv4-address', 'tun-device'] as const;

function validate(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...unknownKeys(config, keys, 'tayga'),
    ...optionalString(config, 'prefix', ipv6Prefix),
    ...optionalString(config, 'pool', ipv4Prefix),
    ...optionalString(config, 'ipv4-address', ipAddress),
    ...optionalString(config, 'tun-device', { pattern: /^[a-zA-Z0-9_-]{1,15}$/, what: 'an interface name (up to 15 letters, digits, - or _)' }),
  ];
  if (config.pool === undefined) problems.push({ path: [], message: 'a tayga node needs config.pool (the IPv4 dynamic pool it maps IPv6 clients into)', hint: 'e.g. `config: { pool: 192.168.255.0/24 }`' });
  return problems;
}

/**
 * NAT44 (stateful NAT64 = TAYGA's stateless pool + masquerade): the pool leaves towards the IPv4
 * side as the node's own address, so the IPv4 network needs no route back to the pool. Idempotent.
 */
const NAT44 = 'table ip flatlab-nat44; delete table ip flatlab-nat44; table ip flatlab-nat44 { chain postrouting { type nat hook postrouting priority srcnat; policy accept; ip saddr {cfg:pool} oifname != "{cfg:tun-device}" masquerade; }; }';

export const taygaKind: Kind = {
  name: 'tayga',
  description: 'TAYGA stateless NAT64 gateway (tayga.conf; TUN device nat64)',
  speaksBgp: false,
  defaultRole: 'router',
  vm: false,
  // The container runs the netns setup below as one shell line, then TAYGA in the foreground;
  // it needs the TUN device and NET_ADMIN (Jool, the other Linux NAT64, is a kernel module and
  // cannot run in a container on a kernel without it, as on flatlab's machines: docs/nat64.md).
  containerlab: {
    kind: 'linux',
    image: 'flatlab/tayga:0.9.2-local',
    configDir: '/etc/tayga',
    cmd: ['sh', '-c', `tayga --config /etc/tayga/tayga.conf --mktun && ip link set {cfg:tun-device} up && ip route replace {cfg:pool} dev {cfg:tun-device} && ip -6 route replace {cfg:prefix} dev {cfg:tun-device} && nft '${NAT44}' && exec tayga --config /etc/tayga/tayga.conf --nodetach`],
    devices: ['/dev/net/tun'],
    capAdd: ['NET_ADMIN'],
  },
  configWriters: ['tayga'],
  // Setup runs again when a stopped node is started: every step is idempotent (`--mktun` on an
  // existing persistent TUN succeeds, routes are replaced, the NAT44 table is recreated).
  netns: {
    setup: [
      ['tayga', '--config', '{config}/tayga.conf', '--mktun'],
      ['ip', 'link', 'set', '{cfg:tun-device}', 'up'],
      ['ip', 'route', 'replace', '{cfg:pool}', 'dev', '{cfg:tun-device}'],
      ['ip', '-6', 'route', 'replace', '{cfg:prefix}', 'dev', '{cfg:tun-device}'],
      ['nft', NAT44],
    ],
    processes: [{ argv: ['tayga', '--config', '{config}/tayga.conf', '--nodetach'] }],
    postStart: [],
  },
  // The sim takes packets for the prefix and translates them (RFC 7915 library + NAT44 model: src/runtime/sim/nat64-node.ts).
  sim: 'nat64',
  configDefaults: { prefix: '64:ff9b::/96', 'tun-device': 'nat64' },
  validateConfig: validate,
};
