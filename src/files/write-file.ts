/** Write one file atomically: a temporary file in the same directory, then rename over the target. */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FlatlabError } from '../config/diagnostics.js';

export async function writeFileAtomically(file: string, content: string, mode = 0o644): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, content, { mode });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new FlatlabError('files.write', `could not write ${file}: ${(err as Error).message}`, { hint: 'check the path and permissions', cause: err });
  }
}

/**
 * Whether `writeFileAtomically(file)` can succeed, asked before long work whose report goes
 * there (a scenario run's --junit): the file must not be a directory, and its nearest existing
 * ancestor must be a writable directory (the missing ones are made when writing).
 */
export async function checkWritable(file: string): Promise<void> {
  const refuse = (why: string) => new FlatlabError('files.write', `cannot write ${file}: ${why}`, { hint: 'choose a path in a directory you can write' });
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw refuse('it is a directory');
  let dir = dirname(file);
  for (;;) {
    const s = await stat(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : err));
    if (s instanceof Error) throw refuse(s.message);
    if (s) {
      if (!s.isDirectory()) throw refuse(`${dir} is not a directory`);
      await access(dir, constants.W_OK).catch(() => {
        throw refuse(`${dir} is not writable`);
      });
      return;
    }
    const up = dirname(dir);
    if (up === dir) throw refuse('no existing directory above it');
    dir = up;
  }
}
