/** flatlab's DNS64 resolver (`flatlab dns64`, RFC 6147): configured entirely by its command line. */
import type { ConfigProblem, Kind } from './kind.js';
import { hostPort, ipv6Prefix, optionalString, unknownKeys } from './config-checks.js';

const keys = ['prefix', 'upstream', 'listen'] as const;
/** RFC 6052 §2.2 allows only these prefix lengths for the IPv4-embedded address format. */
const rfc6052Lengths = [32, 40, 48, 56, 64, 96];

function validate(config: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...unknownKeys(config, keys, 'flatlab-dns64'),
    ...optionalString(config, 'prefix', ipv6Prefix),
    ...optionalString(config, 'upstream', hostPort),
    ...optionalString(config, 'listen', hostPort),
  ];
  if (config.upstream === undefined) {
    problems.push({ path: [], message: 'a flatlab-dns64 node needs config.upstream (the recursive or authoritative server it asks)', hint: 'e.g. `config: { upstream: "192.0.2.53" }`' });
  }
  if (typeof config.prefix === 'string' && ipv6Prefix.pattern.test(config.prefix)) {
    const len = Number(config.prefix.split('/')[1]);
    if (!rfc6052Lengths.includes(len)) problems.push({ path: ['prefix'], message: `prefix length /${len} is not allowed by RFC 6052`, hint: `use one of /${rfc6052Lengths.join(', /')}` });
  }
  return problems;
}

export const flatlabDns64Kind: Kind = {
  name: 'flatlab-dns64',
  description: 'flatlab DNS64 resolver: synthesises AAAA from A (RFC 6147) with a NAT64 prefix',
  speaksBgp: false,
  defaultRole: 'server',
  vm: false,
  containerlab: {
    kind: 'linux',
    image: 'flatlab/flatlab:0.1.0-local',
    cmd: ['flatlab', 'dns64', '--upstream', '{cfg:upstream}', '--prefix', '{cfg:prefix}', '--listen', '{cfg:listen}'],
  },
  configWriters: [],
  netns: { setup: [], processes: [{ argv: ['flatlab', 'dns64', '--upstream', '{cfg:upstream}', '--prefix', '{cfg:prefix}', '--listen', '{cfg:listen}'] }], postStart: [] },
  sim: 'dns64',
  configDefaults: { prefix: '64:ff9b::/96', listen: '[::]:53' },
  validateConfig: validate,
};
