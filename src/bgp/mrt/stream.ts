// MRT records from a byte stream, one at a time: a dump of a full table is hundreds of MB, so
// only the record being read (plus one chunk) is held in memory.
import { mrtRecordAt, truncationError, type MrtRecord } from './record.js';

/** Records in order; offsets count from the start of the stream. Ends with MrtDecodeError if the stream stops inside a record. */
export async function* streamMrtRecords(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<MrtRecord> {
  let buffer: Uint8Array = new Uint8Array(0);
  let base = 0; // stream offset of buffer[0]
  for await (const chunk of chunks) {
    buffer = buffer.length === 0 ? chunk : concat(buffer, chunk);
    let offset = 0;
    for (;;) {
      const at = mrtRecordAt(buffer, offset, base);
      if (at === undefined) break;
      yield at.record;
      offset = at.next;
    }
    // The records yielded above are views into `buffer`; copying the remainder keeps them valid.
    buffer = buffer.slice(offset);
    base += offset;
  }
  if (buffer.length > 0) throw truncationError(buffer, 0, base);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
