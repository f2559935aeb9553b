/**
 * /etc/passwd and /etc/group (passwd(5), group(5)) → the users and groups of a Hesiod map.
 * Group memberships in the group file become each user's grplist (map.ts). Every bad
 * line is reported with file:line:col; NIS `+`/`-` lines are skipped with a warning.
 */
import { readFile } from 'node:fs/promises';
import { InputError, hasErrors, sortDiagnostics, ValidationError, type Diagnostic, type SourcePosition } from '../../config/diagnostics.js';
import type { HesiodMap } from './map.js';

export interface ImportedAccounts {
  users: HesiodMap['users'];
  groups: HesiodMap['groups'];
  diagnostics: Diagnostic[];
}

export interface ImportOptions {
  /** Only users with uid in [minUid, maxUid] (e.g. 1000 to skip system accounts). */
  minUid?: number;
  maxUid?: number;
}

const NAME = /^[A-Za-z0-9_$][A-Za-z0-9_.$-]*$/;
const ID = /^[0-9]{1,10}$/;

interface Line {
  fields: string[];
  /** 1-based column where each field starts. */
  cols: number[];
  line: number;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    const s = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (s.trim() === '' || s.startsWith('#')) return;
    const fields = s.split(':');
    const cols: number[] = [];
    let c = 1;
    for (const f of fields) {
      cols.push(c);
      c += f.length + 1;
    }
    out.push({ fields, cols, line: i + 1 });
  });
  return out;
}

export function importAccounts(passwd: { text: string; file: string }, group: { text: string; file: string } | undefined, opts: ImportOptions = {}): ImportedAccounts {
  const diagnostics: Diagnostic[] = [];
  const at = (file: string, l: Line, field: number): SourcePosition => ({ file, line: l.line, col: l.cols[field] ?? 1 });
  const err = (position: SourcePosition, code: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error') =>
    diagnostics.push({ code: `hesiod.import.${code}`, severity, message, position, ...(hint ? { hint } : {}) });

  const users: HesiodMap['users'] = {};
  for (const l of splitLines(passwd.text)) {
    const f = l.fields;
    if (f[0]!.startsWith('+') || f[0]!.startsWith('-')) {
      err(at(passwd.file, l, 0), 'nis-line', `NIS compat line "${f[0]}" skipped`, undefined, 'warning');
      continue;
    }
    if (f.length !== 7) {
      err(at(passwd.file, l, 0), 'passwd-fields', `a passwd line has 7 fields separated by ":", this one has ${f.length}`, 'name:password:uid:gid:gecos:home:shell (passwd(5))');
      continue;
    }
    const [name, , uid, gid, gecos, home, shell] = f as [string, string, string, string, string, string, string];
    if (!NAME.test(name)) err(at(passwd.file, l, 0), 'bad-name', `user name "${name}" cannot be a Hesiod name`, 'use letters, digits, "_", "-", "." or "$"');
    if (!ID.test(uid) || Number(uid) > 4294967295) err(at(passwd.file, l, 2), 'bad-id', `uid "${uid}" is not a number 0-4294967295`);
    if (!ID.test(gid) || Number(gid) > 4294967295) err(at(passwd.file, l, 3), 'bad-id', `gid "${gid}" is not a number 0-4294967295`);
    if (name in users) err(at(passwd.file, l, 0), 'duplicate-user', `user ${name} appears twice`, 'keep one line per user');
    if (hasErrors(diagnostics.filter((d) => d.position?.line === l.line && d.position.file === passwd.file))) continue;
    const u = Number(uid);
    if ((opts.minUid !== undefined && u < opts.minUid) || (opts.maxUid !== undefined && u > opts.maxUid)) continue;
    users[name] = { uid: u, gid: Number(gid), gecos, home, shell };
  }

  const groups: HesiodMap['groups'] = {};
  if (group) {
    for (const l of splitLines(group.text)) {
      const f = l.fields;
      if (f[0]!.startsWith('+') || f[0]!.startsWith('-')) {
        err(at(group.file, l, 0), 'nis-line', `NIS compat line "${f[0]}" skipped`, undefined, 'warning');
        continue;
      }
      if (f.length !== 4) {
        err(at(group.file, l, 0), 'group-fields', `a group line has 4 fields separated by ":", this one has ${f.length}`, 'name:password:gid:member,member (group(5))');
        continue;
      }
      const [name, , gid, memberText] = f as [string, string, string, string];
      const before = diagnostics.length;
      if (!NAME.test(name)) err(at(group.file, l, 0), 'bad-name', `group name "${name}" cannot be a Hesiod name`, 'use letters, digits, "_", "-", "." or "$"');
      if (!ID.test(gid) || Number(gid) > 4294967295) err(at(group.file, l, 2), 'bad-id', `gid "${gid}" is not a number 0-4294967295`);
      if (name in groups) err(at(group.file, l, 0), 'duplicate-group', `group ${name} appears twice`, 'keep one line per group');
      const members = memberText === '' ? [] : memberText.split(',').map((m) => m.trim()).filter((m) => m !== '');
      for (const m of members) if (!NAME.test(m)) err(at(group.file, l, 3), 'bad-name', `member name "${m}" cannot be a Hesiod name`);
      if (diagnostics.slice(before).some((d) => d.severity === 'error')) continue;
      // Members filtered out by the uid range are dropped too, so no group names a user the map does not have.
      const kept = opts.minUid === undefined && opts.maxUid === undefined ? members : members.filter((m) => m in users);
      groups[name] = { gid: Number(gid), members: kept };
    }
  }
  return { users, groups, diagnostics: sortDiagnostics(diagnostics) };
}

/** Read both files; throws a ValidationError listing every bad line. */
export async function loadAccountFiles(passwdFile: string, groupFile: string | undefined, opts: ImportOptions = {}): Promise<ImportedAccounts> {
  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError('input.unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check the path' });
    }
  };
  const passwd = { text: await read(passwdFile), file: passwdFile };
  const group = groupFile === undefined ? undefined : { text: await read(groupFile), file: groupFile };
  const imported = importAccounts(passwd, group, opts);
  if (hasErrors(imported.diagnostics)) throw new ValidationError(imported.diagnostics, 'account files');
  return imported;
}

/**
 * The map with imported accounts added. Entries already in the map win (the map is the
 * place to override an imported user); each such clash is a warning in the result.
 */
export function addAccountsToMap(map: HesiodMap, accounts: ImportedAccounts): { map: HesiodMap; diagnostics: Diagnostic[] } {
  const diagnostics = accounts.diagnostics.filter((d) => d.severity === 'warning');
  const users = { ...accounts.users };
  const groups = { ...accounts.groups };
  for (const name of Object.keys(map.users)) {
    if (name in users) diagnostics.push({ code: 'hesiod.import.overridden', severity: 'warning', message: `user ${name} is in the map and in the passwd file; the map's entry is used` });
    users[name] = map.users[name]!;
  }
  for (const name of Object.keys(map.groups)) {
    if (name in groups) diagnostics.push({ code: 'hesiod.import.overridden', severity: 'warning', message: `group ${name} is in the map and in the group file; the map's entry is used` });
    groups[name] = map.groups[name]!;
  }
  return { map: { ...map, users, groups }, diagnostics };
}
