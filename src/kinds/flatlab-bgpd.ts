/** flatlab's own BGP daemon (`flatlab bgpd`), which evaluates the policy model natively. */
import type { Kind } from './kind.js';
import { unknownKeys } from './config-checks.js';

export const flatlabBgpdKind: Kind = {
  name: 'flatlab-bgpd',
  description: "flatlab's BGP daemon (bgpd.yml; policies evaluated natively)",
  speaksBgp: true,
  routeDamping: true,
  // flatlab bgpd does not watch interfaces: a dead link is noticed at hold-timer expiry.
  failureDetection: 'hold-timer',
  // bgpd.yml's `error-wait` default (src/bgp/daemon/config.ts).
  restartWait: { initial: 1, max: 120 },
  defaultRole: 'router',
  vm: false,
  containerlab: { kind: 'linux', image: 'flatlab/flatlab:0.1.0-local', configDir: '/etc/flatlab', cmd: ['flatlab', 'bgpd', '--config', '/etc/flatlab/bgpd.yml'] },
  configWriters: ['bgpd'],
  // The control socket lets the netns runtime observe sessions and routes from the host.
  netns: { setup: [], processes: [{ argv: ['flatlab', 'bgpd', '--config', '{config}/bgpd.yml', '--control-socket', '{run}/bgpd.sock'] }], postStart: [] },
  sim: 'bgp-speaker',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'flatlab-bgpd'),
};
