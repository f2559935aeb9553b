/**
 * FRRouting 8.4 (zebra + staticd + bgpd from one integrated frr.conf). FRR daemons refuse to
 * run as root outside their vty group, so netns runs them as user `frr` in a `-N` pathspace
 * named after the node's namespace (design.md, platform notes): FRR makes /var/run/frr/<pathspace>,
 * which must be the lab's own so two labs never share it and `down` can remove it; the runtime
 * makes `{run}` owned by frr.
 */
import type { Kind, NetnsProcess } from './kind.js';
import { unknownKeys } from './config-checks.js';

const frrDaemon = (name: string, more: Pick<NetnsProcess, 'readySocket'> = {}): NetnsProcess => ({
  argv: [`/usr/lib/frr/${name}`, '-N', '{netns}', '-f', '{config}/frr.conf', '-i', `{run}/${name}.pid`, '-z', '{run}/zserv.api', '--vty_socket', '{run}'],
  user: 'frr',
  ...more,
});

export const frrKind: Kind = {
  name: 'frr',
  description: 'FRRouting (zebra, staticd, bgpd) with an integrated frr.conf, a daemons file and vtysh.conf',
  speaksBgp: true,
  // `bgp dampening HALF-LIFE REUSE SUPPRESS MAX-SUPPRESS` (src/emit/frr.ts).
  routeDamping: true,
  // FRR's fast-external-failover (on by default) resets a directly connected eBGP session when its interface goes down.
  failureDetection: 'interface',
  // FRR's start timer: 1 s (BGP_INIT_START_TIMER), doubled up to 120 s only after it sent a NOTIFICATION.
  restartWait: { initial: 1, max: 120 },
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
    // staticd and bgpd start once zebra takes clients, as watchfrr starts them.
    processes: [frrDaemon('zebra', { readySocket: '{run}/zserv.api' }), frrDaemon('staticd'), frrDaemon('bgpd')],
    postStart: [],
  },
  sim: 'bgp-speaker',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'frr'),
};
