import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeVeritySuperblock, levelSizes, VerityError, verityHashArea, verityTable } from '../../src/image/verity.js';
import { findTool, needTools } from '../support/need-tools.js';

const uuid = '12345678-1234-4234-9234-123456789abc';

/** Deterministic bytes in which every block differs (each is one digest repeated), with a distinct first block per seed. */
function dataOf(blocks: number, seed: number): Buffer {
  const out = Buffer.alloc(blocks * 4096);
  for (let b = 0; b < blocks; b++) {
    const d = createHash('sha256').update(`${seed}/${b}`).digest();
    for (let i = 0; i < 4096; i += 32) d.copy(out, b * 4096 + i);
  }
  return out;
}

describe('dm-verity hash area', () => {
  it('for one data block, the root hash is sha256(salt ‖ block) and there are no hash levels', () => {
    const data = dataOf(1, 1);
    const salt = Buffer.from('00112233', 'hex');
    const a = verityHashArea(data, { salt, uuid });
    expect(a.rootHash).toBe(createHash('sha256').update(salt).update(data).digest('hex'));
    expect(a.bytes.length).toBe(4096);
    expect(a.hashBlocks).toBe(0);
  });

  it('for two levels, the root hashes the top block, which holds the digests of the bottom blocks', () => {
    const data = dataOf(129, 2);
    const salt = Buffer.alloc(32, 7);
    const a = verityHashArea(data, { salt, uuid });
    // Superblock, top (1 block), bottom level (2 blocks: 128 + 1 digests).
    expect(a.bytes.length).toBe(4 * 4096);
    const top = a.bytes.subarray(4096, 8192);
    const bottom1 = a.bytes.subarray(12288, 16384);
    expect(a.rootHash).toBe(createHash('sha256').update(salt).update(top).digest('hex'));
    expect(top.subarray(32, 64)).toEqual(createHash('sha256').update(salt).update(bottom1).digest());
    expect(top.subarray(64).every((b) => b === 0)).toBe(true);
    expect(bottom1.subarray(0, 32)).toEqual(createHash('sha256').update(salt).update(data.subarray(128 * 4096)).digest());
  });

  it('counts levels as the kernel does', () => {
    expect(levelSizes(1)).toEqual([]);
    expect(levelSizes(2)).toEqual([1]);
    expect(levelSizes(128)).toEqual([1]);
    expect(levelSizes(129)).toEqual([2, 1]);
    expect(levelSizes(16385)).toEqual([129, 2, 1]);
  });

  it('writes a superblock that reads back', () => {
    const a = verityHashArea(dataOf(3, 3), { salt: Buffer.from('abcdef', 'hex'), uuid });
    expect(decodeVeritySuperblock(a.bytes)).toEqual({ hashType: 1, uuid, algorithm: 'sha256', dataBlockSize: 4096, hashBlockSize: 4096, dataBlocks: 3, salt: 'abcdef' });
    expect(decodeVeritySuperblock(Buffer.alloc(4096))).toBeUndefined();
  });

  test.prop([fc.integer({ min: 1, max: 40 }), fc.nat()])('a changed byte anywhere in the data changes the root hash', (blocks, at) => {
    const data = dataOf(blocks, blocks);
    const salt = Buffer.alloc(32, 1);
    const before = verityHashArea(data, { salt, uuid }).rootHash;
    const changed = Buffer.from(data);
    const i = at % changed.length;
    changed[i] = changed[i]! ^ 0x5a;
    expect(verityHashArea(changed, { salt, uuid }).rootHash).not.toBe(before);
  });

  it('refuses data that is not whole 4 KiB blocks, as a typed error', () => {
    expect(() => verityHashArea(Buffer.alloc(5000), { salt: Buffer.alloc(1), uuid })).toThrow(VerityError);
    expect(() => verityHashArea(Buffer.alloc(0), { salt: Buffer.alloc(1), uuid })).toThrow(/not a positive multiple of 4096/);
  });

  it('gives the table line for data and hash area on one device', () => {
    expect(verityTable('/dev/vda2', 300, 'ab'.repeat(32), 'ff')).toBe(`0 2400 verity 1 /dev/vda2 /dev/vda2 4096 4096 300 301 sha256 ${'ab'.repeat(32)} ff`);
  });
});

// veritysetup (Debian cryptsetup-bin) is the reference implementation of the format.
const reason = needTools(['veritysetup']);
describe.skipIf(reason)('dm-verity hash area matches veritysetup format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flatlab-verity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const blocks of [1, 2, 127, 128, 129, 300, 16385]) {
    it(`same bytes and root hash for ${blocks} data block(s)`, () => {
      const data = dataOf(blocks, blocks * 31);
      const salt = createHash('sha256').update(`salt${blocks}`).digest().subarray(0, blocks % 2 ? 32 : 16);
      const dataPath = join(dir, `data${blocks}`);
      const hashPath = join(dir, `hash${blocks}`);
      writeFileSync(dataPath, data);
      const out = execFileSync(findTool('veritysetup')!, ['format', dataPath, hashPath, `--salt=${salt.toString('hex')}`, `--uuid=${uuid}`, '--data-block-size=4096', '--hash-block-size=4096', '--hash=sha256', '--format=1'], { encoding: 'utf8' });
      const ours = verityHashArea(data, { salt, uuid });
      expect(ours.rootHash).toBe(/Root hash:\s+([0-9a-f]{64})/.exec(out)?.[1]);
      expect(`Hash blocks: ${ours.hashBlocks}`).toBe(/Hash blocks:\s+(\d+)/.exec(out)?.[0].replace(/\s+/g, ' '));
      expect(readFileSync(hashPath).equals(ours.bytes)).toBe(true);
      // And veritysetup accepts our area for the data.
      writeFileSync(hashPath, ours.bytes);
      execFileSync(findTool('veritysetup')!, ['verify', dataPath, hashPath, ours.rootHash]);
    }, 60_000);
  }
});
