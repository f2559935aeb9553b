/**
 * A file tree described as data (path → directory, file or symlink), so one description of the
 * FlatRacoon OS root becomes a staging directory for mksquashfs, a tar layer for the OCI image
 * and (for the initramfs) a cpio archive, without the three drifting apart.
 */
import { FlatlabError } from '../config/diagnostics.js';

export type TreeEntry =
  | { type: 'dir'; mode: number }
  | { type: 'file'; mode: number; content: Uint8Array }
  | { type: 'symlink'; target: string }
  | { type: 'chardev'; mode: number; major: number; minor: number };

/** Paths are absolute-looking without the leading slash: `bin/busybox`, `etc`. */
export class FileTree {
  private readonly entries = new Map<string, TreeEntry>();

  private static normalize(path: string): string {
    const p = path.replace(/^\/+/, '').replace(/\/+$/, '');
    if (p === '' || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new FlatlabError('image.tree.path', `bad path "${path}" in an image file tree`, { hint: 'paths are relative to the image root, without . or .. parts' });
    }
    return p;
  }

  private parents(p: string): void {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const e = this.entries.get(dir);
      if (!e) this.entries.set(dir, { type: 'dir', mode: 0o755 });
      else if (e.type !== 'dir') throw new FlatlabError('image.tree.conflict', `"${dir}" is a ${e.type} in the image tree, but "${p}" needs it to be a directory`, { hint: 'two packages or options put different things at the same path' });
    }
  }

  dir(path: string, mode = 0o755): this {
    const p = FileTree.normalize(path);
    this.parents(p);
    const e = this.entries.get(p);
    if (e && e.type !== 'dir') throw new FlatlabError('image.tree.conflict', `"${p}" is already a ${e.type} in the image tree`, { hint: 'two packages or options put different things at the same path' });
    this.entries.set(p, { type: 'dir', mode });
    return this;
  }

  file(path: string, content: Uint8Array | string, mode = 0o644): this {
    const p = FileTree.normalize(path);
    this.parents(p);
    const e = this.entries.get(p);
    if (e?.type === 'dir') throw new FlatlabError('image.tree.conflict', `"${p}" is a directory in the image tree and cannot become a file`, { hint: 'two packages or options put different things at the same path' });
    this.entries.set(p, { type: 'file', mode, content: typeof content === 'string' ? Buffer.from(content) : content });
    return this;
  }

  symlink(path: string, target: string): this {
    const p = FileTree.normalize(path);
    this.parents(p);
    const e = this.entries.get(p);
    if (e?.type === 'dir') throw new FlatlabError('image.tree.conflict', `"${p}" is a directory in the image tree and cannot become a symlink`, { hint: 'two packages or options put different things at the same path' });
    this.entries.set(p, { type: 'symlink', target });
    return this;
  }

  /** A character device node (only the initramfs needs one: /dev/console before devtmpfs). */
  chardev(path: string, major: number, minor: number, mode = 0o600): this {
    const p = FileTree.normalize(path);
    this.parents(p);
    this.entries.set(p, { type: 'chardev', mode, major, minor });
    return this;
  }

  get(path: string): TreeEntry | undefined {
    return this.entries.get(FileTree.normalize(path));
  }

  has(path: string): boolean {
    return this.entries.has(FileTree.normalize(path));
  }

  /** Entries sorted by path, so every directory comes before what it holds. */
  list(): [string, TreeEntry][] {
    return [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
