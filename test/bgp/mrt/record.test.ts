import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { encodeMrtRecord, MrtDecodeError, readMrtRecords } from '../../../src/bgp/mrt/record.js';

const arbRecord = fc.record({
  timestamp: fc.nat({ max: 0xffffffff }),
  type: fc.constantFrom(12, 13, 16, 17),
  subtype: fc.nat({ max: 0xffff }),
  message: fc.uint8Array({ maxLength: 64 }),
}).map((r) => ({ ...r, microseconds: r.type === 17 ? 123456 : undefined }));

describe('MRT common header', () => {
  test.prop([fc.array(arbRecord, { maxLength: 5 })])('round-trips records', (records) => {
    const parts = records.map(encodeMrtRecord);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    const back = [...readMrtRecords(bytes)].map(({ offset: _o, ...r }) => ({ ...r, message: [...r.message] }));
    expect(back).toEqual(records.map((r) => ({ ...r, message: [...r.message] })));
  });

  test.prop([fc.uint8Array({ maxLength: 200 })])('random bytes give records or MrtDecodeError only', (bytes) => {
    try { [...readMrtRecords(bytes)]; } catch (e) { expect(e).toBeInstanceOf(MrtDecodeError); }
  });

  test('truncated header reports its offset', () => {
    const one = encodeMrtRecord({ timestamp: 1, type: 13, subtype: 2, microseconds: undefined, message: new Uint8Array([1, 2]) });
    const bytes = new Uint8Array([...one, 0, 0, 0]);
    expect(() => [...readMrtRecords(bytes)]).toThrow(/at byte offset 14/);
  });
});
