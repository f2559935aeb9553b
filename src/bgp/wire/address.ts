/**
 * IPv4/IPv6 addresses and prefixes between wire bytes and text, on the codec's hot path:
 * no bigint, no regex on decode, one string per address. IPv6 text is RFC 5952 canonical
 * (lower case, longest zero run of two or more groups compressed, the first on a tie),
 * matching src/net/ip.ts.
 */
import type { Reader, Writer } from './cursor.js';
import { BgpEncodeError } from './errors.js';

const HEX = '0123456789abcdef';

export function formatIpv4Bytes(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

export function formatIpv4Number(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function hex16(v: number): string {
  if (v < 0x10) return HEX[v] as string;
  return v.toString(16);
}

export function formatIpv6Bytes(b: Uint8Array, at: number): string {
  // Find the longest run of zero groups (length >= 2), first one wins a tie (RFC 5952 §4.2.3).
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const g = ((b[at + 2 * i] as number) << 8) | (b[at + 2 * i + 1] as number);
    if (g === 0) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else runStart = -1;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    const g = ((b[at + 2 * i] as number) << 8) | (b[at + 2 * i + 1] as number);
    out += hex16(g);
    if (i < 7) out += ':';
  }
  return out;
}

/** Parse dotted-quad text into a 32-bit unsigned number; undefined when not an IPv4 address. */
export function parseIpv4Number(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // no leading zeros (ambiguous octal)
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/** Parse IPv6 text into 16 bytes written to `out` at `at`; false when not an IPv6 address. */
export function parseIpv6Into(text: string, out: Uint8Array, at: number): boolean {
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

export function writeIpv4(w: Writer, text: string, what: string): void {
  const v = parseIpv4Number(text);
  if (v === undefined) throw new BgpEncodeError(`${what}: "${text}" is not an IPv4 address`);
  w.u32(v);
}

const scratch16 = (): Uint8Array => new Uint8Array(16);

export function writeIpv6(w: Writer, text: string, what: string, scratch: Uint8Array = scratch16()): void {
  if (!parseIpv6Into(text, scratch, 0)) throw new BgpEncodeError(`${what}: "${text}" is not an IPv6 address`);
  w.bytes(scratch.subarray(0, 16));
}

export function readIpv4(r: Reader): string {
  r.need(4);
  const s = formatIpv4Bytes(r.bytes, r.pos);
  r.pos += 4;
  return s;
}

export function readIpv6(r: Reader): string {
  r.need(16);
  const s = formatIpv6Bytes(r.bytes, r.pos);
  r.pos += 16;
  return s;
}
