/**
 * A FlatRacoon OS virtual machine, run by QEMU (the script the QEMU emitter writes to
 * `qemu/<node>.sh`). In netns the script runs inside the node's namespace and wires each lab
 * interface to the VM through a tap device; in containerlab a linux container runs it.
 */
import type { ConfigProblem, Kind } from './kind.js';
import { optionalInteger, optionalStringList, unknownKeys } from './config-checks.js';

const keys = ['memory', 'cpus', 'disk', 'services'] as const;
export const flatracoonServices = ['bird', 'flatlab-bgpd', 'flatlab-hesiod', 'flatlab-dns64', 'ssh'] as const;

function validate(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...unknownKeys(config, keys, 'flatracoon-os'),
    ...optionalInteger(config, 'memory', 64, 65536, 'MiB'),
    ...optionalInteger(config, 'cpus', 1, 64),
    ...optionalInteger(config, 'disk', 64, 1048576, 'MiB'),
    ...optionalStringList(config, 'services'),
  ];
  const services = config.services;
  if (Array.isArray(services)) {
    services.forEach((s, i) => {
      if (typeof s === 'string' && !(flatracoonServices as readonly string[]).includes(s)) {
        problems.push({ path: ['services', i], message: `unknown FlatRacoon OS service "${s}"`, hint: `known services: ${flatracoonServices.join(', ')}` });
      }
    });
  }
  return problems;
}

export const flatracoonOsKind: Kind = {
  name: 'flatracoon-os',
  description: 'FlatRacoon OS virtual machine under QEMU (virtio disk and NICs, serial console on a socket)',
  // Speaks BGP only when it runs a BGP service, so an ASN is required of (and allowed on) those VMs only.
  speaksBgp: false,
  routeDamping: { unsupported: 'the FlatRacoon OS image does not configure route flap damping for its BGP service' },
  speaksBgpWith: (config) => Array.isArray(config.services) && config.services.some((s) => s === 'bird' || s === 'flatlab-bgpd'),
  defaultRole: 'server',
  vm: true,
  containerlab: {
    kind: 'linux',
    // The image carries QEMU and the FlatRacoon OS disk built by `flatlab image build`.
    image: 'flatlab/qemu:0.1.0',
    configDir: '/etc/flatlab/vm',
    cmd: ['sh', '/flatlab/qemu/{node}.sh'],
    devices: ['/dev/net/tun'],
    capAdd: ['NET_ADMIN'],
  },
  configWriters: ['flatracoon-os'],
  netns: { setup: [], processes: [{ argv: ['sh', '{lab}/qemu/{node}.sh'], env: { FLATLAB_RUN: '{run}', FLATLAB_CONFIG: '{config}' } }], postStart: [] },
  sim: { unsupported: 'a QEMU virtual machine cannot run in the in-process simulator; use netns or containerlab' },
  configDefaults: { memory: 512, cpus: 1, services: [] },
  validateConfig: validate,
};
