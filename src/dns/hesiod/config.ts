/**
 * hesiod.conf(5) as libhesiod 3.2.1 reads it: lines `key=value` (spaces, tabs and `=`
 * between them), keys `lhs`, `rhs`, `classes` in any case, the value one word, other keys
 * ignored, lines starting with `#` skipped. `classes` takes up to two of IN/HS (unknown
 * words skipped), default `IN,HS`. As in libhesiod, a file without `rhs`, without a usable
 * class, or naming one class twice is an error; `HES_DOMAIN` in the environment replaces rhs.
 */
import { readFile } from 'node:fs/promises';
import { InputError, ValidationError, type Diagnostic } from '../../config/diagnostics.js';
import type { HesiodNaming } from './names.js';

export interface HesiodConfig extends HesiodNaming {
  /** Class search order: the second is tried when the first has no answer. */
  classes: Array<'IN' | 'HS'>;
}

export function parseHesiodConf(text: string, file: string, env: { HES_DOMAIN?: string | undefined } = {}): HesiodConfig {
  const diagnostics: Diagnostic[] = [];
  let lhs: string | undefined;
  let rhs: string | undefined;
  let classes: Array<'IN' | 'HS'> = ['IN', 'HS'];
  let classesLine = 0;
  text.split('\n').forEach((raw, i) => {
    if (raw.startsWith('#') || raw.trim() === '') return;
    const m = /^[ \t]*([^ \t=]*)[ \t=]*(\S*)/.exec(raw.replace(/\r$/, ''));
    if (!m) return;
    const key = m[1]!.toLowerCase();
    const value = m[2]!;
    if (key === 'lhs') lhs = value;
    else if (key === 'rhs') rhs = value;
    else if (key === 'classes') {
      classesLine = i + 1;
      classes = [];
      for (const word of value.split(',')) {
        if (classes.length === 2) break;
        const c = word.toUpperCase();
        if (c === 'IN' || c === 'HS') classes.push(c);
      }
    }
  });
  if (classesLine > 0 && classes.length === 0) diagnostics.push({ code: 'hesiod.conf.no-class', severity: 'error', message: 'classes names neither IN nor HS', position: { file, line: classesLine, col: 1 }, hint: 'write classes=IN,HS (or one of them)' });
  if (classes.length === 2 && classes[0] === classes[1]) diagnostics.push({ code: 'hesiod.conf.duplicate-class', severity: 'error', message: `classes names ${classes[0]} twice`, position: { file, line: classesLine, col: 1 }, hint: 'write classes=IN,HS or a single class' });
  if (env.HES_DOMAIN) rhs = `.${env.HES_DOMAIN.replace(/^\./, '')}`;
  if (rhs === undefined || rhs === '') diagnostics.push({ code: 'hesiod.conf.no-rhs', severity: 'error', message: 'hesiod.conf has no rhs (the Hesiod domain)', position: { file, line: 1, col: 1 }, hint: 'add a line rhs=.example.org (or set HES_DOMAIN)' });
  if (diagnostics.length) throw new ValidationError(diagnostics, file);
  return { lhs: lhs ?? '', rhs: rhs!, classes: classes.length === 2 && classes[1] === classes[0] ? [classes[0]!] : classes };
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
