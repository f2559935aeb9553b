/**
 * FQDN capability (draft-walton-bgp-hostname-capability, code 73, informational): hostname
 * length (1) + hostname, domain length (1) + domain, both UTF-8 (ASCII in practice).
 */
import { BgpEncodeError } from '../errors.js';
import type { Capability } from '../types.js';
import { badCapability, type CapabilitySpec } from './capability.js';

type Fqdn = Extract<Capability, { name: 'fqdn' }>;

const encoder = new TextEncoder();
const utf8Length = (s: string): number => encoder.encode(s).length;

export const fqdnCapability: CapabilitySpec<Fqdn> = {
  code: 73,
  name: 'fqdn',
  codec: {
    encode(v, w) {
      for (const part of [v.hostname, v.domain]) {
        const b = encoder.encode(part);
        if (b.length > 255) throw new BgpEncodeError(`fqdn capability: "${part.slice(0, 20)}…" is longer than 255 bytes`);
        w.u8(b.length);
        w.bytes(b);
      }
    },
    decode(r, len) {
      const decoder = new TextDecoder('utf-8', { fatal: true });
      const read = (what: string): string => {
        if (r.remaining < 1) throw badCapability(r, 'fqdn', `${what} length missing`);
        const n = r.u8();
        if (r.remaining < n) throw badCapability(r, 'fqdn', `${what} of ${n} bytes runs past the capability`);
        try {
          return decoder.decode(r.take(n));
        } catch {
          throw badCapability(r, 'fqdn', `${what} is not valid UTF-8`);
        }
      };
      if (len < 1) throw badCapability(r, 'fqdn', 'empty value');
      const hostname = read('hostname');
      // Some speakers omit the domain part entirely; read it as empty.
      const domain = r.remaining === 0 ? '' : read('domain');
      return { code: 73, name: 'fqdn', hostname, domain };
    },
    encodedLength: (v) => 2 + utf8Length(v.hostname) + utf8Length(v.domain),
  },
};
