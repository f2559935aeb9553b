/**
 * Keep checking past shape errors. When the file does not match the schema, the semantic
 * checks still run on a repaired copy: unknown keys are dropped, a broken node, link, policy
 * or session is replaced by a neutral placeholder (its index and name kept, so positions and
 * references still line up), and any other broken value is removed. The repaired paths are
 * recorded so that no semantic diagnostic is reported at or under them: the schema error
 * already says what is wrong there.
 */
import type { z } from 'zod';
import type { DataPath } from '../config/yaml-source.js';

type Issue = z.core.$ZodIssue;
type Json = Record<string, unknown>;

export class BrokenPaths {
  private readonly keys = new Set<string>();

  add(path: DataPath): void {
    this.keys.add(path.join('\u0000'));
  }

  /** True when `path` or one of its ancestors was repaired. */
  covers(path: DataPath): boolean {
    if (this.keys.size === 0) return false;
    for (let i = 1; i <= path.length; i++) if (this.keys.has(path.slice(0, i).join('\u0000'))) return true;
    return false;
  }

  has(path: DataPath): boolean {
    return this.keys.has(path.join('\u0000'));
  }

  get size(): number {
    return this.keys.size;
  }
}

/** The part of the file one broken value takes down with it: a node, a link, a policy, a session. */
function anchorOf(path: DataPath): DataPath | undefined {
  if (path[0] === 'policies' && typeof path[2] === 'number') return path.slice(0, 3);
  if ((path[0] === 'nodes' || path[0] === 'policies') && path.length >= 2) return path.slice(0, 2);
  if (path[0] === 'links' && typeof path[1] === 'number') return path.slice(0, 2);
  if (path[0] === 'bgp' && path[1] === 'sessions' && typeof path[2] === 'number') return path.slice(0, 3);
  return undefined;
}

const PLACEHOLDER: Record<string, unknown> = {
  nodes: null,
  links: ['\u0000', '\u0000'],
  policies: [{ action: 'accept' }],
  bgp: 'auto',
};

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function container(data: unknown, path: DataPath): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** Repair `data` (a deep copy is made) so it may pass the schema; record what was repaired. */
export function repairData(data: unknown, issues: readonly Issue[], broken: BrokenPaths): unknown {
  const copy = structuredClone(data) as Json;
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const obj = container(copy, path);
      if (isObject(obj)) for (const k of issue.keys) delete obj[k];
      continue;
    }
    const anchor = anchorOf(path);
    if (anchor) {
      const parent = container(copy, anchor.slice(0, -1)) as Record<string | number, unknown> | undefined;
      const placeholder = anchor[0] === 'policies' && anchor.length === 3 ? { action: 'accept' } : PLACEHOLDER[anchor[0] as string];
      if (parent && typeof parent === 'object') parent[anchor[anchor.length - 1]!] = structuredClone(placeholder);
      broken.add(anchor);
      continue;
    }
    // Remove the nearest enclosing map entry; required top-level keys get a neutral value.
    let i = path.length;
    while (i > 0 && typeof path[i - 1] !== 'string') i--;
    const at = path.slice(0, i);
    broken.add(at);
    if (at.length === 0) return undefined;
    if (at.length === 1 && at[0] === 'name') copy.name = 'broken';
    else if (at.length === 1 && at[0] === 'nodes') copy.nodes = {};
    else {
      const parent = container(copy, at.slice(0, -1));
      if (isObject(parent)) delete parent[at[at.length - 1] as string];
    }
  }
  return copy;
}
