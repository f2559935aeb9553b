/**
 * Writing DNS messages with name compression (RFC 1035 §4.1.4). Owner names are always
 * compressed; names inside rdata only for the RFC 1035 types (NS, CNAME, PTR, SOA, MX),
 * as RFC 3597 §4 requires. Other rdata goes through dns-packet's codec for the type.
 *
 * The writer knows a size limit: `record()` returns false, leaving the message as it was,
 * when the record does not fit, so the caller can set TC (UDP) or start a new message (AXFR).
 */
import packet from 'dns-packet';
import { DnsEncodeError } from './errors.js';
import { TYPE, typeNumber } from './constants.js';
import { nameToLabels } from './names.js';

/** A record to write: `type` is the mnemonic, `data` dns-packet's shape for it. */
export interface OutRecord {
  name: string;
  type: string;
  class: number;
  ttl: number;
  data: unknown;
}

export type Section = 'answer' | 'authority' | 'additional';

interface EncodedName {
  labels: Buffer[];
  /**
   * keys[i]: the suffix from label i, the compression-table key. Case-sensitive, as BIND's
   * compressor is: pointing `Example.ORG` at an earlier `example.org` would rewrite the case
   * of names the zone or the client spelled differently.
   */
  keys: string[];
}

/**
 * Names repeat across responses (zone owners, the SOA, NS targets); encoding them once
 * halves the cost of an uncached answer. Bounded: cleared when it grows past its limit.
 */
const encodedNames = new Map<string, EncodedName>();
const ENCODED_NAMES_LIMIT = 100_000;

function encodeName(name: string): EncodedName {
  let e = encodedNames.get(name);
  if (e) return e;
  const labels = nameToLabels(name);
  const keys: string[] = new Array<string>(labels.length);
  let suffix = '';
  for (let i = labels.length - 1; i >= 0; i--) {
    const l = labels[i] as Buffer;
    suffix = `${l.length}:${l.toString('latin1')}${suffix}`;
    keys[i] = suffix;
  }
  e = { labels, keys };
  if (encodedNames.size >= ENCODED_NAMES_LIMIT) encodedNames.clear();
  encodedNames.set(name, e);
  return e;
}

const COMPRESSIBLE_RDATA = new Set(['NS', 'CNAME', 'PTR', 'MX', 'SOA']);
const POINTER_LIMIT = 0x3fff;

export class MessageWriter {
  private buf: Buffer;
  private pos = 12;
  private readonly names = new Map<string, number>();
  private readonly counts = [0, 0, 0, 0];
  private readonly limit: number;

  constructor(limit = 65535) {
    this.limit = limit;
    this.buf = Buffer.allocUnsafe(Math.min(limit, 1024));
    this.buf.fill(0, 0, 12);
  }

  get length(): number {
    return this.pos;
  }

  setHeader(id: number, flags: number): void {
    this.buf.writeUInt16BE(id & 0xffff, 0);
    this.buf.writeUInt16BE(flags & 0xffff, 2);
  }

  /** Copy a question verbatim (keeps the client's case, RFC 4343 §4.1). */
  rawQuestion(bytes: Uint8Array, name: string): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.rememberName(name, this.pos);
    this.pos += bytes.length;
    this.counts[0] = (this.counts[0] ?? 0) + 1;
  }

  question(name: string, type: number, klass: number): void {
    this.writeName(name, true);
    this.ensure(4);
    this.buf.writeUInt16BE(type, this.pos);
    this.buf.writeUInt16BE(klass, this.pos + 2);
    this.pos += 4;
    this.counts[0] = (this.counts[0] ?? 0) + 1;
  }

  /** Append a record; false (and no change) when it would pass the size limit. */
  record(section: Section, rr: OutRecord): boolean {
    const mark = this.pos;
    const names = this.names.size;
    const added: string[] = [];
    this.trackAdded = added;
    try {
      this.writeName(rr.name, true);
      this.ensure(10);
      this.buf.writeUInt16BE(typeNumber(rr.type), this.pos);
      this.buf.writeUInt16BE(rr.class, this.pos + 2);
      this.buf.writeUInt32BE(rr.ttl >>> 0, this.pos + 4);
      const lengthAt = this.pos + 8;
      this.pos += 10;
      this.writeRdata(rr);
      const rdlength = this.pos - lengthAt - 2;
      if (rdlength > 0xffff) throw new DnsEncodeError(`rdata of ${rr.name} ${rr.type} is ${rdlength} bytes; the limit is 65535`);
      this.buf.writeUInt16BE(rdlength, lengthAt);
    } finally {
      this.trackAdded = undefined;
    }
    if (this.pos > this.limit) {
      this.pos = mark;
      if (this.names.size !== names) for (const k of added) this.names.delete(k);
      return false;
    }
    const i = section === 'answer' ? 1 : section === 'authority' ? 2 : 3;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    return true;
  }

  /** Append pre-encoded bytes as one record (OPT and TSIG), ignoring the limit. */
  rawRecord(section: Section, bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    const i = section === 'answer' ? 1 : section === 'authority' ? 2 : 3;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  counted(section: Section | 'question'): number {
    const i = section === 'question' ? 0 : section === 'answer' ? 1 : section === 'authority' ? 2 : 3;
    return this.counts[i] ?? 0;
  }

  finish(): Buffer {
    for (let i = 0; i < 4; i++) this.buf.writeUInt16BE(this.counts[i] ?? 0, 4 + i * 2);
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private trackAdded: string[] | undefined;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n + 512));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private rememberName(name: string, at: number): void {
    // Index every suffix of a name written at `at` so later names can point into it.
    const { labels, keys } = encodeName(name);
    let off = at;
    for (let i = 0; i < labels.length; i++) {
      const key = keys[i] as string;
      if (off <= POINTER_LIMIT && !this.names.has(key)) {
        this.names.set(key, off);
        this.trackAdded?.push(key);
      }
      off += (labels[i]?.length ?? 0) + 1;
    }
  }

  private writeName(name: string, compress: boolean): void {
    const { labels, keys } = encodeName(name);
    for (let i = 0; i < labels.length; i++) {
      const key = keys[i] as string;
      if (compress) {
        const ptr = this.names.get(key);
        if (ptr !== undefined) {
          this.ensure(2);
          this.buf.writeUInt16BE(0xc000 | ptr, this.pos);
          this.pos += 2;
          return;
        }
      }
      if (this.pos <= POINTER_LIMIT && !this.names.has(key)) {
        this.names.set(key, this.pos);
        this.trackAdded?.push(key);
      }
      const label = labels[i] as Buffer;
      this.ensure(label.length + 1);
      this.buf[this.pos] = label.length;
      label.copy(this.buf, this.pos + 1);
      this.pos += label.length + 1;
    }
    this.ensure(1);
    this.buf[this.pos++] = 0;
  }

  private writeRdata(rr: OutRecord): void {
    const t = rr.type.toUpperCase();
    if (COMPRESSIBLE_RDATA.has(t)) {
      if (t === 'SOA') {
        const d = rr.data as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
        this.writeName(d.mname, true);
        this.writeName(d.rname, true);
        this.ensure(20);
        for (const [i, v] of [d.serial, d.refresh, d.retry, d.expire, d.minimum].entries()) this.buf.writeUInt32BE(v >>> 0, this.pos + i * 4);
        this.pos += 20;
        return;
      }
      if (t === 'MX') {
        const d = rr.data as { preference?: number; exchange: string };
        this.ensure(2);
        this.buf.writeUInt16BE(d.preference ?? 0, this.pos);
        this.pos += 2;
        this.writeName(d.exchange, true);
        return;
      }
      this.writeName(String(rr.data), true);
      return;
    }
    if (t === 'TXT') {
      const strings = (Array.isArray(rr.data) ? rr.data : [rr.data]) as Array<Buffer | string>;
      for (const s of strings) {
        const b = typeof s === 'string' ? Buffer.from(s) : s;
        if (b.length > 255) throw new DnsEncodeError(`a TXT string of ${rr.name} is ${b.length} bytes; the limit is 255`);
        this.ensure(b.length + 1);
        this.buf[this.pos] = b.length;
        b.copy(this.buf, this.pos + 1);
        this.pos += b.length + 1;
      }
      return;
    }
    if (Buffer.isBuffer(rr.data) && (typeNumber(t) === TYPE.TSIG || /^(?:UNKNOWN_|TYPE)\d+$/.test(t) || t === 'NULL' || t === 'LOC')) {
      this.ensure(rr.data.length);
      rr.data.copy(this.buf, this.pos);
      this.pos += rr.data.length;
      return;
    }
    // dns-packet writes its 2-byte rdlength first; we skip it since we wrote our own.
    const lib = packet as unknown as { record(t: string): RdataCodec; unknown: RdataCodec };
    const codec = lib.record(t);
    if (codec === lib.unknown) {
      if (Buffer.isBuffer(rr.data)) {
        this.ensure(rr.data.length);
        rr.data.copy(this.buf, this.pos);
        this.pos += rr.data.length;
        return;
      }
      throw new DnsEncodeError(`cannot encode rdata of type ${rr.type} for ${rr.name}`);
    }
    let encoded: Buffer;
    try {
      const n = codec.encodingLength(rr.data);
      encoded = Buffer.alloc(n);
      codec.encode(rr.data, encoded, 0);
    } catch (err) {
      throw new DnsEncodeError(`cannot encode ${rr.name} ${rr.type}: ${(err as Error).message}`);
    }
    const body = encoded.subarray(2);
    this.ensure(body.length);
    body.copy(this.buf, this.pos);
    this.pos += body.length;
  }
}

interface RdataCodec {
  encode(d: unknown, b: Buffer, o: number): Buffer;
  encodingLength(d: unknown): number;
}

