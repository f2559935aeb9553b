/**
 * Reading DNS messages into plain records with raw rdata and their byte offsets (TSIG needs
 * the offsets to strip its own record before verifying). Every read is bounds-checked and
 * fails with a DnsFormatError naming the offset.
 */
import { DnsFormatError } from './errors.js';
import { readName } from './names.js';

export interface WireHeader {
  id: number;
  /** The 16-bit flags word: QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE. */
  flags: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export interface WireQuestion {
  name: string;
  type: number;
  class: number;
}

export interface WireRecord {
  name: string;
  type: number;
  class: number;
  /** For OPT this is the extended-RCODE/version/flags word (RFC 6891 §6.1.3). */
  ttl: number;
  rdata: Buffer;
  /** Offsets of the record within the message. */
  start: number;
  end: number;
  /** Offset of the rdata within the message (names inside it may point back into the message). */
  rdataStart: number;
}

export interface WireMessage {
  header: WireHeader;
  questions: WireQuestion[];
  answers: WireRecord[];
  authorities: WireRecord[];
  additionals: WireRecord[];
  /** End of the question section (where a response's answer section starts). */
  questionEnd: number;
  raw: Buffer;
}

export const HEADER_SIZE = 12;

export function opcodeOf(flags: number): number {
  return (flags >> 11) & 0xf;
}

export function rcodeOf(flags: number): number {
  return flags & 0xf;
}

/** The header, or undefined when fewer than 12 bytes arrived. */
export function readHeader(buf: Uint8Array): WireHeader | undefined {
  if (buf.length < HEADER_SIZE) return undefined;
  return { id: u16(buf, 0), flags: u16(buf, 2), qdcount: u16(buf, 4), ancount: u16(buf, 6), nscount: u16(buf, 8), arcount: u16(buf, 10) };
}

function u16(buf: Uint8Array, o: number): number {
  return ((buf[o] ?? 0) << 8) | (buf[o + 1] ?? 0);
}

export function decodeMessage(input: Uint8Array): WireMessage {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const header = readHeader(buf);
  if (!header) throw new DnsFormatError('message shorter than the 12-byte header', 0);
  let pos = HEADER_SIZE;
  const questions: WireQuestion[] = [];
  for (let i = 0; i < header.qdcount; i++) {
    const n = readName(buf, pos);
    if (n.end + 4 > buf.length) throw new DnsFormatError('question runs past the end of the message', n.end);
    questions.push({ name: n.name, type: buf.readUInt16BE(n.end), class: buf.readUInt16BE(n.end + 2) });
    pos = n.end + 4;
  }
  const questionEnd = pos;
  const cursor = { pos };
  const answers = readSection(buf, cursor, header.ancount);
  const authorities = readSection(buf, cursor, header.nscount);
  const additionals = readSection(buf, cursor, header.arcount);
  pos = cursor.pos;
  if (pos !== buf.length) throw new DnsFormatError(`${buf.length - pos} bytes after the last record`, pos);
  return { header, questions, answers, authorities, additionals, questionEnd, raw: buf };
}

function readSection(buf: Buffer, cursor: { pos: number }, count: number): WireRecord[] {
  const out: WireRecord[] = [];
  let pos = cursor.pos;
  for (let i = 0; i < count; i++) {
    const start = pos;
    const n = readName(buf, pos);
    if (n.end + 10 > buf.length) throw new DnsFormatError('record header runs past the end of the message', n.end);
    const rdlength = buf.readUInt16BE(n.end + 8);
    const rdataStart = n.end + 10;
    if (rdataStart + rdlength > buf.length) throw new DnsFormatError('rdata runs past the end of the message', rdataStart);
    out.push({
      name: n.name,
      type: buf.readUInt16BE(n.end),
      class: buf.readUInt16BE(n.end + 2),
      ttl: buf.readUInt32BE(n.end + 4),
      rdata: buf.subarray(rdataStart, rdataStart + rdlength),
      start,
      end: rdataStart + rdlength,
      rdataStart,
    });
    pos = rdataStart + rdlength;
  }
  cursor.pos = pos;
  return out;
}
