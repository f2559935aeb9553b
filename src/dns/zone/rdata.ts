/**
 * Record data in master-file text ↔ dns-packet's rdata shapes, one entry per type.
 *
 * Text forms follow RFC 1035 §3.3/§5 (and RFC 3596 AAAA, RFC 2782 SRV). Any type may also
 * be written in RFC 3597 generic form (`TYPEnnn \# len hex`, or `TXT \# …`); generic
 * rdata of a type we model is decoded to its usual shape, of other types kept as dns-packet
 * decodes it (raw bytes when dns-packet has no codec).
 *
 * BIND knows AAAA and SRV only in class IN and A only in IN and HS (CHAOS A is a different
 * record); in other classes their text form is rejected as BIND does and the printer
 * falls back to the generic form.
 */
import { createRequire } from 'node:module';
import packet from 'dns-packet';
import { Address6 } from 'ip-address';
import type { RecordClass } from './types.js';
import { NameSyntaxError, parseNameText, printName, readEscape } from './names.js';
import type { Token } from './lexer.js';

export interface RdataContext {
  origin: string;
  class: RecordClass;
}

/** Error in one field; the parser turns it into a diagnostic at the token's position. */
// dns-packet's type-name table and per-type codecs are public in the package but absent from its typings.
const requireCjs = createRequire(import.meta.url);
const packetTypes = requireCjs('dns-packet/types.js') as { toType(name: string): number; toString(n: number): string };
interface RdataWireCodec {
  encode(data: unknown): Buffer;
  decode: ((buf: Buffer, offset: number) => unknown) & { bytes: number };
}
const wireCodec = (type: string): RdataWireCodec => (packet as unknown as { record(t: string): RdataWireCodec }).record(type);

export class FieldError extends Error {
  constructor(readonly code: string, message: string, readonly token: Token | undefined, readonly hint?: string) {
    super(message);
  }
}

export class TokenReader {
  private i = 0;
  constructor(private readonly tokens: readonly Token[], private readonly end: Token | undefined, private readonly what: string) {}

  next(field: string): Token {
    const t = this.tokens[this.i];
    if (!t) throw new FieldError('zone.missing-field', `${this.what}: missing ${field}`, this.end, `a ${this.what} record needs ${field}`);
    this.i++;
    return t;
  }
  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  done(): void {
    const extra = this.tokens[this.i];
    if (extra) throw new FieldError('zone.extra-field', `${this.what}: unexpected "${extra.text}" after the record data`, extra, 'remove it, or quote it if it belongs to a string');
  }
  rest(): Token[] {
    const r = this.tokens.slice(this.i);
    this.i = this.tokens.length;
    return r;
  }
}

interface RdataCodec {
  /** Classes whose text form BIND accepts for this type; undefined = any. */
  classes?: readonly RecordClass[];
  parse(r: TokenReader, ctx: RdataContext): unknown;
  print(data: unknown, ctx: RdataContext): string;
}

export function readName(t: Token, ctx: RdataContext): string {
  if (t.quoted) throw new FieldError('zone.bad-name', `"${t.text}" is quoted; a domain name is not`, t, 'remove the quotes');
  try {
    return parseNameText(t.text, ctx.origin);
  } catch (err) {
    if (err instanceof NameSyntaxError) throw new FieldError(err.code, err.message, t, err.hint);
    throw err;
  }
}

export function readNumber(t: Token, field: string, max: number): number {
  if (!/^[0-9]+$/.test(t.text) || t.quoted) throw new FieldError('zone.bad-number', `${field} "${t.text}" is not a number`, t, `write ${field} as a decimal number 0-${max}`);
  const n = Number(t.text);
  if (n > max) throw new FieldError('zone.out-of-range', `${field} ${t.text} is out of range`, t, `${field} is 0-${max}`);
  return n;
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** BIND's TTL syntax: seconds, or units `1w2d3h4m5s` (case-insensitive). Undefined when not a TTL. */
export function parseTtlText(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n <= 0xffffffff ? n : undefined;
  }
  if (!/^([0-9]+[smhdwSMHDW])+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)([smhdwSMHDW])/g)) total += Number(m[1]) * TTL_UNITS[m[2]!.toLowerCase()]!;
  return total <= 0xffffffff ? total : undefined;
}

function readTime(t: Token, field: string): number {
  const n = t.quoted ? undefined : parseTtlText(t.text);
  if (n === undefined) throw new FieldError('zone.bad-number', `${field} "${t.text}" is not a number of seconds`, t, 'write seconds, or units like 1h30m (0-4294967295)');
  return n;
}

/** A character-string (RFC 1035 §3.3) from a token: escapes resolved, UTF-8 text as its bytes. */
export function readCharacterString(t: Token): Buffer {
  const bytes: number[] = [];
  const text = t.text;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      let e: { char: string; length: number };
      try {
        e = readEscape(text, i, 'string');
      } catch (err) {
        if (err instanceof NameSyntaxError) throw new FieldError(err.code, err.message, t, err.hint);
        throw err;
      }
      if (e.length === 4) bytes.push(e.char.charCodeAt(0));
      else bytes.push(...Buffer.from(e.char, 'utf8'));
      i += e.length - 1;
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp < 128) bytes.push(cp);
    else {
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length - 1;
    }
  }
  if (bytes.length > 255) throw new FieldError('zone.string-too-long', `character-string is ${bytes.length} bytes; the limit is 255`, t, 'split it into several quoted strings of at most 255 bytes each (RFC 1035 §3.3)');
  return Buffer.from(bytes);
}

/** Printable ASCII stays, `"` and `\` are escaped, every other byte is `\DDD`. */
export function printCharacterString(b: Uint8Array): string {
  let out = '"';
  for (const byte of b) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** A string field that dns-packet writes as UTF-8 text (HINFO): bytes must be valid UTF-8. */
function readTextString(t: Token): string {
  const b = readCharacterString(t);
  const s = b.toString('utf8');
  if (!Buffer.from(s, 'utf8').equals(b)) throw new FieldError('zone.unsupported-string', `"${t.text}" is not valid UTF-8`, t, 'HINFO strings are kept as text; use UTF-8 or ASCII');
  return s;
}

const DOTTED_QUAD = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

export function normaliseIpv6(text: string): string | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !Address6.isValid(text)) return undefined;
  return new Address6(text).correctForm();
}

const soaFields = ['serial', 'refresh', 'retry', 'expire', 'minimum'] as const;

export const rdataCodecs: Record<string, RdataCodec> = {
  A: {
    classes: ['IN', 'HS'],
    parse(r) {
      const t = r.next('an IPv4 address');
      // BIND's inet_pton: exactly four decimal parts, no leading zeros.
      if (t.quoted || !DOTTED_QUAD.test(t.text)) throw new FieldError('zone.bad-ipv4', `"${t.text}" is not an IPv4 address`, t, 'write four decimal numbers 0-255 without leading zeros, e.g. 192.0.2.1');
      r.done();
      return t.text;
    },
    print: (d) => d as string,
  },
  AAAA: {
    classes: ['IN'],
    parse(r) {
      const t = r.next('an IPv6 address');
      const a = t.quoted ? undefined : normaliseIpv6(t.text);
      if (a === undefined) throw new FieldError('zone.bad-ipv6', `"${t.text}" is not an IPv6 address`, t, 'write an RFC 4291 address, e.g. 2001:db8::1');
      r.done();
      return a;
    },
    print: (d) => d as string,
  },
  NS: nameCodec('a name server name'),
  CNAME: nameCodec('a canonical name'),
  PTR: nameCodec('a domain name'),
  SOA: {
    parse(r, ctx) {
      const mname = readName(r.next('the primary server name (MNAME)'), ctx);
      const rname = readName(r.next('the responsible mailbox (RNAME)'), ctx);
      const serial = readNumber(r.next('a serial'), 'serial', 0xffffffff);
      const times = soaFields.slice(1).map((f) => readTime(r.next(`a ${f} time`), f));
      r.done();
      return { mname, rname, serial, refresh: times[0]!, retry: times[1]!, expire: times[2]!, minimum: times[3]! };
    },
    print(d, ctx) {
      const s = d as { mname: string; rname: string } & Record<(typeof soaFields)[number], number>;
      return `${printName(s.mname, ctx.origin)} ${printName(s.rname, ctx.origin)} ${soaFields.map((f) => s[f]).join(' ')}`;
    },
  },
  MX: {
    parse(r, ctx) {
      const preference = readNumber(r.next('a preference'), 'preference', 65535);
      const exchange = readName(r.next('a mail exchanger name'), ctx);
      r.done();
      return { preference, exchange };
    },
    print(d, ctx) {
      const m = d as { preference: number; exchange: string };
      return `${m.preference} ${printName(m.exchange, ctx.origin)}`;
    },
  },
  TXT: {
    parse(r) {
      const strings = [readCharacterString(r.next('at least one character-string'))];
      for (const t of r.rest()) strings.push(readCharacterString(t));
      return strings;
    },
    print: (d) => (d as Buffer[]).map(printCharacterString).join(' '),
  },
  SRV: {
    classes: ['IN'],
    parse(r, ctx) {
      const priority = readNumber(r.next('a priority'), 'priority', 65535);
      const weight = readNumber(r.next('a weight'), 'weight', 65535);
      const port = readNumber(r.next('a port'), 'port', 65535);
      const target = readName(r.next('a target name'), ctx);
      r.done();
      return { priority, weight, port, target };
    },
    print(d, ctx) {
      const s = d as { priority: number; weight: number; port: number; target: string };
      return `${s.priority} ${s.weight} ${s.port} ${printName(s.target, ctx.origin)}`;
    },
  },
  HINFO: {
    parse(r) {
      const cpu = readTextString(r.next('a CPU string'));
      const os = readTextString(r.next('an OS string'));
      r.done();
      return { cpu, os };
    },
    print(d) {
      const h = d as { cpu: string; os: string };
      return `${printCharacterString(Buffer.from(h.cpu, 'utf8'))} ${printCharacterString(Buffer.from(h.os, 'utf8'))}`;
    },
  },
};

function nameCodec(what: string): RdataCodec {
  return {
    parse(r, ctx) {
      const n = readName(r.next(what), ctx);
      r.done();
      return n;
    },
    print: (d, ctx) => printName(d as string, ctx.origin),
  };
}

/** The record type's number, from a mnemonic, `TYPEnnn` or dns-packet's `UNKNOWN_nnn`. */
export function typeNumber(type: string): number | undefined {
  const m = /^(?:TYPE|UNKNOWN_)([0-9]+)$/i.exec(type);
  if (m) {
    const n = Number(m[1]);
    return n <= 65535 ? n : undefined;
  }
  const n = packetTypes.toType(type);
  return n > 0 ? n : undefined;
}

/** dns-packet's name for a type number (`UNKNOWN_nnn` when it has none). */
export function typeName(n: number): string {
  return packetTypes.toString(n);
}

/** Parse `\# len hex…` (RFC 3597 §5) into rdata bytes. */
export function parseGenericRdata(r: TokenReader): Buffer {
  const lenToken = r.next('the rdata length');
  const length = readNumber(lenToken, 'rdata length', 65535);
  const hex = r.rest().map((t) => t.text).join('');
  if (!/^[0-9A-Fa-f]*$/.test(hex) || hex.length % 2 !== 0) throw new FieldError('zone.bad-generic-rdata', `generic rdata is not an even number of hex digits`, lenToken, 'write the rdata as hex digits after the length (RFC 3597 §5)');
  if (hex.length / 2 !== length) throw new FieldError('zone.bad-generic-rdata', `generic rdata has ${hex.length / 2} bytes but the length says ${length}`, lenToken, 'make the length match the hex data');
  return Buffer.from(hex, 'hex');
}

/**
 * RR types in IANA's registry (as of 2024). BIND checks generic rdata of the types it knows
 * against their wire format (`LOC \# 0` is refused), and we cannot check the ones we do
 * not model, so generic rdata is accepted as raw bytes only for unassigned and private-use
 * types, which no one can check.
 */
function isAssignedType(n: number): boolean {
  return (n >= 1 && n <= 69) || (n >= 99 && n <= 109) || (n >= 249 && n <= 260) || n === 32768 || n === 32769 || n === 65535;
}

/**
 * Generic rdata of `type` → the model's data. Types we model are decoded with dns-packet and
 * must use exactly the whole rdata; unassigned types keep the bytes under dns-packet's name
 * (`UNKNOWN_nnn`); other assigned types are refused (FieldError without a token).
 */
export function decodeGenericRdata(typeNum: number, rdata: Buffer): { type: string; data: unknown } {
  const name = typeName(typeNum);
  if (name in rdataCodecs) {
    const codec = wireCodec(name);
    const framed = Buffer.alloc(rdata.length + 2);
    framed.writeUInt16BE(rdata.length, 0);
    rdata.copy(framed, 2);
    const data = codec.decode(framed, 0);
    if (codec.decode.bytes !== framed.length) throw new Error(`${name} rdata is ${rdata.length} bytes but its fields use ${codec.decode.bytes - 2}`);
    // dns-packet decodes TXT as Buffer[], A/AAAA/names as strings: already the model's shape.
    return { type: name, data: name === 'AAAA' ? (normaliseIpv6(data as string) ?? data) : data };
  }
  if (isAssignedType(typeNum)) {
    throw new FieldError('zone.unsupported-type', `record type ${name === `UNKNOWN_${typeNum}` ? `TYPE${typeNum}` : name} (${typeNum}) is not supported, not even in generic form`, undefined, `flatlab cannot check its data as BIND does; supported: ${Object.keys(rdataCodecs).join(', ')}, and unassigned or private types (65280-65534) in generic form`);
  }
  return { type: name, data: Buffer.from(rdata) };
}

/** The model's data → rdata bytes, via dns-packet (for generic-form printing). */
export function encodeRdata(type: string, data: unknown): Buffer {
  const framed = wireCodec(type).encode(data);
  return Buffer.from(framed.subarray(2));
}
