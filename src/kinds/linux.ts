/** A plain Linux host or router: addresses, routes and forwarding only, no routing daemon. */
import type { Kind } from './kind.js';
import { unknownKeys } from './config-checks.js';

const keys = ['forwarding'] as const;

export const linuxKind: Kind = {
  name: 'linux',
  description: 'Plain Linux host (or static router with `forwarding: true`): addresses and static routes, no daemon',
  speaksBgp: false,
  defaultRole: 'host',
  vm: false,
  containerlab: { kind: 'linux', image: 'flatlab/host:0.1.0-local' },
  configWriters: [],
  netns: null,
  sim: 'host',
  configDefaults: {},
  validateConfig: (config) => [
    ...unknownKeys(config, keys, 'linux'),
    ...(config.forwarding !== undefined && typeof config.forwarding !== 'boolean'
      ? [{ path: ['forwarding'], message: 'forwarding must be true or false', hint: 'true enables IPv4 and IPv6 forwarding (the default for role: router)' }]
      : []),
  ],
};
