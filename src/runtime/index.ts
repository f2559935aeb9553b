/** The runtimes, by name. Adding one: a directory here plus one line. */
import { ContainerlabRuntime } from './containerlab/containerlab-runtime.js';
import { RuntimeError } from './errors.js';
import { NetnsRuntime } from './netns/netns-runtime.js';
import { SimRuntime } from './sim/sim-runtime.js';
import { RUNTIME_NAMES, type Runtime, type RuntimeName } from './runtime.js';

export interface RuntimeOptions {
  /** Seed for the sim runtime's randomness. */
  seed?: number;
  log?: (line: string) => void;
}

const factories: Record<RuntimeName, (opts: RuntimeOptions) => Runtime> = {
  sim: (opts) => new SimRuntime({ ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.log ? { log: opts.log } : {}) }),
  netns: (opts) => new NetnsRuntime(opts.log ? { log: opts.log } : {}),
  containerlab: (opts) => new ContainerlabRuntime(opts.log ? { log: opts.log } : {}),
};

export function createRuntime(name: RuntimeName, opts: RuntimeOptions = {}): Runtime {
  return factories[name](opts);
}

export function parseRuntimeList(text: string): RuntimeName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(RUNTIME_NAMES as readonly string[]).includes(n));
  if (bad.length || names.length === 0) {
    throw new RuntimeError('runtime.unknown', `unknown runtime "${bad[0] ?? text}"`, { hint: `runtimes: ${RUNTIME_NAMES.join(', ')} (several separated by commas to compare)` });
  }
  return [...new Set(names)] as RuntimeName[];
}
