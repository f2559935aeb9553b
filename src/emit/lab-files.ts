/**
 * The whole generated lab directory as data: `clab.yml`, `configs/<node>/…` from each node's
 * config writers, `qemu/<node>.sh` for VM nodes. Pure; `src/files/write-tree.ts` writes it.
 */
import { FlatlabError } from '../config/diagnostics.js';
import { getKind } from '../kinds/index.js';
import type { Lab } from '../topology/lab.js';
import type { ConfigFile } from './config-file.js';
import { configWriters as defaultWriters, type ConfigWriterRegistry } from './config-writers.js';
import { containerlabYaml } from './containerlab.js';
import { qemuScripts } from './qemu.js';

export interface LabFile {
  /** Relative to the lab directory, forward slashes. */
  path: string;
  content: string;
  mode: number;
}

export class ConfigPathError extends FlatlabError {}

/** Every node's config files, checked to stay inside configs/<node>/ and not to clash. */
export function nodeConfigFiles(lab: Lab, writers: ConfigWriterRegistry = defaultWriters): Map<string, ConfigFile[]> {
  const byNode = new Map<string, ConfigFile[]>();
  for (const node of lab.nodes) {
    const files: ConfigFile[] = [];
    const seen = new Set<string>();
    for (const key of getKind(node.kind).configWriters) {
      for (const f of writers[key](lab, node)) {
        if (!isSafeRelativePath(f.path)) {
          throw new ConfigPathError('emit.config-path', `the ${key} config writer produced "${f.path}" for node ${node.name}, which is not a plain relative path`, { hint: 'this is a bug in the config writer' });
        }
        if (seen.has(f.path)) {
          throw new ConfigPathError('emit.config-path', `two config writers of node ${node.name} both produce ${f.path}`, { hint: 'this is a bug in the kind or its config writers' });
        }
        seen.add(f.path);
        files.push(f);
      }
    }
    byNode.set(node.name, files);
  }
  return byNode;
}

export function labFiles(lab: Lab, writers: ConfigWriterRegistry = defaultWriters): LabFile[] {
  const configs = nodeConfigFiles(lab, writers);
  const files: LabFile[] = [{ path: 'clab.yml', content: containerlabYaml(lab, configs), mode: 0o644 }];
  for (const [node, list] of configs) for (const f of list) files.push({ path: `configs/${node}/${f.path}`, content: f.content, mode: f.mode ?? 0o644 });
  for (const f of qemuScripts(lab)) files.push({ path: f.path, content: f.content, mode: f.mode ?? 0o755 });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Entries of a lab directory that generation leaves alone: containerlab's own lab directory
 * (`clab-<name>/`, created next to clab.yml by `containerlab deploy`) holds a running lab's
 * state, so regenerating must neither delete it nor call it a difference.
 */
export function isLabRuntimeEntry(name: string): boolean {
  return name.startsWith('clab-');
}

function isSafeRelativePath(p: string): boolean {
  return p.length > 0 && !p.startsWith('/') && !p.includes('\\') && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
