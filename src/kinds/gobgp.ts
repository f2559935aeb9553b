/**
 * GoBGP 3.10. gobgpd.toml has no static origination, so originated prefixes are added after
 * start by `gobgp-originate.sh` (written by the GoBGP config writer when the node originates).
 */
import type { Kind } from './kind.js';
import { unknownKeys } from './config-checks.js';

export const gobgpKind: Kind = {
  name: 'gobgp',
  description: 'GoBGP daemon (gobgpd.toml; originated prefixes added through the gobgp CLI after start)',
  speaksBgp: true,
  routeDamping: { unsupported: 'GoBGP does not implement route flap damping' },
  // GoBGP does not watch interfaces: a dead link is noticed at hold-timer expiry.
  failureDetection: 'hold-timer',
  defaultRole: 'router',
  vm: false,
  containerlab: {
    kind: 'linux',
    image: 'flatlab/gobgp:3.10.0-local',
    configDir: '/etc/gobgp',
    cmd: ['sh', '-c', 'gobgpd -f /etc/gobgp/gobgpd.toml & if [ -f /etc/gobgp/gobgp-originate.sh ]; then sleep 2; sh /etc/gobgp/gobgp-originate.sh; fi; wait'],
  },
  configWriters: ['gobgp'],
  netns: {
    setup: [],
    // The gRPC API listens on the namespace's own loopback, so every node can use the default port.
    processes: [{ argv: ['gobgpd', '-f', '{config}/gobgpd.toml', '--api-hosts', '127.0.0.1:50051'] }],
    postStart: [['sh', '{config}/gobgp-originate.sh']],
  },
  sim: 'bgp-speaker',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'gobgp'),
};
