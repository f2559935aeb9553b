/**
 * NLRI prefixes (RFC 4271 §4.3 length + minimal bytes; RFC 7911 path identifier first when
 * ADD-PATH is negotiated for the family). Decoding zeroes host bits so equal routes compare
 * equal as text; a prefix longer than the family allows or running past the field is
 * "syntactically incorrect" (RFC 7606 §5.3), reported with the NOTIFICATION the caller names.
 */
import { formatIpv4Prefix, formatIpv6Prefix, parseIpv4Number, parseIpv6Into } from './address.js';
import type { Writer } from './cursor.js';
import { BgpDecodeError, BgpEncodeError } from './errors.js';
import { AFI_IPV4, AFI_IPV6, SAFI_UNICAST, type Family, type Prefix } from './types.js';

export function familyOf(afi: number, safi: number): Family | undefined {
  if (safi !== SAFI_UNICAST) return undefined;
  return afi === AFI_IPV4 ? 'ipv4-unicast' : afi === AFI_IPV6 ? 'ipv6-unicast' : undefined;
}

/** Where a malformed prefix field sends the session (NLRI field: 3/10; MP attributes: 3/9). */
export interface NlriErrorSpec {
  code: string;
  errorCode: number;
  errorSubcode: number;
  what: string;
}

function malformed(spec: NlriErrorSpec, offset: number, why: string): BgpDecodeError {
  return new BgpDecodeError({
    code: spec.code,
    message: `${spec.what}: ${why}`,
    errorCode: spec.errorCode,
    errorSubcode: spec.errorSubcode,
    offset,
    disposition: 'session-reset',
  });
}

/**
 * Decode the prefixes in bytes[start..end). No reader, no scratch: the address is read
 * straight from the bytes and its text built in one allocation (address.ts).
 */
export function decodePrefixes(bytes: Uint8Array, start: number, end: number, afi: number, addPath: boolean, spec: NlriErrorSpec): Prefix[] {
  const out = new Array<Prefix>(countPrefixes(bytes, start, end, addPath));
  let count = 0;
  const v6 = afi === AFI_IPV6;
  const maxBits = v6 ? 128 : 32;
  let pos = start;
  while (pos < end) {
    let pathId = 0;
    if (addPath) {
      if (end - pos < 5) throw malformed(spec, pos, 'path identifier and prefix length run past the end');
      pathId = ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>> 0;
      pos += 4;
    }
    const bits = bytes[pos++]!;
    if (bits > maxBits) throw malformed(spec, pos - 1, `prefix length ${bits} exceeds ${maxBits}`);
    const n = (bits + 7) >>> 3;
    if (pos + n > end) throw malformed(spec, pos - 1, `prefix of length ${bits} needs ${n} bytes, ${end - pos} left`);
    let text: string;
    if (!v6) {
      let v = 0;
      for (let i = 0; i < n; i++) v |= bytes[pos + i]! << (24 - 8 * i);
      // Host bits zeroed, so equal routes compare equal as text.
      text = formatIpv4Prefix(bits === 0 ? 0 : v & (-1 << (32 - bits)), bits);
    } else text = formatIpv6Prefix(bytes, pos, bits);
    pos += n;
    out[count++] = addPath ? { prefix: text, pathId } : { prefix: text };
  }
  return out;
}

/**
 * How many prefixes bytes[start..end) holds, when it is well formed (decodePrefixes throws
 * otherwise): the list is made at its size, where one grown by push had room for 16.
 */
function countPrefixes(bytes: Uint8Array, start: number, end: number, addPath: boolean): number {
  let n = 0;
  for (let pos = start; pos < end; n++) {
    if (addPath) pos += 4;
    pos += 1 + (((bytes[pos] ?? 0) + 7) >>> 3);
  }
  return n;
}

interface ParsedPrefix {
  bits: number;
  /** Minimal bytes (ceil(bits/8)) with host bits checked zero. */
  bytes: Uint8Array;
}

/** The length after the first `/` of a prefix text: 1-3 digits within 0..maxBits, else an encode error. */
function prefixLength(text: string, slash: number, maxBits: number): number {
  const digits = text.length - slash - 1;
  let bits = slash < 0 || digits < 1 || digits > 3 ? -1 : 0;
  for (let i = slash + 1; bits >= 0 && i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    bits = d >= 0 && d <= 9 ? bits * 10 + d : -1;
  }
  if (bits < 0 || bits > maxBits) throw new BgpEncodeError(`prefix "${text}" has no valid length (0..${maxBits})`);
  return bits;
}

function hostBitsSet(text: string): BgpEncodeError {
  return new BgpEncodeError(`prefix "${text}" has host bits set`, 'write the network address, e.g. 192.0.2.0/24');
}

/** The network of an IPv4 prefix text as a 32-bit unsigned number (checked: an address, no host bits). */
function ipv4Network(text: string, slash: number, bits: number): number {
  const v = parseIpv4Number(text, slash);
  if (v === undefined) throw new BgpEncodeError(`prefix "${text}" is not an IPv4 prefix`);
  // Shift counts are taken mod 32, so /0 tests all 32 bits and /32 needs no test.
  if (bits < 32 && v << bits !== 0) throw hostBitsSet(text);
  return v;
}

/** The network of an IPv6 prefix text into addr[0..16) (checked: an address, no host bits). */
function ipv6Network(text: string, slash: number, bits: number, addr: Uint8Array): void {
  if (!parseIpv6Into(text.slice(0, slash), addr, 0)) throw new BgpEncodeError(`prefix "${text}" is not an IPv6 prefix`);
  const n = (bits + 7) >>> 3;
  for (let i = 0; i < 16; i++) {
    const keep = i < n - 1 ? 0xff : i === n - 1 ? (0xff << ((8 - (bits & 7)) & 7)) & 0xff : 0;
    if ((addr[i]! & ~keep & 0xff) !== 0) throw hostBitsSet(text);
  }
}

export function parsePrefixText(text: string, afi: number): ParsedPrefix {
  const slash = text.indexOf('/');
  const v6 = afi === AFI_IPV6;
  const bits = prefixLength(text, slash, v6 ? 128 : 32);
  const addr = new Uint8Array(16);
  if (v6) ipv6Network(text, slash, bits, addr);
  else {
    const v = ipv4Network(text, slash, bits);
    addr[0] = v >>> 24;
    addr[1] = (v >>> 16) & 255;
    addr[2] = (v >>> 8) & 255;
    addr[3] = v & 255;
  }
  return { bits, bytes: addr.subarray(0, (bits + 7) >>> 3) };
}

export function prefixEncodedLength(p: Prefix, addPath: boolean): number {
  const text = p.prefix;
  const slash = text.lastIndexOf('/');
  let bits = 0;
  for (let i = slash + 1; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      bits = Number(text.slice(slash + 1)); // not a length: encoding rejects the prefix
      break;
    }
    bits = bits * 10 + d;
  }
  return (addPath ? 4 : 0) + 1 + ((bits + 7) >>> 3);
}

export function prefixesEncodedLength(ps: readonly Prefix[], addPath: boolean): number {
  let n = 0;
  for (const p of ps) n += prefixEncodedLength(p, addPath);
  return n;
}

/** Length byte and minimal address bytes of each prefix, parsed from its text straight into `w`. */
export function encodePrefixes(w: Writer, ps: readonly Prefix[], afi: number, addPath: boolean): void {
  const v6 = afi === AFI_IPV6;
  const addr = v6 ? new Uint8Array(16) : undefined;
  for (const p of ps) {
    const text = p.prefix;
    const slash = text.indexOf('/');
    const bits = prefixLength(text, slash, v6 ? 128 : 32);
    const v = addr ? (ipv6Network(text, slash, bits, addr), 0) : ipv4Network(text, slash, bits);
    if (addPath) {
      const id = p.pathId ?? 0;
      if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new BgpEncodeError(`path id ${id} of ${p.prefix} is not a 32-bit unsigned integer`);
      w.u32(id);
    }
    w.u8(bits);
    const n = (bits + 7) >>> 3;
    if (addr) w.bytes(addr.subarray(0, n));
    else for (let i = 0; i < n; i++) w.u8((v >>> (24 - 8 * i)) & 255);
  }
}
