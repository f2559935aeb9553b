/**
 * Expansion of the placeholders in kinds' launch commands: `{config}`, `{run}`, `{lab}`,
 * `{node}`, `{netns}`, and `{cfg:KEY}` for a value of the node's `config:` map (the kind's defaults under
 * the node's own values). In an argv, an element that is exactly `{cfg:KEY}` with a list value
 * repeats the preceding flag per element (`--listen a --listen b`, as our daemons take it);
 * inside a longer string a list joins with spaces.
 */
import { FlatlabError } from '../config/diagnostics.js';
import type { Kind } from './kind.js';

export interface PlaceholderValues {
  config: string;
  run: string;
  lab: string;
  node: string;
  /** The node's network namespace (netns runtime); `{netns}` is the node name elsewhere. */
  netns?: string;
  /** The node's `config:` map; the kind's defaults are applied by `effectiveConfig`. */
  nodeConfig: Record<string, unknown>;
}

export class PlaceholderError extends FlatlabError {}

export function effectiveConfig(kind: Kind, nodeConfig: Record<string, unknown>): Record<string, unknown> {
  return { ...kind.configDefaults, ...nodeConfig };
}

const placeholder = /\{(config|run|lab|node|netns|cfg:[a-zA-Z0-9_-]+)\}/g;

function lookup(name: string, v: PlaceholderValues): string | readonly string[] {
  if (name.startsWith('cfg:')) {
    const key = name.slice(4);
    const value = v.nodeConfig[key];
    if (value === undefined) {
      throw new PlaceholderError('kinds.missing-config', `node ${v.node} has no config.${key}, which its launch command needs`, { hint: `set config.${key} on node ${v.node}` });
    }
    if (Array.isArray(value)) return value.map(String);
    return String(value);
  }
  if (name === 'netns') return v.netns ?? v.node;
  return v[name as 'config' | 'run' | 'lab' | 'node'];
}

/** Expand placeholders inside one string (list values join with a space). */
export function expandString(text: string, v: PlaceholderValues): string {
  return text.replace(placeholder, (_m, name: string) => {
    const value = lookup(name, v);
    return typeof value === 'string' ? value : value.join(' ');
  });
}

/** Expand an argv; `--flag {cfg:list}` becomes `--flag a --flag b`. */
export function expandArgv(argv: readonly string[], v: PlaceholderValues): string[] {
  const out: string[] = [];
  argv.forEach((arg, i) => {
    const whole = /^\{(cfg:[a-zA-Z0-9_-]+)\}$/.exec(arg);
    if (whole) {
      const value = lookup(whole[1]!, v);
      if (typeof value !== 'string') {
        const flag = i > 0 ? argv[i - 1] : undefined;
        if (flag?.startsWith('-') && value.length > 0) {
          out.pop();
          for (const item of value) out.push(flag, item);
          return;
        }
        out.push(...value);
        return;
      }
      out.push(value);
      return;
    }
    out.push(expandString(arg, v));
  });
  return out;
}
