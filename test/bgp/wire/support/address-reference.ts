/** Plain reference formatters for address and prefix text, for the wire tests to compare with. */
import { parseIpv4Number } from '../../../../src/bgp/wire/address.js';
import { formatIpv6 } from '../../../../src/net/ip.js';

/** Dotted quad of the 4 bytes at b[at], by template. */
export const ipv4Reference = (b: ArrayLike<number>, at = 0): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** RFC 5952 text of the 16 bytes at b[at], by src/net/ip.ts (bigint). */
export function ipv6Reference(b: ArrayLike<number>, at = 0): string {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[at + i]!);
  return formatIpv6(v);
}

/** The first `bits` bits of `bytes` (width bytes long), the rest zero. */
export function masked(bytes: Uint8Array, bits: number, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    out[i] = (bytes[i] ?? 0) & ((0xff00 >> keep) & 0xff);
  }
  return out;
}

/**
 * parseIpv6Into as it was before it scanned the text in one pass (split and slices): the
 * reference for any input.
 */
export function parseIpv6Reference(text: string, out: Uint8Array, at: number): boolean {
  const groups: number[] = [];
  let tail: number[] | undefined;
  const dc = text.indexOf('::');
  if (dc >= 0 && text.indexOf('::', dc + 1) >= 0) return false;
  const parseGroups = (s: string, allowV4Tail: boolean): number[] | undefined => {
    if (s === '') return [];
    const parts = s.split(':');
    const res: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4Number(p);
        if (v4 === undefined) return undefined;
        res.push(v4 >>> 16, v4 & 0xffff);
        continue;
      }
      if (p.length === 0 || p.length > 4) return undefined;
      let g = 0;
      for (let j = 0; j < p.length; j++) {
        const c = p.charCodeAt(j);
        const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
        if (d < 0) return undefined;
        g = g * 16 + d;
      }
      res.push(g);
    }
    return res;
  };
  if (dc >= 0) {
    const left = parseGroups(text.slice(0, dc), false);
    tail = parseGroups(text.slice(dc + 2), true);
    if (!left || !tail || left.length + tail.length > 7) return false;
    groups.push(...left);
    while (groups.length + tail.length < 8) groups.push(0);
    groups.push(...tail);
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return false;
    groups.push(...all);
  }
  for (let i = 0; i < 8; i++) {
    const g = groups[i] as number;
    out[at + 2 * i] = g >>> 8;
    out[at + 2 * i + 1] = g & 0xff;
  }
  return true;
}
