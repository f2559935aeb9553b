/** cpio, tar and GPT writers checked by the host's own tools (cpio, tar, partx) reading what we wrote. */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCpio } from '../../src/image/cpio.js';
import { FileTree } from '../../src/image/file-tree.js';
import { guidBytes, layoutGpt } from '../../src/image/gpt.js';
import { encodeTar } from '../../src/image/tar.js';
import { readGptPartitions } from '../../src/image/update.js';
import { needTools } from '../support/need-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'flatlab-archives-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
const treeArb = fc.array(fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 2000 }), fc.boolean()), { maxLength: 12 }).map((files) => {
  const t = new FileTree();
  for (const [parts, content, exec] of files) {
    const path = parts.join('/');
    try {
      t.file(path, content, exec ? 0o755 : 0o644);
    } catch {
      // A random path may collide with a directory made for another; the tree refuses it.
    }
  }
  t.symlink('link-to-nowhere', 'some/target');
  return t;
});

function checkExtracted(t: FileTree, root: string): void {
  for (const [path, e] of t.list()) {
    const p = join(root, path);
    if (e.type === 'file') {
      expect(Buffer.compare(readFileSync(p), Buffer.from(e.content))).toBe(0);
      expect(lstatSync(p).mode & 0o777).toBe(e.mode);
    } else if (e.type === 'symlink') expect(readlinkSync(p)).toBe(e.target);
    else if (e.type === 'dir') expect(lstatSync(p).isDirectory()).toBe(true);
  }
}

describe.skipIf(needTools(['cpio', 'tar', 'partx']))('archives and partition tables read back by host tools', () => {
  let n = 0;
  test.prop([treeArb], { numRuns: 15 })('cpio -i extracts the newc archive to the same tree', (t) => {
    const out = join(dir, `cpio${n++}`);
    execFileSync('mkdir', ['-p', out]);
    execFileSync('cpio', ['-id', '--quiet', '--no-absolute-filenames'], { cwd: out, input: encodeCpio(t) });
    checkExtracted(t, out);
  });

  test.prop([treeArb], { numRuns: 15 })('tar -x extracts the ustar archive to the same tree', (t) => {
    const out = join(dir, `tar${n++}`);
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-x', '-C', out], { input: encodeTar(t) });
    checkExtracted(t, out);
  });

  it('partx reads the GPT we lay out, names and all, and so does our own reader', () => {
    const disk = layoutGpt([{ name: 'boot', sizeBytes: 1 << 20 }, { name: 'root-A', sizeBytes: 3 << 20 }, { name: 'data', sizeBytes: 5000 }], 'test');
    const file = join(dir, 'disk.img');
    const buf = Buffer.alloc(disk.totalBytes);
    disk.primary.copy(buf, 0);
    disk.backup.copy(buf, disk.backupOffset);
    writeFileSync(file, buf);
    const rows = execFileSync('partx', ['--show', '--bytes', '--noheadings', '--output', 'NR,START,END,NAME', file], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual(disk.partitions.map((p) => [String(p.number), String(p.firstLba), String(p.lastLba), p.name]));
    expect(disk.partitions.map((p) => p.firstLba % 2048)).toEqual([0, 0, 0]);
    expect(readGptPartitions(buf.subarray(0, 34 * 512), file)).toEqual(disk.partitions.map((p) => ({ name: p.name, offset: p.offset, size: p.size })));
  });
});

describe('GPT details', () => {
  it('stores GUIDs mixed-endian (UEFI: first three fields little-endian)', () => {
    expect(guidBytes('0FC63DAF-8483-4772-8E79-3D69D8477DE4').toString('hex')).toBe('af3dc60f83847247' + '8e793d69d8477de4');
  });
  it('rejects sizes and names it cannot store', () => {
    expect(() => layoutGpt([{ name: 'x', sizeBytes: 0 }], 't')).toThrow(/size 0/);
    expect(() => layoutGpt([{ name: 'n'.repeat(40), sizeBytes: 1 }], 't')).toThrow(/longer than 36/);
  });
});
