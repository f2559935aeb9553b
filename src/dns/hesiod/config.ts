/**
 * hesiod.conf(5) as Debian's libhesiod 3.2.1 reads it (checked against its hesinfo -b):
 * lines `key=value` (spaces, tabs and `=` between them), keys `lhs`, `rhs`, `classes` in
 * any case, the value running to the next space, other keys ignored, lines starting with
 * `#` skipped. `classes` takes up to two of IN/HS; unknown words are skipped, none at all
 * means the default `IN,HS`, a class named twice counts once. A file without `rhs` is an
 * error ("Invalid Hesiod configuration file"); `HES_DOMAIN` in the environment replaces rhs.
 */
import { readFile } from 'node:fs/promises';
import { InputError, ValidationError } from '../../config/diagnostics.js';
import type { HesiodNaming } from './names.js';

export interface HesiodConfig extends HesiodNaming {
  /** Class search order: the second is tried when the first has no answer. */
  classes: Array<'IN' | 'HS'>;
}

export function parseHesiodConf(text: string, file: string, env: { HES_DOMAIN?: string | undefined } = {}): HesiodConfig {
  let lhs: string | undefined;
  let rhs: string | undefined;
  let classes: Array<'IN' | 'HS'> = ['IN', 'HS'];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#') || raw === '' || raw === '\r') continue;
    const m = /^[ \t]*([^ \t=]*)[ \t=]*([^ \r]*)/.exec(raw);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!;
    if (key === 'lhs') lhs = value;
    else if (key === 'rhs') rhs = value;
    else if (key === 'classes') {
      const named: Array<'IN' | 'HS'> = [];
      for (const word of value.split(',')) {
        if (named.length === 2) break;
        const c = word.toUpperCase();
        if (c === 'IN' || c === 'HS') named.push(c);
      }
      classes = named.length === 0 ? ['IN', 'HS'] : [...new Set(named)];
    }
  }
  if (env.HES_DOMAIN) rhs = `.${env.HES_DOMAIN.replace(/^\./, '')}`;
  if (rhs === undefined) {
    throw new ValidationError([{ code: 'hesiod.conf.no-rhs', severity: 'error', message: 'hesiod.conf has no rhs (the Hesiod domain)', position: { file, line: 1, col: 1 }, hint: 'add a line rhs=.example.org (or set HES_DOMAIN)' }], file);
  }
  return { lhs: lhs ?? '', rhs, classes };
}

export async function loadHesiodConf(file: string, env: { HES_DOMAIN?: string | undefined } = {}): Promise<HesiodConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError('input.unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'give the hesiod.conf path, or -l/-r for lhs and rhs' });
  }
  return parseHesiodConf(text, file, env);
}
