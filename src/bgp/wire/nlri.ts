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
  const out: Prefix[] = [];
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
    out.push(addPath ? { prefix: text, pathId } : { prefix: text });
  }
  return out;
}

interface ParsedPrefix {
  bits: number;
  /** Minimal bytes (ceil(bits/8)) with host bits checked zero. */
  bytes: Uint8Array;
}

export function parsePrefixText(text: string, afi: number): ParsedPrefix {
  const slash = text.indexOf('/');
  const bitsText = slash < 0 ? '' : text.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  const maxBits = afi === AFI_IPV6 ? 128 : 32;
  if (!(bits >= 0 && bits <= maxBits)) throw new BgpEncodeError(`prefix "${text}" has no valid length (0..${maxBits})`);
  const addr = new Uint8Array(16);
  const addrText = text.slice(0, slash);
  if (afi === AFI_IPV6) {
    if (!parseIpv6Into(addrText, addr, 0)) throw new BgpEncodeError(`prefix "${text}" is not an IPv6 prefix`);
  } else {
    const v = parseIpv4Number(addrText);
    if (v === undefined) throw new BgpEncodeError(`prefix "${text}" is not an IPv4 prefix`);
    addr[0] = v >>> 24;
    addr[1] = (v >>> 16) & 255;
    addr[2] = (v >>> 8) & 255;
    addr[3] = v & 255;
  }
  const n = (bits + 7) >>> 3;
  for (let i = 0; i < maxBits / 8; i++) {
    const keep = i < n - 1 ? 0xff : i === n - 1 ? (0xff << ((8 - (bits & 7)) & 7)) & 0xff : 0;
    if (((addr[i] as number) & ~keep & 0xff) !== 0) throw new BgpEncodeError(`prefix "${text}" has host bits set`, 'write the network address, e.g. 192.0.2.0/24');
  }
  return { bits, bytes: addr.subarray(0, n) };
}

export function prefixEncodedLength(p: Prefix, addPath: boolean): number {
  const slash = p.prefix.lastIndexOf('/');
  const bits = Number(p.prefix.slice(slash + 1));
  return (addPath ? 4 : 0) + 1 + ((bits + 7) >>> 3);
}

export function prefixesEncodedLength(ps: readonly Prefix[], addPath: boolean): number {
  let n = 0;
  for (const p of ps) n += prefixEncodedLength(p, addPath);
  return n;
}

export function encodePrefixes(w: Writer, ps: readonly Prefix[], afi: number, addPath: boolean): void {
  for (const p of ps) {
    const parsed = parsePrefixText(p.prefix, afi);
    if (addPath) {
      const id = p.pathId ?? 0;
      if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new BgpEncodeError(`path id ${id} of ${p.prefix} is not a 32-bit unsigned integer`);
      w.u32(id);
    }
    w.u8(parsed.bits);
    w.bytes(parsed.bytes);
  }
}
