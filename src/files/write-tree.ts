/**
 * Writing and checking a generated directory tree as a unit.
 *
 * `writeTree` builds the complete tree in a temporary directory next to the target, then swaps
 * it in with renames, so a reader sees the old tree or the new one, never a mixture; on any
 * failure the temporary directory is removed and the old tree is left as it was. Files from an
 * earlier generation that the new tree lacks disappear with the old tree.
 *
 * `compareTree` reports how a directory differs from the tree that would be written (content,
 * executable bit, and the file set), for `generate --check`.
 */
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FlatlabError } from '../config/diagnostics.js';

export interface TreeFile {
  /** Relative path, forward slashes. */
  path: string;
  content: string;
  mode: number;
}

/** The parts of node:fs/promises used here; injectable so tests can make a write fail. */
export interface TreeFs {
  mkdir(path: string, opts: { recursive: true }): Promise<unknown>;
  mkdtemp(prefix: string): Promise<string>;
  writeFile(path: string, content: string, opts: { mode: number }): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { recursive: true; force: true }): Promise<void>;
  readdir(path: string, opts: { withFileTypes: true }): Promise<Array<{ name: string; isDirectory(): boolean; isFile(): boolean }>>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  stat(path: string): Promise<{ mode: number; isDirectory(): boolean }>;
}

export const realFs: TreeFs = nodeFs as unknown as TreeFs;

export class TreeWriteError extends FlatlabError {}

export interface TreeOptions {
  /**
   * Top-level entries of an existing tree that are not generated and must survive a
   * regeneration and be ignored by `compareTree` (containerlab keeps a running lab's state in
   * `clab-<name>/` next to clab.yml).
   */
  keep?: (name: string) => boolean;
}

export async function writeTree(dir: string, files: readonly TreeFile[], fs: TreeFs = realFs, opts: TreeOptions = {}): Promise<void> {
  const parent = dirname(dir);
  const name = basename(dir);
  const existing = await statOrUndefined(fs, dir);
  if (existing && !existing.isDirectory()) {
    throw new TreeWriteError('files.not-a-directory', `${dir} exists and is not a directory`, { hint: 'remove it or choose another output directory with -o' });
  }
  let tmp: string;
  try {
    await fs.mkdir(parent, { recursive: true });
    tmp = await fs.mkdtemp(join(parent, `.${name}.tmp-`));
  } catch (err) {
    // The parent directory cannot be made or written (permissions, a file in the way, a full disk).
    throw new TreeWriteError('files.write', `could not write ${dir}: ${(err as Error).message}`, { hint: `nothing was changed; check that ${parent} can be written, or choose another directory with -o`, cause: err });
  }
  try {
    for (const f of files) {
      const target = join(tmp, ...f.path.split('/'));
      await fs.mkdir(dirname(target), { recursive: true });
      await fs.writeFile(target, f.content, { mode: f.mode });
      // writeFile's mode is filtered by the umask; generated scripts must be executable regardless.
      await fs.chmod(target, f.mode);
    }
    await fs.chmod(tmp, 0o755);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new TreeWriteError('files.write', `could not write ${dir}: ${(err as Error).message}`, { hint: 'nothing was changed; check permissions and free space', cause: err });
  }
  if (!existing) {
    await swapIn(fs, tmp, dir);
    return;
  }
  const kept = opts.keep ? (await fs.readdir(dir, { withFileTypes: true })).map((e) => e.name).filter(opts.keep) : [];
  if (kept.some((name) => files.some((f) => f.path === name || f.path.startsWith(`${name}/`)))) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new TreeWriteError('files.keep-clash', `a generated file would replace ${kept.join(', ')} in ${dir}, which is kept across generations`, { hint: 'this is a bug in flatlab' });
  }
  const old = `${tmp}.old`;
  await fs.rename(dir, old);
  const moved: string[] = [];
  try {
    for (const name of kept) {
      await fs.rename(join(old, name), join(tmp, name));
      moved.push(name);
    }
    await fs.rename(tmp, dir);
  } catch (err) {
    // Put everything back as it was: kept entries into the old tree, the old tree in place.
    for (const name of moved) await fs.rename(join(tmp, name), join(old, name)).catch(() => undefined);
    await fs.rename(old, dir);
    await fs.rm(tmp, { recursive: true, force: true });
    throw new TreeWriteError('files.write', `could not move the new tree into ${dir}: ${(err as Error).message}`, { hint: 'nothing was changed', cause: err });
  }
  await fs.rm(old, { recursive: true, force: true });
}

async function swapIn(fs: TreeFs, tmp: string, dir: string): Promise<void> {
  try {
    await fs.rename(tmp, dir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new TreeWriteError('files.write', `could not move the new tree into ${dir}: ${(err as Error).message}`, { hint: 'nothing was changed', cause: err });
  }
}

export interface TreeDifference {
  /** On disk with other content (or without the executable bit the tree wants). */
  changed: string[];
  /** In the tree, not on disk. */
  missing: string[];
  /** On disk, not in the tree. */
  extra: string[];
}

export async function compareTree(dir: string, files: readonly TreeFile[], fs: TreeFs = realFs, opts: TreeOptions = {}): Promise<TreeDifference> {
  const keep = opts.keep;
  const onDisk = new Set((await listFiles(fs, dir)).filter((p) => !keep?.(p.split('/')[0]!)));
  const diff: TreeDifference = { changed: [], missing: [], extra: [] };
  for (const f of files) {
    if (!onDisk.has(f.path)) {
      diff.missing.push(f.path);
      continue;
    }
    onDisk.delete(f.path);
    const full = join(dir, ...f.path.split('/'));
    const [content, st] = await Promise.all([fs.readFile(full, 'utf8'), fs.stat(full)]);
    if (content !== f.content || (st.mode & 0o100) !== (f.mode & 0o100)) diff.changed.push(f.path);
  }
  diff.extra = [...onDisk].sort();
  diff.changed.sort();
  diff.missing.sort();
  return diff;
}

export function isSame(d: TreeDifference): boolean {
  return d.changed.length === 0 && d.missing.length === 0 && d.extra.length === 0;
}

/** Relative paths of every file under dir (none when dir does not exist). */
async function listFiles(fs: TreeFs, dir: string, prefix = ''): Promise<string[]> {
  let entries: Awaited<ReturnType<TreeFs['readdir']>>;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(fs, join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

async function statOrUndefined(fs: TreeFs, p: string): Promise<{ isDirectory(): boolean } | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
