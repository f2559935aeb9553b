import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { encodeMrtRecord, MrtDecodeError, readMrtRecords } from '../../../src/bgp/mrt/record.js';
import { streamMrtRecords } from '../../../src/bgp/mrt/stream.js';

const arbRecord = fc.record({
  timestamp: fc.nat({ max: 0xffffffff }),
  type: fc.constantFrom(13, 16, 17),
  subtype: fc.nat({ max: 0xffff }),
  message: fc.uint8Array({ maxLength: 64 }),
}).map((r) => ({ ...r, microseconds: r.type === 17 ? 7 : undefined }));

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** `bytes` cut at the given points, as a stream would deliver it. */
async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.slice(from, cut);
    from = cut;
  }
  yield bytes.slice(from);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of streamMrtRecords(chunks)) out.push({ ...r, message: [...r.message] });
  return out;
}

describe('streamMrtRecords', () => {
  test.prop([fc.array(arbRecord, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 })])('any chunking gives the records of the whole buffer, offsets included', async (records, cuts) => {
    const bytes = join(records.map(encodeMrtRecord));
    const whole = [...readMrtRecords(bytes)].map((r) => ({ ...r, message: [...r.message] }));
    expect(await collect(chunked(bytes, cuts))).toEqual(whole);
  });

  test.prop([fc.array(arbRecord, { minLength: 1, maxLength: 4 }), fc.nat(), fc.array(fc.nat(), { maxLength: 4 })])('a stream cut inside a record ends with MrtDecodeError at that record\'s offset', async (records, cutAt, cuts) => {
    const parts = records.map(encodeMrtRecord);
    const bytes = join(parts);
    const end = 1 + (cutAt % (bytes.length - 1 || 1));
    let start = 0;
    for (const p of parts) { if (start + p.length > end) break; start += p.length; }
    if (start === end) return; // cut on a record boundary: a valid shorter file
    await expect(collect(chunked(bytes.slice(0, end), cuts))).rejects.toSatisfy((e: unknown) => e instanceof MrtDecodeError && e.offset === start);
  });
});
