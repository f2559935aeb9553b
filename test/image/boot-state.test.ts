import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BOOT_STATE_AREA_BYTES, BOOT_STATE_COPY_BYTES, BootStateError, decodeBootStateCopy, encodeBootStateCopy, initialBootState, readBootState, writeBootState,
} from '../../src/image/boot-state.js';
import { bootStateArb } from './arbitraries.js';

const hash = 'ab'.repeat(32);

describe('boot-state record', () => {
  it('has the documented text layout', () => {
    const verity = 'cd'.repeat(32);
    const text = Buffer.from(encodeBootStateCopy(initialBootState('1.0.0', hash, 4096, verity))).toString('latin1').replace(/\0+$/, '');
    const lines = text.split('\n');
    expect(lines.slice(0, 14)).toEqual([
      'FLATRACOON-BOOTSTATE 2', 'seq=0', 'active=A', 'tries=0',
      'A.version=1.0.0', 'A.good=1', `A.hash=${hash}`, 'A.size=4096', `A.verity=${verity}`,
      'B.version=none', 'B.good=0', 'B.hash=-', 'B.size=0', 'B.verity=-',
    ]);
    expect(lines[14]).toMatch(/^sum=[0-9a-f]{64}$/);
    expect(lines[15]).toBe('');
  });

  test.prop([bootStateArb])('one copy decodes to what was encoded', (s) => {
    const bytes = encodeBootStateCopy(s);
    expect(bytes.length).toBe(BOOT_STATE_COPY_BYTES);
    expect(decodeBootStateCopy(bytes)).toEqual(s);
  });

  test.prop([bootStateArb, fc.nat(), fc.integer({ min: 1, max: 255 })])('any changed byte of the text makes the copy invalid or a different valid record', (s, at, delta) => {
    const bytes = encodeBootStateCopy(s);
    const textLength = bytes.indexOf(0);
    const i = at % textLength;
    const changed = bytes.slice();
    changed[i] = (changed[i]! + delta) & 0xff;
    const decoded = decodeBootStateCopy(changed);
    // Only a byte turned into NUL padding can still decode, and then never to the same record.
    if (!('invalid' in decoded)) expect(decoded).not.toEqual(s);
  });

  test.prop([bootStateArb, bootStateArb])('a reader takes the newer of two valid copies, and a torn newer copy leaves the older', (s1, s2) => {
    let area: Uint8Array = new Uint8Array(BOOT_STATE_AREA_BYTES);
    const first = writeBootState(area, s1);
    area = first.area;
    const second = writeBootState(area, { ...s2, seq: first.state.seq });
    expect(readBootState(second.area)).toEqual(second.state);
    const torn = second.area.slice();
    const at = (second.state.seq % 2) * BOOT_STATE_COPY_BYTES;
    torn.fill(0xff, at + 40, at + 60);
    expect(readBootState(torn)).toEqual(first.state);
  });

  it('reports an area with no valid copy as a typed error naming both copies', () => {
    expect(() => readBootState(new Uint8Array(BOOT_STATE_AREA_BYTES))).toThrow(BootStateError);
    expect(() => readBootState(new Uint8Array(BOOT_STATE_AREA_BYTES))).toThrow(/copy 0: no boot-state magic; copy 1: no boot-state magic/);
    expect(() => readBootState(new Uint8Array(10))).toThrow(/10 bytes, expected 2048/);
  });

  it('refuses to encode values the shell could not read back', () => {
    const s = initialBootState('1.0.0', hash, 1);
    expect(() => encodeBootStateCopy({ ...s, slots: { ...s.slots, A: { ...s.slots.A, version: 'has space' } } })).toThrow(/version "has space"/);
    expect(() => encodeBootStateCopy({ ...s, tries: -1 })).toThrow(/tries -1/);
    expect(() => encodeBootStateCopy({ ...s, slots: { ...s.slots, B: { ...s.slots.B, hash: 'XYZ' } } })).toThrow(/slot B hash/);
    expect(() => encodeBootStateCopy({ ...s, slots: { ...s.slots, A: { ...s.slots.A, verity: 'ab' } } })).toThrow(/slot A verity root hash/);
  });
});
