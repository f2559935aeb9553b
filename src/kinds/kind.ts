/**
 * A node kind: everything flatlab needs to know to emit, launch or simulate one kind of node,
 * as data. Adding a kind is one new file here plus one line in `index.ts` (as containerlab's
 * `nodes/` registry does). Kinds never import the emitters: the config writers are named by
 * key (`configWriters`) and the emit layer resolves the key.
 */
import type { KindConfigProblem, KindInfo } from '../topology/kind-catalog.js';
import type { NodeRole } from '../topology/lab.js';

/** Keys of the config writers in src/emit/config-writers.ts. */
export type ConfigWriterKey = 'bird' | 'frr' | 'gobgp' | 'bgpd' | 'exabgp' | 'hesiod' | 'tayga' | 'zerotier' | 'flatracoon-os' | 'nftables' | 'http';

/** What the in-process `sim` runtime runs for a node of this kind. */
export type SimCapability = 'bgp-speaker' | 'dns-hesiod' | 'dns64' | 'nat64' | 'host' | 'switch' | 'zerotier' | { unsupported: string };

export interface ContainerlabMapping {
  /** containerlab node kind (`linux`, `bridge`). */
  kind: 'linux' | 'bridge';
  /** Default image; images are built locally by the containerlab runtime (no registry is reachable). */
  image?: string;
  /**
   * Directory inside the container where the daemon expects its config: each generated file
   * `configs/<node>/<path>` is bound read-only to `<configDir>/<path>`.
   */
  configDir?: string;
  /** Container command as argv (the daemon in the foreground); placeholders as in `NetnsLaunch`, with `{config}` = configDir. */
  cmd?: string[];
  env?: Record<string, string>;
  /**
   * Commands the container runs at start, before `cmd` (or, without `cmd`, before it idles as a
   * host): `setup` to completion, then `services` in the background. As on netns, a command that
   * names a `{config}/…` file the node's writers did not produce is left out, and a node with
   * none left keeps the image's own command.
   */
  boot?: { setup: string[][]; services: string[][] };
  /** Extra container settings a kind needs (TUN device, capabilities). */
  devices?: string[];
  capAdd?: string[];
}

/**
 * How the netns runtime starts the node's daemon(s) inside the node's namespace. Argv
 * placeholders (see `expandPlaceholders`): `{config}` the node's generated config directory,
 * `{run}` a private writable run directory, `{lab}` the generated lab directory, `{node}` the
 * node name, `{cfg:KEY}` a value from the node's `config:` map after the kind's defaults.
 */
export interface NetnsLaunch {
  /** Commands run to completion, in order, before the processes start (TUN devices, routes). */
  setup: string[][];
  /** Long-running processes, started in order, each in the foreground (not daemonised). */
  processes: NetnsProcess[];
  /** Commands run once the processes are up (e.g. GoBGP has no static originate in its config file). Skipped when they name a `{config}/…` file the writer did not produce. */
  postStart: string[][];
}

export interface NetnsProcess {
  argv: string[];
  /** Name for its log (`<name>.log`) and status when argv[0] is a wrapper such as `sh`; default argv[0]'s base name. */
  name?: string;
  /** Run as this user (FRR refuses to run as root outside its vty group: design.md). */
  user?: string;
  env?: Record<string, string>;
  /**
   * A Unix socket the daemon listens on: the node's next process starts only once it accepts
   * connections. FRR's zebra: a bgpd started before zebra listens retries only 10 s later, and a
   * session it brings up meanwhile never learns its interface, so a link going down does not
   * drop it (fast-external-failover).
   */
  readySocket?: string;
}

export type ConfigProblem = KindConfigProblem;

export interface Kind extends KindInfo {
  name: string;
  description: string;
  speaksBgp: boolean;
  /**
   * How the kind's daemon notices that a directly connected BGP neighbour's link went down
   * (the sim runtime models each end this way): `interface` drops the session as soon as the
   * interface goes down; `hold-timer` only when its hold timer expires. Absent for kinds that
   * speak no BGP (hold-timer is assumed).
   */
  failureDetection?: 'interface' | 'hold-timer';
  /**
   * How long the kind's daemon waits in Idle after a session fails before it starts the session
   * again (RFC 4271 DampPeerOscillations), seconds, doubling per failure up to `max` (the sim
   * runtime models each node this way). Absent: BIRD's `error wait time 60, 300`.
   */
  restartWait?: { initial: number; max: number };
  defaultRole: NodeRole;
  /** A virtual machine (QEMU) rather than a process or container. */
  vm: boolean;
  containerlab: ContainerlabMapping;
  configWriters: ConfigWriterKey[];
  /** `null` for kinds that run no daemon in netns (plain hosts, bridges). */
  netns: NetnsLaunch | null | { unsupported: string };
  sim: SimCapability;
  /** Defaults merged under the node's `config:` map. */
  configDefaults: Record<string, unknown>;
  validateConfig(config: Record<string, unknown>): ConfigProblem[];
}
