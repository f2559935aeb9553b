/** ExaBGP 4.2: announces the node's originated prefixes; it has no policy engine of its own. */
import type { Kind } from './kind.js';
import { unknownKeys } from './config-checks.js';

// ExaBGP drops privileges to user `nobody` unless told otherwise; as root in a lab it must stay root to bind port 179.
const env = { 'exabgp.daemon.user': 'root', 'exabgp.daemon.daemonize': 'false' };

export const exabgpKind: Kind = {
  name: 'exabgp',
  description: 'ExaBGP route injector (exabgp.conf: neighbors and static announcements; no filtering)',
  speaksBgp: true,
  routeDamping: { unsupported: 'ExaBGP keeps no routing table, so it has nothing to damp' },
  // ExaBGP does not watch interfaces: a dead link is noticed at hold-timer expiry.
  failureDetection: 'hold-timer',
  defaultRole: 'router',
  vm: false,
  containerlab: { kind: 'linux', image: 'flatlab/exabgp:4.2.21-local', configDir: '/etc/exabgp', cmd: ['exabgp', '/etc/exabgp/exabgp.conf'], env },
  configWriters: ['exabgp'],
  netns: { setup: [], processes: [{ argv: ['exabgp', '{config}/exabgp.conf'], env }], postStart: [] },
  sim: 'bgp-speaker',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'exabgp'),
};
