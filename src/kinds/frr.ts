/**
 * FRRouting 8.4 (zebra + staticd + bgpd from one integrated frr.conf). FRR daemons refuse to
 * run as root outside their vty group, so netns runs them as user `frr` in a `-N` pathspace
 * named after the node (design.md, platform notes); the runtime makes `{run}` owned by frr.
 */
import type { Kind, NetnsProcess } from './kind.js';
import { unknownKeys } from './config-checks.js';

const frrDaemon = (name: string): NetnsProcess => ({
  argv: [`/usr/lib/frr/${name}`, '-N', '{node}', '-f', '{config}/frr.conf', '-i', `{run}/${name}.pid`, '-z', '{run}/zserv.api', '--vty_socket', '{run}'],
  user: 'frr',
});

export const frrKind: Kind = {
  name: 'frr',
  description: 'FRRouting (zebra, staticd, bgpd) with an integrated frr.conf, a daemons file and vtysh.conf',
  speaksBgp: true,
  defaultRole: 'router',
  vm: false,
  containerlab: {
    kind: 'linux',
    image: 'flatlab/frr:8.4.4-local',
    configDir: '/etc/frr',
    // frrinit.sh reads /etc/frr/daemons and starts watchfrr; the container then stays up.
    cmd: ['sh', '-c', '/usr/lib/frr/frrinit.sh start && exec sleep infinity'],
  },
  configWriters: ['frr'],
  netns: {
    setup: [],
    processes: [frrDaemon('zebra'), frrDaemon('staticd'), frrDaemon('bgpd')],
    postStart: [],
  },
  sim: 'bgp-speaker',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'frr'),
};
