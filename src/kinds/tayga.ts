/**
 * TAYGA stateless NAT64 (0.9.2). TAYGA needs its TUN device created (`--mktun`), up, and routed
 * for the NAT64 prefix and the IPv4 pool before it starts translating.
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

export const taygaKind: Kind = {
  name: 'tayga',
  description: 'TAYGA stateless NAT64 gateway (tayga.conf; TUN device nat64)',
  speaksBgp: false,
  defaultRole: 'router',
  vm: false,
  containerlab: {
    kind: 'linux',
    image: 'flatlab/tayga:0.9.2',
    configDir: '/etc/tayga',
    cmd: ['sh', '-c', 'tayga --config /etc/tayga/tayga.conf --mktun && ip link set {cfg:tun-device} up && ip route add {cfg:pool} dev {cfg:tun-device} && ip -6 route add {cfg:prefix} dev {cfg:tun-device} && exec tayga --config /etc/tayga/tayga.conf --nodetach'],
    devices: ['/dev/net/tun'],
    capAdd: ['NET_ADMIN'],
  },
  configWriters: ['tayga'],
  netns: {
    setup: [
      ['tayga', '--config', '{config}/tayga.conf', '--mktun'],
      ['ip', 'link', 'set', '{cfg:tun-device}', 'up'],
      ['ip', 'route', 'add', '{cfg:pool}', 'dev', '{cfg:tun-device}'],
      ['ip', '-6', 'route', 'add', '{cfg:prefix}', 'dev', '{cfg:tun-device}'],
    ],
    processes: [{ argv: ['tayga', '--config', '{config}/tayga.conf', '--nodetach'] }],
    postStart: [],
  },
  sim: { unsupported: 'NAT64 translation runs in netns or containerlab (TAYGA); sim has no packet translator yet' },
  configDefaults: { prefix: '64:ff9b::/96', 'tun-device': 'nat64' },
  validateConfig: validate,
};
