/**
 * A plain Linux host or router: addresses, routes and forwarding, and optionally two small
 * services a lab needs around its daemons: an nftables ruleset (`config.nftables`, e.g. a site
 * edge that drops and counts IPv4) and a static web page (`config.http`, served by busybox
 * httpd on `config.http-port`, default 80). Without them the node runs nothing.
 */
import type { ConfigProblem, Kind } from './kind.js';
import { optionalInteger, optionalString, unknownKeys } from './config-checks.js';

const keys = ['forwarding', 'nftables', 'http', 'http-port'] as const;

function validate(config: Record<string, unknown>): ConfigProblem[] {
  return [
    ...unknownKeys(config, keys, 'linux'),
    ...(config.forwarding !== undefined && typeof config.forwarding !== 'boolean'
      ? [{ path: ['forwarding'], message: 'forwarding must be true or false', hint: 'true enables IPv4 and IPv6 forwarding (the default for role: router)' }]
      : []),
    ...optionalString(config, 'nftables'),
    ...optionalString(config, 'http'),
    ...optionalInteger(config, 'http-port', 1, 65535),
    ...(config['http-port'] !== undefined && config.http === undefined
      ? [{ path: ['http-port'], message: 'http-port without http: there is no page to serve', hint: 'add `http: "<page text>"`' }]
      : []),
  ];
}

export const linuxKind: Kind = {
  name: 'linux',
  description: 'Plain Linux host (or static router with `forwarding: true`): addresses, static routes, optional nftables ruleset and static web page',
  speaksBgp: false,
  defaultRole: 'host',
  vm: false,
  containerlab: {
    kind: 'linux',
    image: 'flatlab/host:0.1.0-local',
    configDir: '/etc/flatlab',
    boot: { setup: [['nft', '-f', '{config}/nftables.nft']], services: [['busybox', 'httpd', '-f', '-p', '{cfg:http-port}', '-h', '{config}/www']] },
  },
  configWriters: ['nftables', 'http'],
  // Each command names the file its writer produces; the runtime skips it on nodes without that file.
  netns: {
    setup: [['nft', '-f', '{config}/nftables.nft']],
    processes: [{ argv: ['busybox', 'httpd', '-f', '-p', '{cfg:http-port}', '-h', '{config}/www'] }],
    postStart: [],
  },
  sim: 'host',
  configDefaults: { 'http-port': 80 },
  validateConfig: validate,
};
