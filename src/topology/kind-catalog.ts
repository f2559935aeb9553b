/**
 * What the topology compiler needs to know about node kinds. The registry itself lives in
 * src/kinds/ (which imports this folder, never the other way round) and is passed in.
 */
import type { NodeRole } from './lab.js';

export interface KindConfigProblem {
  /** Path inside the node's `config:` map. */
  path: (string | number)[];
  message: string;
  hint?: string;
}

export interface KindInfo {
  name: string;
  speaksBgp: boolean;
  defaultRole: NodeRole;
  vm: boolean;
  /**
   * For kinds whose BGP depends on the node's settings (a VM that speaks BGP only when it runs
   * a routing daemon): true when a node with this (validated) `config:` speaks BGP. Absent:
   * `speaksBgp` decides alone.
   */
  speaksBgpWith?(config: Record<string, unknown>): boolean;
  /**
   * Route flap damping (RFC 2439, a node's `damping:`): `true` when the kind's daemon does it
   * (FRR, flatlab bgpd), or why it cannot (BIRD and GoBGP implement none). Absent: not a BGP kind.
   */
  routeDamping?: true | { unsupported: string };
  /** Validate `node.config`; return diagnostics-friendly messages. */
  validateConfig?(config: Record<string, unknown>): KindConfigProblem[];
}

export interface KindCatalog {
  get(name: string): KindInfo | undefined;
  names(): string[];
}
