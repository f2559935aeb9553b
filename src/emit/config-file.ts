/**
 * The contract between the lab writer and the per-daemon config writers (bird.ts, frr.ts,
 * gobgp.ts, bgpd.ts, …): a writer turns one node of a lab into the files that node's daemon
 * reads. Paths are relative to `labs/<lab>/configs/<node>/`, so the containerlab emitter can
 * bind them and the netns runtime can point the daemon at them without either knowing the
 * daemon's file layout.
 */
import type { Lab, LabNode } from '../topology/lab.js';

export interface ConfigFile {
  /** Relative to `labs/<lab>/configs/<node>/`; forward slashes, no `..`. */
  path: string;
  content: string;
  /** POSIX mode bits; 0o644 when absent. */
  mode?: number;
}

export type ConfigWriter = (lab: Lab, node: LabNode) => ConfigFile[];
