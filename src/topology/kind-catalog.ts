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
  /** Validate `node.config`; return diagnostics-friendly messages. */
  validateConfig?(config: Record<string, unknown>): KindConfigProblem[];
}

export interface KindCatalog {
  get(name: string): KindInfo | undefined;
  names(): string[];
}
