import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareTree, isSame, realFs, TreeWriteError, writeTree, type TreeFile, type TreeFs } from '../../src/files/write-tree.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'flatlab-tree-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const tree: TreeFile[] = [
  { path: 'clab.yml', content: 'name: x\n', mode: 0o644 },
  { path: 'configs/r1/bird.conf', content: 'router id 1.1.1.1;\n', mode: 0o644 },
  { path: 'qemu/vm1.sh', content: '#!/bin/sh\n', mode: 0o755 },
];

describe('writeTree', () => {
  it('writes every file with its mode, creating parents', async () => {
    const dir = join(root, 'labs', 'x');
    await writeTree(dir, tree);
    expect(await readFile(join(dir, 'configs/r1/bird.conf'), 'utf8')).toBe('router id 1.1.1.1;\n');
    expect((await stat(join(dir, 'qemu/vm1.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(dir, 'clab.yml'))).mode & 0o777).toBe(0o644);
    expect(isSame(await compareTree(dir, tree))).toBe(true);
  });

  it('removes stale files from an earlier generation and leaves no temporary directories', async () => {
    const dir = join(root, 'x');
    await writeTree(dir, [...tree, { path: 'configs/old/frr.conf', content: 'old\n', mode: 0o644 }]);
    await writeTree(dir, tree);
    expect(await readdir(join(dir, 'configs'))).toEqual(['r1']);
    expect(await readdir(root)).toEqual(['x']);
  });

  it('on a failed write leaves the old tree untouched and nothing half-written', async () => {
    const dir = join(root, 'x');
    await writeTree(dir, tree);
    let writes = 0;
    const failing: TreeFs = {
      ...realFs,
      writeFile: async (p, c, o) => {
        if (++writes === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return realFs.writeFile(p, c, o);
      },
    };
    const next = tree.map((f) => ({ ...f, content: `${f.content}changed\n` }));
    await expect(writeTree(dir, next, failing)).rejects.toThrow(TreeWriteError);
    expect(isSame(await compareTree(dir, tree))).toBe(true);
    expect(await readdir(root)).toEqual(['x']);
  });

  it('writes nothing at all when the very first generation fails', async () => {
    const failing: TreeFs = { ...realFs, writeFile: async () => Promise.reject(new Error('EACCES')) };
    await expect(writeTree(join(root, 'x'), tree, failing)).rejects.toThrow(/could not write/);
    expect(await readdir(root)).toEqual([]);
  });

  it('reports a parent directory it cannot write as a write error, not a crash', async () => {
    for (const failing of [
      { ...realFs, mkdtemp: async () => Promise.reject(Object.assign(new Error('EACCES: permission denied, mkdtemp'), { code: 'EACCES' })) },
      { ...realFs, mkdir: async () => Promise.reject(Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' })) },
    ] as TreeFs[]) {
      const err = await writeTree(join(root, 'ro', 'lab'), tree, failing).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TreeWriteError);
      expect(err).toMatchObject({ code: 'files.write', message: expect.stringContaining('could not write'), hint: expect.stringContaining(join(root, 'ro')) });
    }
    expect(await readdir(join(root, 'ro'))).toEqual([]); // no temporary tree left behind
  });

  it('refuses to replace a file with a directory', async () => {
    await writeFile(join(root, 'x'), 'not a dir');
    await expect(writeTree(join(root, 'x'), tree)).rejects.toThrow(/not a directory/);
  });
});

describe('compareTree', () => {
  it('lists changed, missing and extra files', async () => {
    const dir = join(root, 'x');
    await writeTree(dir, tree);
    await writeFile(join(dir, 'clab.yml'), 'name: y\n');
    await rm(join(dir, 'qemu/vm1.sh'));
    await mkdir(join(dir, 'configs/r9'), { recursive: true });
    await writeFile(join(dir, 'configs/r9/extra.conf'), '');
    expect(await compareTree(dir, tree)).toEqual({ changed: ['clab.yml'], missing: ['qemu/vm1.sh'], extra: ['configs/r9/extra.conf'] });
  });

  it('notices a lost executable bit', async () => {
    const dir = join(root, 'x');
    await writeTree(dir, tree);
    await realFs.chmod(join(dir, 'qemu/vm1.sh'), 0o644);
    expect((await compareTree(dir, tree)).changed).toEqual(['qemu/vm1.sh']);
  });

  it('treats a missing directory as every file missing', async () => {
    expect(await compareTree(join(root, 'nope'), tree)).toEqual({ changed: [], missing: ['clab.yml', 'configs/r1/bird.conf', 'qemu/vm1.sh'], extra: [] });
  });
});

describe('entries kept across generations', () => {
  const keep = (name: string) => name.startsWith('clab-');

  it('survive regeneration and are not differences', async () => {
    const dir = join(root, 'x');
    await writeTree(dir, tree);
    await mkdir(join(dir, 'clab-x/r1'), { recursive: true });
    await writeFile(join(dir, 'clab-x/r1/state'), 'running\n');
    expect(isSame(await compareTree(dir, tree, realFs, { keep }))).toBe(true);
    expect((await compareTree(dir, tree)).extra).toEqual(['clab-x/r1/state']);
    await writeTree(dir, tree.slice(1), realFs, { keep });
    expect(await readFile(join(dir, 'clab-x/r1/state'), 'utf8')).toBe('running\n');
    expect((await readdir(dir)).sort()).toEqual(['clab-x', 'configs', 'qemu']);
  });

  it('are put back when the swap fails', async () => {
    const dir = join(root, 'x');
    await writeTree(dir, tree);
    await mkdir(join(dir, 'clab-x'));
    await writeFile(join(dir, 'clab-x/state'), 'running\n');
    let renames = 0;
    const failing: TreeFs = {
      ...realFs,
      rename: async (a, b) => {
        // 1: old tree aside, 2: clab-x carried over, 3: new tree into place → fails.
        if (++renames === 3) throw new Error('EBUSY');
        return realFs.rename(a, b);
      },
    };
    await expect(writeTree(dir, tree.slice(1), failing, { keep })).rejects.toThrow(/could not move the new tree/);
    expect(isSame(await compareTree(dir, tree, realFs, { keep }))).toBe(true);
    expect(await readFile(join(dir, 'clab-x/state'), 'utf8')).toBe('running\n');
    expect(await readdir(root)).toEqual(['x']);
  });
});
