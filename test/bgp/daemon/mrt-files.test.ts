import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLog, writeFileAtomically } from '../../../src/bgp/daemon/mrt-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mrt-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('writeFileAtomically', () => {
  it('replaces the target only when complete; a failure midway leaves it and no temporary file', async () => {
    const target = join(dir, 'sub', 'rib.mrt');
    expect(await writeFileAtomically(target, [bytes(1, 2), bytes(3)])).toEqual({ bytes: 3 });
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    function* broken(): Generator<Uint8Array> {
      yield bytes(9, 9, 9);
      throw new Error('encoder failed');
    }
    await expect(writeFileAtomically(target, broken())).rejects.toThrow('encoder failed');
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['rib.mrt']);
  });

  it('a .gz target is gzip-compressed; bytes counts what went in', async () => {
    const target = join(dir, 'rib.mrt.gz');
    expect(await writeFileAtomically(target, [new Uint8Array(1000)])).toEqual({ bytes: 1000 });
    expect(gunzipSync(readFileSync(target))).toHaveLength(1000);
  });
});

describe('RotatingLog', () => {
  it('one file per period, appended; a failed file drops records until the next period', async () => {
    const failures: string[] = [];
    writeFileSync(join(dir, 'blocked'), 'x');
    const log = new RotatingLog((p) => (p === 2 ? join(dir, 'blocked', 'p2') : join(dir, `p${p}`)), { failed: (path) => failures.push(path) });
    expect(log.write(1, bytes(1))).toBe(true);
    expect(log.write(1, bytes(2))).toBe(true);
    log.closeBefore(1); // still period 1: stays open
    expect(log.write(2, bytes(3))).toBe(true); // the open fails asynchronously
    for (let i = 0; i < 200 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(log.write(2, bytes(4))).toBe(false);
    expect(log.write(3, bytes(5))).toBe(true);
    log.close();
    await log.flushed();
    expect([...readFileSync(join(dir, 'p1'))]).toEqual([1, 2]);
    expect([...readFileSync(join(dir, 'p3'))]).toEqual([5]);
    expect(failures).toEqual([join(dir, 'blocked', 'p2')]);
  });
});
