/** Hex helpers for vectors: readable input (spaces, comments after #) and a diff that points at the first mismatch. */
import { expect } from 'vitest';

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/#[^\n]*/g, '').replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex in vector: ${text}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Byte-exact comparison; on mismatch, fails with both hex dumps and the first differing offset. */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  const a = toHex(actual);
  const e = toHex(expected);
  if (a === e) return;
  let i = 0;
  while (i < Math.min(actual.length, expected.length) && actual[i] === expected[i]) i++;
  const dump = (h: string): string => (h.match(/.{1,32}/g) ?? []).map((l, n) => `${(n * 16).toString().padStart(5)}  ${l.replace(/(..)/g, '$1 ')}`).join('\n');
  expect.fail(`${what} differ at byte ${i} (actual ${actual.length} bytes, expected ${expected.length})\nactual:\n${dump(a)}\nexpected:\n${dump(e)}`);
}
