/**
 * Who may transfer zones: address prefixes (`--axfr-allow`) and TSIG keys. Either one
 * suffices, as in BIND's `allow-transfer { key k; 192.0.2.0/24; }`; with neither set, no
 * one may.
 */
import { BlockList, isIP } from 'node:net';
import { InputError } from '../../config/diagnostics.js';

export interface TransferAcl {
  /** True when the address is inside one of the allowed prefixes. */
  allows(address: string): boolean;
  readonly prefixes: readonly string[];
}

export function parseTransferAcl(prefixes: readonly string[]): TransferAcl {
  const list = new BlockList();
  for (const p of prefixes) {
    const [addr = '', lenText] = p.split('/');
    const family = isIP(addr);
    const len = lenText === undefined ? (family === 6 ? 128 : 32) : Number(lenText);
    if (family === 0 || !Number.isInteger(len) || len < 0 || len > (family === 6 ? 128 : 32)) {
      throw new InputError('dns.bad-acl', `--axfr-allow "${p}" is not an address or prefix`, { hint: 'write e.g. 127.0.0.1, 192.0.2.0/24 or ::1/128' });
    }
    list.addSubnet(addr, len, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    prefixes: [...prefixes],
    allows(address: string): boolean {
      const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
      const family = isIP(plain);
      if (family === 0) return false;
      return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
