/** Write one file atomically: a temporary file in the same directory, then rename over the target. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
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
