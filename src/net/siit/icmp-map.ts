/**
 * ICMP ⇄ ICMPv6 type/code and parameter-problem pointer tables, RFC 7915 §4.2 (Figure 3) and
 * §5.2 (Figure 6). `undefined` means the RFC says to drop the message silently.
 */

export type IcmpClass = 'echo' | 'error';

export interface IcmpMapping {
  type: number;
  code: number;
  class: IcmpClass;
  /** How the 4 bytes after the checksum are rewritten for errors. */
  rest: 'zero' | 'mtu' | 'pointer' | 'copy';
  /** Parameter problem code 2 → Destination Unreachable / protocol: ICMPv6 4/1 points at Next Header (offset 6). */
  fixedPointer?: number;
}

/** RFC 7915 §4.2: ICMPv4 (type, code) → ICMPv6. */
export function mapIcmp4(type: number, code: number): IcmpMapping | undefined {
  switch (type) {
    case 8:
      return { type: 128, code, class: 'echo', rest: 'copy' };
    case 0:
      return { type: 129, code, class: 'echo', rest: 'copy' };
    case 3:
      switch (code) {
        case 0: case 1: case 5: case 6: case 7: case 8: case 11: case 12:
          return { type: 1, code: 0, class: 'error', rest: 'zero' };
        case 2: // protocol unreachable → parameter problem, unrecognised next header, pointing at it
          return { type: 4, code: 1, class: 'error', rest: 'pointer', fixedPointer: 6 };
        case 3:
          return { type: 1, code: 4, class: 'error', rest: 'zero' };
        case 4:
          return { type: 2, code: 0, class: 'error', rest: 'mtu' };
        case 9: case 10: case 13: case 15:
          return { type: 1, code: 1, class: 'error', rest: 'zero' };
        default: // 14 (host precedence violation) and unknown codes
          return undefined;
      }
    case 11:
      return { type: 3, code, class: 'error', rest: 'zero' };
    case 12:
      return code === 0 || code === 2 ? { type: 4, code: 0, class: 'error', rest: 'pointer' } : undefined;
    default: // redirect, source quench, timestamps, information, address mask, router discovery, unknown
      return undefined;
  }
}

/** RFC 7915 §5.2: ICMPv6 (type, code) → ICMPv4. */
export function mapIcmp6(type: number, code: number): IcmpMapping | undefined {
  switch (type) {
    case 128:
      return { type: 8, code, class: 'echo', rest: 'copy' };
    case 129:
      return { type: 0, code, class: 'echo', rest: 'copy' };
    case 1:
      switch (code) {
        case 0: case 2: case 3:
          return { type: 3, code: 1, class: 'error', rest: 'zero' };
        case 1:
          return { type: 3, code: 10, class: 'error', rest: 'zero' };
        case 4:
          return { type: 3, code: 3, class: 'error', rest: 'zero' };
        default:
          return undefined;
      }
    case 2:
      return { type: 3, code: 4, class: 'error', rest: 'mtu' };
    case 3:
      return { type: 11, code, class: 'error', rest: 'zero' };
    case 4:
      if (code === 0) return { type: 12, code: 0, class: 'error', rest: 'pointer' };
      if (code === 1) return { type: 3, code: 2, class: 'error', rest: 'zero' };
      return undefined;
    default: // MLD, ND, unknown informational and error messages
      return undefined;
  }
}

/** RFC 7915 Figure 3: IPv4 header offset → IPv6 header offset (undefined: drop). */
export function pointer4to6(p: number): number | undefined {
  if (p === 0 || p === 1) return p;
  if (p === 2 || p === 3) return 4;
  if (p === 8) return 7;
  if (p === 9) return 6;
  if (p >= 12 && p <= 15) return 8;
  if (p >= 16 && p <= 19) return 24;
  return undefined;
}

/** RFC 7915 Figure 6: IPv6 header offset → IPv4 header offset (undefined: drop). */
export function pointer6to4(p: number): number | undefined {
  if (p === 0 || p === 1) return p;
  if (p === 4 || p === 5) return 2;
  if (p === 6) return 9;
  if (p === 7) return 8;
  if (p >= 8 && p <= 23) return 12;
  if (p >= 24 && p <= 39) return 16;
  return undefined;
}

/** RFC 1191 §7 plateau table: the MTU to assume when an old router sends Fragmentation Needed with MTU 0. */
const PLATEAUS = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

export function plateauBelow(totalLength: number): number {
  return PLATEAUS.find((p) => p < totalLength) ?? 68;
}
