/** ExaBGP 4.2: announces the node's originated prefixes; it has no policy engine of its own. */
import type { Kind } from './kind.js';
import { unknownKeys } from './config-checks.js';

// ExaBGP drops privileges to user `nobody` unless told otherwise; as root in a lab it must stay
// root to bind port 179. Spelt with underscores, which ExaBGP reads as well as `exabgp.daemon.user`
// and which survive a shell (dash drops variables whose names hold dots).
const env = { exabgp_daemon_user: 'root', exabgp_daemon_daemonize: 'false' };

/** The node's ExaBGP CLI pipes (exabgp.in, exabgp.out) on netns. */
export const EXABGP_PIPES_DIR = '{run}/exabgp-api';
/** `sh -c` script, the pipe directory as $0: make the pipes unless a previous start did. */
const EXABGP_PIPES_SETUP = 'mkdir -p "$0" && for p in "$0/exabgp.in" "$0/exabgp.out"; do [ -p "$p" ] || mkfifo "$p"; done';
/** `sh -c` fragment, the pipe directory as $0: show it at /run/exabgp (in this mount namespace only). */
export const EXABGP_PIPES_MOUNT = 'mkdir -p /run/exabgp && mount --bind "$0" /run/exabgp';
/** In a container the pipes are ExaBGP's own, at /run/exabgp: made before the daemon looks for them. */
export const EXABGP_CONTAINER_PIPES = '/run/exabgp';
const CONTAINER_CMD = ['sh', '-c', `${EXABGP_PIPES_SETUP} && exec exabgp /etc/exabgp/exabgp.conf`, EXABGP_CONTAINER_PIPES];

export const exabgpKind: Kind = {
  name: 'exabgp',
  description: 'ExaBGP route injector (exabgp.conf: neighbors and static announcements; no filtering)',
  speaksBgp: true,
  routeDamping: { unsupported: 'ExaBGP keeps no routing table, so it has nothing to damp' },
  // ExaBGP does not watch interfaces: a dead link is noticed at hold-timer expiry.
  failureDetection: 'hold-timer',
  defaultRole: 'router',
  vm: false,
  containerlab: { kind: 'linux', image: 'flatlab/exabgp:4.2.21-local', configDir: '/etc/exabgp', cmd: CONTAINER_CMD, env },
  configWriters: ['exabgp'],
  netns: {
    // ExaBGP's CLI talks over two named pipes it looks for in fixed places (/run/exabgp/ first).
    // Each node keeps its own in its run directory, bind-mounted over /run/exabgp in the private
    // mount namespace `ip netns exec` gives the daemon (and the observer's exabgpcli), so nodes
    // never share them and the host keeps only ExaBGP's own (empty) /run/exabgp.
    setup: [['sh', '-c', EXABGP_PIPES_SETUP, EXABGP_PIPES_DIR]],
    processes: [{ name: 'exabgp', argv: ['sh', '-c', `${EXABGP_PIPES_MOUNT} && exec exabgp "$1"`, EXABGP_PIPES_DIR, '{config}/exabgp.conf'], env }],
    postStart: [],
  },
  sim: 'bgp-speaker',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'exabgp'),
};
