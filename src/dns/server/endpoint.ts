/** `ADDR:PORT` listen/server specs, IPv6 as `[::1]:53` or `::1` with a default port. */
import { isIP } from 'node:net';
import { InputError } from '../../config/diagnostics.js';

export interface Endpoint {
  host: string;
  port: number;
}

export function parseEndpoint(spec: string, defaultPort: number | undefined, what: string): Endpoint {
  let host = spec;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  if (bracket) {
    host = bracket[1] ?? '';
    portText = bracket[2];
  } else if (isIP(spec) === 6) {
    host = spec;
  } else {
    const i = spec.lastIndexOf(':');
    if (i >= 0) {
      host = spec.slice(0, i);
      portText = spec.slice(i + 1);
    }
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (isIP(host) === 0 || port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError('dns.bad-endpoint', `${what} "${spec}" is not ADDR:PORT`, {
      hint: 'write an IP address and port, e.g. 127.0.0.1:5353 or [::1]:5353',
    });
  }
  return { host, port };
}

export function formatEndpoint(e: Endpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
