/**
 * TAYGA (0.9.2) `tayga.conf` from a node's `config:` (after the kind's defaults): the TUN
 * device, the NAT64 prefix, the IPv4 dynamic pool and TAYGA's own IPv4 address.
 */
import type { ConfigWriter } from './config-file.js';
import { ConfigWriterError } from './policy-terms.js';
import { formatIpv4, parsePrefix } from '../net/ip.js';

export const taygaConfig: ConfigWriter = (lab, node) => {
  const c = node.config;
  const str = (key: string): string | undefined => (typeof c[key] === 'string' ? (c[key] as string) : undefined);
  const pool = str('pool');
  if (!pool) throw new ConfigWriterError('TAYGA', node.name, 'config.pool is missing', 'set config.pool to the IPv4 dynamic pool, e.g. 192.168.255.0/24');
  const parsed = parsePrefix(pool);
  if (!parsed.ok || parsed.prefix.family !== 'ipv4') throw new ConfigWriterError('TAYGA', node.name, `config.pool "${pool}" is not an IPv4 network prefix`, 'e.g. 192.168.255.0/24');
  // TAYGA's sample configuration takes its own address from the pool's first host.
  const ipv4Address = str('ipv4-address') ?? formatIpv4(parsed.prefix.network + 1n);
  const lines = [
    `# TAYGA configuration for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.`,
    `tun-device ${str('tun-device') ?? 'nat64'}`,
    `ipv4-addr ${ipv4Address}`,
    `prefix ${str('prefix') ?? '64:ff9b::/96'}`,
    `dynamic-pool ${pool}`,
  ];
  // TAYGA refuses to start without ipv6-addr when the prefix is the well-known 64:ff9b::/96 and its
  // IPv4 address is private (RFC 6052 §3.1 forbids mapping non-global addresses into it): use
  // the node's own IPv6 address, the loopback first.
  const v6 = (node.loopback.ipv6 ?? node.interfaces.find((i) => i.ipv6)?.ipv6)?.split('/')[0];
  if (v6) lines.push(`ipv6-addr ${v6}`);
  else if ((str('prefix') ?? '64:ff9b::/96') === '64:ff9b::/96') {
    throw new ConfigWriterError('TAYGA', node.name, 'the node has no IPv6 address for ipv6-addr, which TAYGA requires with the well-known prefix 64:ff9b::/96', 'give the node an IPv6 loopback or an IPv6 link, or use a network-specific prefix in config.prefix');
  }
  const dataDir = str('data-dir');
  if (dataDir) lines.push(`data-dir ${dataDir}`);
  return [{ path: 'tayga.conf', content: `${lines.join('\n')}\n` }];
};
