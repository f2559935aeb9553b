/**
 * How a translator maps addresses between the families. The RFC 6052 algorithm lives with
 * DNS64 (src/dns/dns64/); callers build a mapper from it, from a static/dynamic table (as
 * TAYGA's `map` lines and dynamic pool), or from several of these in order.
 */
import { parseIpv4, parseIpv6 } from '../ip.js';

export interface AddressMapper {
  /** 4-byte IPv4 address → 16-byte IPv6 address, or undefined when not translatable. */
  toIpv6(v4: Uint8Array): Uint8Array | undefined;
  /** 16-byte IPv6 address → 4-byte IPv4 address, or undefined when not translatable. */
  toIpv4(v6: Uint8Array): Uint8Array | undefined;
}

/** The first mapper that knows an address wins (TAYGA consults its map before the prefix). */
export function firstMapper(...mappers: readonly AddressMapper[]): AddressMapper {
  return {
    toIpv6: (a) => {
      for (const m of mappers) {
        const r = m.toIpv6(a);
        if (r) return r;
      }
      return undefined;
    },
    toIpv4: (a) => {
      for (const m of mappers) {
        const r = m.toIpv4(a);
        if (r) return r;
      }
      return undefined;
    },
  };
}

/** One-to-one address pairs (`[ipv4, ipv6]` text), like TAYGA's `map` lines or one dynamic-pool binding. */
export function tableMapper(pairs: ReadonlyArray<readonly [string, string]>): AddressMapper {
  const to6 = new Map<string, Uint8Array>();
  const to4 = new Map<string, Uint8Array>();
  for (const [v4text, v6text] of pairs) {
    const v4 = parseIpv4(v4text);
    const v6 = parseIpv6(v6text);
    if (v4 === undefined || v6 === undefined) throw new TypeError(`not an IPv4/IPv6 address pair: ${v4text} ${v6text}`);
    const b4 = bigintBytes(v4, 4);
    const b6 = bigintBytes(v6, 16);
    to6.set(key(b4), b6);
    to4.set(key(b6), b4);
  }
  return { toIpv6: (a) => to6.get(key(a)), toIpv4: (a) => to4.get(key(a)) };
}

export function bigintBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = v;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function bytesBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function key(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
