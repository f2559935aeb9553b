/**
 * IPv4/IPv6 addresses and prefixes between wire bytes and text, on the codec's hot path:
 * no bigint, no regex on decode, one string per address. IPv6 text is RFC 5952 canonical
 * (lower case, longest zero run of two or more groups compressed, the first on a tie),
 * matching src/net/ip.ts.
 *
 * Text is written as character codes and made a string in one step (`asciiString`). A string
 * built with `+` or a template is, from 13 characters on, a tree of its pieces in V8 (a
 * ConsString); once the RIB hashes it as a Map key it is flattened into a copy and the tree
 * stays behind it, about 70 bytes more per prefix held and more for the collector to move.
 */
import { u32At, type Reader, type Writer } from './cursor.js';
import { BgpEncodeError } from './errors.js';

/** Longest text built here: `ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128`. */
const MAX_TEXT = 43;
/**
 * Scratch for the character codes of the text being built. Filled and read within one call
 * of a formatter, which calls nothing that could re-enter; it holds nothing between calls.
 */
const chars = new Uint8Array(MAX_TEXT);
const fromCharCode = String.fromCharCode;
/** The 16-bit groups of the IPv6 address being formatted or parsed; scratch as `chars`. */
const groups = new Uint16Array(8);
/** The codes again as a plain array for `apply` (faster there than a typed array); scratch as `chars`. */
const longCodes: number[] = [];

/**
 * The string of chars[0..n). With the codes as arguments, String.fromCharCode allocates the
 * flat string once; spelled out from 7 to 26 characters (every IPv4 address and prefix, most
 * IPv6 prefixes: `2001:db8:1234:5678::/64` is 23), `apply` on a plain array otherwise.
 */
function asciiString(n: number): string {
  const c = chars;
  switch (n) {
    case 7: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!);
    case 8: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!);
    case 9: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!);
    case 10: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!);
    case 11: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!);
    case 12: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!);
    case 13: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!);
    case 14: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!);
    case 15: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!);
    case 16: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!);
    case 17: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!);
    case 18: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!);
    case 19: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!);
    case 20: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!);
    case 21: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!);
    case 22: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!);
    case 23: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!);
    case 24: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!);
    case 25: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!);
    case 26: return fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!, c[25]!);
    default: {
      const codes = longCodes;
      codes.length = n;
      for (let i = 0; i < n; i++) codes[i] = c[i]!;
      return fromCharCode.apply(null, codes);
    }
  }
}

/** Write `v` (0..999) in decimal at chars[at]; returns the position after it. */
function putDecimal(at: number, v: number): number {
  if (v >= 100) {
    chars[at++] = 48 + ((v / 100) | 0);
    v %= 100;
    chars[at++] = 48 + ((v / 10) | 0);
  } else if (v >= 10) chars[at++] = 48 + ((v / 10) | 0);
  chars[at++] = 48 + (v % 10);
  return at;
}

/** Dotted quad of the 32-bit value `v` (signed or unsigned) at chars[0]; returns the length. */
function putIpv4(v: number): number {
  let at = putDecimal(0, (v >>> 24) & 255);
  chars[at++] = 46;
  at = putDecimal(at, (v >>> 16) & 255);
  chars[at++] = 46;
  at = putDecimal(at, (v >>> 8) & 255);
  chars[at++] = 46;
  return putDecimal(at, v & 255);
}

export function formatIpv4Bytes(b: Uint8Array, at: number): string {
  return formatIpv4Number(((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0);
}

export function formatIpv4Number(v: number): string {
  return asciiString(putIpv4(v));
}

/** `a.b.c.d/bits` for the 32-bit value `v` (host bits already zero, signed or unsigned). */
export function formatIpv4Prefix(v: number, bits: number): string {
  let at = putIpv4(v);
  chars[at++] = 47;
  return asciiString(putDecimal(at, bits));
}

/** Lower-case hex of the 16-bit group `g` at chars[at], no leading zeros; returns the position after it. */
function putHex16(at: number, g: number): number {
  let shift = 12;
  while (shift > 0 && g >>> shift === 0) shift -= 4;
  for (; shift >= 0; shift -= 4) {
    const d = (g >>> shift) & 15;
    chars[at++] = d < 10 ? 48 + d : 87 + d;
  }
  return at;
}

/**
 * RFC 5952 text of the IPv6 address at b[at], of which only the first `bits` bits count (and
 * only those bytes are read), into chars[0]; returns the length.
 */
function putIpv6(b: Uint8Array, at: number, bits: number): number {
  const g = groups;
  const bytes = (bits + 7) >>> 3;
  for (let i = 0; i < 8; i++) {
    const hi = 2 * i < bytes ? b[at + 2 * i]! : 0;
    const lo = 2 * i + 1 < bytes ? b[at + 2 * i + 1]! : 0;
    g[i] = (hi << 8) | lo;
  }
  if (bits & 7) g[(bytes - 1) >>> 1] = g[(bytes - 1) >>> 1]! & (0xffff << (16 - (bits & 15)));
  // Find the longest run of zero groups (length >= 2), first one wins a tie (RFC 5952 §4.2.3).
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (g[i] === 0) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else runStart = -1;
  }
  let n = 0;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      chars[n++] = 58;
      if (i === 0) chars[n++] = 58;
      i += bestLen - 1;
      continue;
    }
    n = putHex16(n, g[i]!);
    if (i < 7) chars[n++] = 58;
  }
  return n;
}

export function formatIpv6Bytes(b: Uint8Array, at: number): string {
  return asciiString(putIpv6(b, at, 128));
}

/**
 * `addr/bits` for the prefix whose ceil(bits/8) significant bytes are at b[at]; host bits are
 * zeroed in the text and the bytes after the prefix are not read.
 */
export function formatIpv6Prefix(b: Uint8Array, at: number, bits: number): string {
  let n = putIpv6(b, at, bits);
  chars[n++] = 47;
  return asciiString(putDecimal(n, bits));
}

/**
 * Parse dotted-quad text (text[0..end), all of it by default) into a 32-bit unsigned number;
 * undefined when not an IPv4 address.
 */
export function parseIpv4Number(text: string, end = text.length): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < end; i++) {
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

function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
}

/**
 * Parse IPv6 text into 16 bytes written to `out` at `at` (only on success); false when not an
 * IPv6 address. One pass over the characters: groups of 1-4 hex digits, at most one `::`, and
 * an IPv4 dotted quad as the last two groups.
 */
export function parseIpv6Into(text: string, out: Uint8Array, at: number): boolean {
  const end = text.length;
  let n = 0; // groups read
  let gap = -1; // groups read before the `::`
  let i = 0;
  if (end >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let g = 0;
    let j = i;
    for (let d = hexDigit(text.charCodeAt(j)); d >= 0 && j < end; d = hexDigit(text.charCodeAt(++j))) g = g * 16 + d;
    if (j < end && text.charCodeAt(j) === 46) {
      // The dotted quad is the rest of the text (parseIpv4Number rejects any `:` after it).
      const v4 = parseIpv4Number(text.slice(i));
      if (v4 === undefined || n > 6) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      break;
    }
    if (j === i || j - i > 4 || n === 8) return false;
    groups[n++] = g;
    if (j === end) break;
    if (text.charCodeAt(j) !== 58 || j + 1 === end) return false;
    if (text.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i = j + 2;
    } else i = j + 1;
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  // Groups after the `::` go to the end; the ones it stands for are zero.
  const tail = gap < 0 ? 0 : n - gap;
  const head = n - tail;
  for (let k = 0; k < 8; k++) {
    const v = k < head ? groups[k]! : k >= 8 - tail ? groups[k - (8 - n)]! : 0;
    out[at + 2 * k] = v >>> 8;
    out[at + 2 * k + 1] = v & 0xff;
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

const TEXT_MEMO_SLOTS = 64;

/**
 * Recent address texts by value, for the addresses that repeat from UPDATE to UPDATE (next
 * hop, aggregator, originator, cluster ids, MP_REACH_NLRI next hops): the attribute sets the
 * RIB keeps then share one string, which also compares equal by reference. A memo of the
 * formatters, direct-mapped and small; a miss formats again. One per session (a CodecContext
 * made by `codecContext` carries its own: CodecContext.addressTexts), never module state.
 */
export class AddressTexts {
  private readonly ipv4Values = new Float64Array(TEXT_MEMO_SLOTS).fill(-1);
  private readonly ipv4Texts = new Array<string>(TEXT_MEMO_SLOTS).fill('');
  private readonly ipv6Bytes = new Uint8Array(TEXT_MEMO_SLOTS * 16);
  private readonly ipv6Texts = new Array<string | undefined>(TEXT_MEMO_SLOTS).fill(undefined);

  /** formatIpv4Number for an unsigned 32-bit `v`, from the memo when it was formatted lately. */
  ipv4(v: number): string {
    const slot = (v ^ (v >>> 8) ^ (v >>> 16) ^ (v >>> 24)) & (TEXT_MEMO_SLOTS - 1);
    if (this.ipv4Values[slot] === v) return this.ipv4Texts[slot]!;
    const text = formatIpv4Number(v);
    this.ipv4Values[slot] = v;
    this.ipv4Texts[slot] = text;
    return text;
  }

  /** formatIpv6Bytes of the 16 bytes at b[at], from the memo when the same bytes were formatted lately. */
  ipv6(b: Uint8Array, at: number): string {
    const slot = (b[at + 15]! ^ b[at + 14]! ^ b[at + 7]!) & (TEXT_MEMO_SLOTS - 1);
    const base = slot * 16;
    const memo = this.ipv6Bytes;
    const cached = this.ipv6Texts[slot];
    if (cached !== undefined) {
      let same = true;
      for (let i = 0; i < 16 && same; i++) same = memo[base + i] === b[at + i];
      if (same) return cached;
    }
    const text = formatIpv6Bytes(b, at);
    for (let i = 0; i < 16; i++) memo[base + i] = b[at + i]!;
    this.ipv6Texts[slot] = text;
    return text;
  }
}

/** The IPv4 address at the reader, as text: from `texts` (the session's memo) when there is one. */
export function readIpv4(r: Reader, texts: AddressTexts | undefined): string {
  r.need(4);
  const v = u32At(r.bytes, r.pos);
  const s = texts === undefined ? formatIpv4Number(v) : texts.ipv4(v);
  r.pos += 4;
  return s;
}

export function readIpv6(r: Reader): string {
  r.need(16);
  const s = formatIpv6Bytes(r.bytes, r.pos);
  r.pos += 16;
  return s;
}
