import { FlatlabError } from '../config/diagnostics.js';
import type { RuntimeCapability, RuntimeName } from './runtime.js';

/** Which runtimes can do what; used to say which runtime a step needs. */
export const RUNTIME_CAPABILITIES: Record<RuntimeName, readonly RuntimeCapability[]> = {
  sim: ['bgp', 'dns', 'ping', 'tcp', 'link-state', 'netem', 'node-control', 'overlay'],
  netns: ['bgp', 'dns', 'ping', 'tcp', 'exec', 'link-state', 'netem', 'node-control', 'overlay', 'overlay-paths'],
  containerlab: ['bgp', 'dns', 'ping', 'tcp', 'exec', 'link-state', 'netem', 'node-control'],
};

/** A step asked a runtime for something it cannot do. */
export class UnsupportedOnRuntimeError extends FlatlabError {
  constructor(what: string, runtime: RuntimeName, capability: RuntimeCapability) {
    const able = (Object.keys(RUNTIME_CAPABILITIES) as RuntimeName[]).filter((r) => RUNTIME_CAPABILITIES[r].includes(capability));
    super('runtime.unsupported', `${what} cannot run on the ${runtime} runtime`, {
      hint: able.length ? `run this scenario with --runtime ${able.join(' or --runtime ')}` : 'no runtime supports this yet',
    });
  }
}

/** Something went wrong bringing up, driving or observing a lab. */
export class RuntimeError extends FlatlabError {}
