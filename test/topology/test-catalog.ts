/** A small kind catalog for topology tests, so they do not depend on src/kinds/. */
import type { KindCatalog, KindInfo } from '../../src/topology/kind-catalog.js';

const kinds: KindInfo[] = [
  { name: 'linux', speaksBgp: false, defaultRole: 'host', vm: false },
  { name: 'bridge', speaksBgp: false, defaultRole: 'switch', vm: false },
  { name: 'bird', speaksBgp: true, defaultRole: 'router', vm: false },
  { name: 'frr', speaksBgp: true, defaultRole: 'router', vm: false, routeDamping: true },
  { name: 'gobgp', speaksBgp: true, defaultRole: 'router', vm: false },
  { name: 'flatlab-bgpd', speaksBgp: true, defaultRole: 'router', vm: false, routeDamping: true },
  {
    name: 'tayga',
    speaksBgp: false,
    defaultRole: 'router',
    vm: false,
    validateConfig: (config) => {
      const out: Array<{ path: (string | number)[]; message: string; hint?: string }> = [];
      for (const key of Object.keys(config)) if (!['prefix', 'pool'].includes(key)) out.push({ path: [key], message: `unknown setting "${key}"`, hint: 'tayga settings: prefix, pool' });
      if (config.prefix !== undefined && typeof config.prefix !== 'string') out.push({ path: ['prefix'], message: 'prefix must be a string such as 64:ff9b::/96' });
      return out;
    },
  },
];

export const testCatalog: KindCatalog = {
  get: (name) => kinds.find((k) => k.name === name),
  names: () => kinds.map((k) => k.name),
};
