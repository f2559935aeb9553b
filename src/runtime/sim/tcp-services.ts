/**
 * Which TCP ports a node's daemons listen on in the sim, from its kind and config (what the
 * same node runs on netns): a linux node with `config.http` serves busybox httpd on
 * `http-port`, DNS nodes listen on their `listen` endpoints (UDP and TCP), BGP speakers on 179.
 */
import { getKind } from '../../kinds/index.js';
import { effectiveConfig } from '../../kinds/placeholders.js';
import { parseIp, type IpAddress } from '../../net/ip.js';
import type { LabNode } from '../../topology/lab.js';

const BGP_PORT = 179;
const DNS_PORT = 53;

export interface TcpListener {
  /** `any` binds both families (a `[::]` socket on Linux also takes IPv4), `any4` IPv4 only. */
  address: IpAddress | 'any' | 'any4';
  port: number;
}

export function tcpListeners(node: LabNode): TcpListener[] {
  const kind = getKind(node.kind);
  const config = effectiveConfig(kind, node.config);
  switch (kind.sim) {
    case 'host':
      return typeof config.http === 'string' ? [{ address: 'any', port: Number(config['http-port'] ?? 80) }] : [];
    case 'dns-hesiod':
    case 'dns64': {
      const listen = Array.isArray(config.listen) ? config.listen : config.listen === undefined ? [] : [config.listen];
      return listen.flatMap((l) => (typeof l === 'string' ? [parseEndpoint(l, DNS_PORT)] : []));
    }
    case 'bgp-speaker':
      return node.bgp ? [{ address: 'any', port: BGP_PORT }] : [];
    default:
      return [];
  }
}

export function listensOn(listeners: readonly TcpListener[], address: IpAddress, port: number): boolean {
  return listeners.some((l) => l.port === port && (l.address === 'any' || (l.address === 'any4' ? address.family === 'ipv4' : l.address.family === address.family && l.address.value === address.value)));
}

/** `[::]:53`, `0.0.0.0:53`, `192.0.2.1:5300`, `[2001:db8::1]:53`, or an address alone. */
function parseEndpoint(text: string, defaultPort: number): TcpListener {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, portText] = bracketed ? [bracketed[1]!, bracketed[2]] : /^[\d.]+:\d+$/.test(text) ? (text.split(':') as [string, string]) : [text, undefined];
  const port = portText === undefined ? defaultPort : Number(portText);
  if (host === '::') return { address: 'any', port };
  if (host === '0.0.0.0') return { address: 'any4', port };
  const a = parseIp(host);
  return { address: a ?? 'any', port };
}
