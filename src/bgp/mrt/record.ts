// MRT common header framing (RFC 6396 §2) and the extended-timestamp variant (§3):
// records are split and kept raw here; type-specific decoders build on this.
import { FlatlabError } from '../../config/diagnostics.js';

export const MRT_HEADER_LENGTH = 12;
/** Types whose header carries a 4-octet microsecond field counted in Length (RFC 6396 §3). */
const EXTENDED_TIMESTAMP_TYPES: ReadonlySet<number> = new Set([17 /* BGP4MP_ET */, 19 /* ISIS_ET */, 49 /* OSPFv3_ET */]);

export interface MrtRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly microseconds: number | undefined;
  readonly type: number;
  readonly subtype: number;
  readonly message: Uint8Array;
}

export class MrtDecodeError extends FlatlabError {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super('MRT_DECODE', `${message} at byte offset ${offset}`, { hint: 'the file may be truncated or not MRT (RFC 6396)' });
    this.offset = offset;
  }
}

/**
 * The record starting at `offset` in `bytes`, or undefined when `bytes` ends inside it (more
 * input may follow: the stream reader asks again with more). `base` is added to offsets in
 * records and errors so they count from the start of the file.
 */
export function mrtRecordAt(bytes: Uint8Array, offset: number, base = 0): { record: MrtRecord; next: number } | undefined {
  if (bytes.length - offset < MRT_HEADER_LENGTH) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const timestamp = view.getUint32(offset);
  const type = view.getUint16(offset + 4);
  const subtype = view.getUint16(offset + 6);
  const length = view.getUint32(offset + 8);
  const bodyStart = offset + MRT_HEADER_LENGTH;
  if (bytes.length - bodyStart < length) return undefined;
  let microseconds: number | undefined;
  let messageStart = bodyStart;
  if (EXTENDED_TIMESTAMP_TYPES.has(type)) {
    if (length < 4) throw new MrtDecodeError(`extended-timestamp record length ${length} < 4`, base + offset);
    microseconds = view.getUint32(bodyStart);
    messageStart += 4;
  }
  return { record: { offset: base + offset, timestamp, microseconds, type, subtype, message: bytes.subarray(messageStart, bodyStart + length) }, next: bodyStart + length };
}

/** Why input ended inside the record at `offset` (for the error at end of input). */
export function truncationError(bytes: Uint8Array, offset: number, base = 0): MrtDecodeError {
  const left = bytes.length - offset;
  if (left < MRT_HEADER_LENGTH) return new MrtDecodeError(`truncated MRT header (${left} of ${MRT_HEADER_LENGTH} bytes)`, base + offset);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset + 8);
  return new MrtDecodeError(`MRT record length ${length} runs past end of input (${left - MRT_HEADER_LENGTH} bytes left)`, base + offset);
}

export function* readMrtRecords(bytes: Uint8Array): Generator<MrtRecord> {
  let offset = 0;
  while (offset < bytes.length) {
    const at = mrtRecordAt(bytes, offset);
    if (at === undefined) throw truncationError(bytes, offset);
    yield at.record;
    offset = at.next;
  }
}

export function encodeMrtRecord(record: Omit<MrtRecord, 'offset'>): Uint8Array {
  const extended = EXTENDED_TIMESTAMP_TYPES.has(record.type);
  const length = record.message.length + (extended ? 4 : 0);
  const out = new Uint8Array(MRT_HEADER_LENGTH + length);
  const view = new DataView(out.buffer);
  view.setUint32(0, record.timestamp);
  view.setUint16(4, record.type);
  view.setUint16(6, record.subtype);
  view.setUint32(8, length);
  if (extended) view.setUint32(12, record.microseconds ?? 0);
  out.set(record.message, MRT_HEADER_LENGTH + (extended ? 4 : 0));
  return out;
}
