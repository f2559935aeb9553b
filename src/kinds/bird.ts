/** BIRD 2 (Debian bird2 2.0.12). */
import type { Kind } from './kind.js';
import { unknownKeys } from './config-checks.js';

export const birdKind: Kind = {
  name: 'bird',
  description: 'BIRD 2 routing daemon (bird.conf from the lab\'s BGP intent and policies)',
  speaksBgp: true,
  routeDamping: { unsupported: 'BIRD 2 does not implement route flap damping' },
  // BIRD's device protocol reports the interface down and a direct BGP neighbour on it is shut down at once.
  failureDetection: 'interface',
  defaultRole: 'router',
  vm: false,
  containerlab: {
    kind: 'linux',
    image: 'flatlab/bird:2.0.12-local',
    configDir: '/etc/bird',
    cmd: ['bird', '-f', '-c', '/etc/bird/bird.conf', '-s', '/run/bird.ctl'],
  },
  configWriters: ['bird'],
  netns: {
    setup: [],
    processes: [{ argv: ['bird', '-f', '-c', '{config}/bird.conf', '-s', '{run}/bird.ctl'] }],
    postStart: [],
  },
  sim: 'bgp-speaker',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'bird'),
};
