/**
 * A ZeroTier node (controller, root/relay or member) on the lab's underlay. The overlay itself
 * is the ZeroTier mesh issue's work; this kind carries the node's overlay settings and writes
 * them to `zerotier.yml`.
 */
import type { ConfigProblem, Kind } from './kind.js';
import { ipv4Prefix, optionalEnum, optionalString, unknownKeys } from './config-checks.js';

const keys = ['network', 'role', 'controller', 'roots', 'overlay-ipv4', 'port'] as const;
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
  containerlab: { kind: 'linux', image: 'flatlab/zerotier:0.1.0', configDir: '/etc/flatlab', devices: ['/dev/net/tun'], capAdd: ['NET_ADMIN'] },
  configWriters: ['zerotier'],
  netns: { unsupported: 'no ZeroTier daemon is packaged for this platform; the ZeroTier mesh issue adds one' },
  sim: { unsupported: 'the ZeroTier overlay is not simulated yet' },
  configDefaults: { role: 'member', port: 9993 },
  validateConfig: validate,
};
