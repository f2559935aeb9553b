/**
 * A ZeroTier node (controller, root/relay or member) on the lab's underlay. On netns each runs
 * `flatlab zt agent` (src/zt/agent/) with the `zerotier.yml` the zerotier writer produces; on
 * containerlab each is a real `zerotier/zerotier` container whose controller is configured
 * through its local JSON API; sim models membership and addressing (docs/zerotier.md).
 */
import type { ConfigProblem, Kind } from './kind.js';
import { ipv4Prefix, optionalEnum, optionalString, unknownKeys } from './config-checks.js';

const keys = ['network', 'role', 'controller', 'roots', 'overlay-ipv4', 'port', 'authorized', 'tags', 'hesiod'] as const;
export const zerotierRoles = ['controller', 'root', 'member'] as const;

function validate(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...unknownKeys(config, keys, 'zerotier'),
    // A ZeroTier network id is 16 hex digits: the controller's 10-digit address plus a 6-digit network number.
    ...optionalString(config, 'network', { pattern: /^[0-9a-f]{16}$/, what: 'a ZeroTier network id (16 lower-case hex digits)' }),
    ...optionalEnum(config, 'role', zerotierRoles),
    ...optionalString(config, 'controller'),
    ...optionalString(config, 'overlay-ipv4', ipv4Prefix),
  ];
  if (config.port !== undefined && (typeof config.port !== 'number' || !Number.isInteger(config.port) || config.port < 1 || config.port > 65535)) {
    problems.push({ path: ['port'], message: 'port must be a UDP port number (1-65535)' });
  }
  if (config.roots !== undefined && (!Array.isArray(config.roots) || config.roots.some((r) => typeof r !== 'string'))) {
    problems.push({ path: ['roots'], message: 'roots must be a list of node names' });
  }
  if (config.authorized !== undefined && typeof config.authorized !== 'boolean') problems.push({ path: ['authorized'], message: 'authorized must be true or false (whether the controller authorizes the member at start)' });
  if (config.tags !== undefined && (!Array.isArray(config.tags) || config.tags.some((t) => !Array.isArray(t) || t.length !== 2 || t.some((x) => !Number.isInteger(x) || (x as number) < 0)))) {
    problems.push({ path: ['tags'], message: 'tags must be a list of [tag id, value] pairs of non-negative integers, as ZeroTier\'s member API takes them', hint: 'e.g. tags: [[1000, 1]]' });
  }
  if (config.hesiod !== undefined && (typeof config.hesiod !== 'object' || config.hesiod === null || Array.isArray(config.hesiod) || (!('zone' in config.hesiod) && !('map' in config.hesiod)))) {
    problems.push({ path: ['hesiod'], message: 'hesiod must be { zone: <master-file text> } or { map: <Hesiod map> }, served on the member\'s overlay addresses', hint: 'see docs/zerotier.md' });
  }
  if (config.hesiod !== undefined && config.role !== undefined && config.role !== 'member') problems.push({ path: ['hesiod'], message: 'only a member serves Hesiod on the overlay' });
  if (config.network === undefined && config.role !== 'root') {
    problems.push({ path: [], message: 'a zerotier controller or member needs config.network (the 16-hex-digit network id)', hint: 'e.g. `config: { network: "8056c2e21c000001", role: member }`' });
  }
  return problems;
}

export const zerotierKind: Kind = {
  name: 'zerotier',
  description: 'ZeroTier node (controller, root or member) on the lab underlay',
  speaksBgp: false,
  defaultRole: 'host',
  vm: false,
  // Real ZeroTier in containerlab: the official image runs zerotier-one; its setup script (emit/zerotier.ts) drives the controller's local API.
  containerlab: { kind: 'linux', image: 'zerotier/zerotier:1.14.2', configDir: '/etc/flatlab', devices: ['/dev/net/tun'], capAdd: ['NET_ADMIN', 'SYS_ADMIN'] },
  configWriters: ['zerotier'],
  netns: { setup: [], processes: [{ argv: ['flatlab', 'zt', 'agent', '--config', '{config}/zerotier.yml', '--run', '{run}'] }], postStart: [] },
  sim: 'zerotier',
  configDefaults: { role: 'member', port: 9993 },
  validateConfig: validate,
};
