/** Reverse-mapping names: ip6.arpa nibbles (RFC 3596 §2.5) and in-addr.arpa octets (RFC 1035 §3.5). */
import { nameKey } from '../wire/names.js';

/** The address of a full 32-nibble ip6.arpa name, or undefined for any other name. */
export function ip6ArpaAddress(name: string): Uint8Array | undefined {
  const key = nameKey(name);
  if (!key.endsWith('.ip6.arpa')) return undefined;
  const labels = key.slice(0, -'.ip6.arpa'.length).split('.');
  if (labels.length !== 32) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 32; i++) {
    const label = labels[31 - i] as string;
    if (!/^[0-9a-f]$/.test(label)) return undefined;
    const v = parseInt(label, 16);
    const byte = i >> 1;
    out[byte] = (out[byte] ?? 0) | (i % 2 === 0 ? v << 4 : v);
  }
  return out;
}

export function ip6ArpaName(addr: Uint8Array): string {
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) {
    const b = addr[i] ?? 0;
    nibbles.push((b & 0xf).toString(16), (b >> 4).toString(16));
  }
  return `${nibbles.join('.')}.ip6.arpa.`;
}

export function inAddrArpaName(v4: Uint8Array): string {
  return `${v4[3]}.${v4[2]}.${v4[1]}.${v4[0]}.in-addr.arpa.`;
}
