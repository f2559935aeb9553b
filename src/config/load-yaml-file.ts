/** Read a YAML file from disk into a YamlSource, with a clear error when it cannot be read. */
import { readFile } from 'node:fs/promises';
import { InputError } from './diagnostics.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/**
 * `displayName` is how positions name the file (the path as the user typed it) when `file`
 * is the resolved path that is read.
 */
export async function loadYamlFile(file: string, displayName = file): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError('input.unreadable', `cannot read ${displayName}: ${why}`, { hint: 'check the path; it is taken relative to the current directory' });
  }
  return parseYamlSource(text, displayName);
}
