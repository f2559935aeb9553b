/**
 * A layer-2 switch. In containerlab this is the `bridge` kind, which attaches links to a Linux
 * bridge on the host; containerlab does not create that bridge, so the containerlab runtime
 * creates it (named after the node) before deploying. In netns it is a bridge device.
 */
import type { Kind } from './kind.js';
import { unknownKeys } from './config-checks.js';

export const bridgeKind: Kind = {
  name: 'bridge',
  description: 'Layer-2 switch (Linux bridge); links to it form one broadcast domain',
  speaksBgp: false,
  defaultRole: 'switch',
  vm: false,
  containerlab: { kind: 'bridge' },
  configWriters: [],
  netns: null,
  sim: 'switch',
  configDefaults: {},
  validateConfig: (config) => unknownKeys(config, [], 'bridge'),
};
