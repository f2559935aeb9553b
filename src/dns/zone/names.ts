/**
 * Domain names in master-file text (RFC 1035 §5.1) ↔ the model's form: absolute, labels
 * joined by `.`, no trailing dot, case preserved, root `.`.
 *
 * The model's names go to dns-packet as they are, and dns-packet splits on every `.` and
 * writes labels as UTF-8. So a label may not contain a `.` (`\.`), nor a `\DDD` byte of
 * 128 or more; both are rejected with a clear error rather than silently mangled.
 * Non-ASCII characters written as UTF-8 text pass through: their wire bytes are the file's.
 */

export const MAX_LABEL_OCTETS = 63;
/** RFC 1035 §3.1: 255 octets on the wire, including length octets and the root label. */
export const MAX_NAME_OCTETS = 255;

export class NameSyntaxError extends Error {
  constructor(readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

/** Text → labels, resolving `@` and relative names against `origin` (model form). */
export function parseNameText(text: string, origin: string): string {
  if (text === '@') return origin;
  if (text === '.') return '.';
  const labels: string[] = [];
  let label = '';
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const { char, length } = readEscape(text, i, 'name');
      if (char === '.') throw new NameSyntaxError('zone.unsupported-label', `label with an escaped "." in "${text}" is not supported`, 'flatlab keeps names as dotted strings; rename the label');
      // `\é` is just `é` (its UTF-8 bytes, as BIND reads them); only a \DDD byte ≥ 128 has no text form.
      if (length === 4 && char.charCodeAt(0) >= 128) throw new NameSyntaxError('zone.unsupported-label', `byte \\${char.charCodeAt(0)} in a name is not supported (only bytes below 128 as \\DDD)`, 'write non-ASCII labels as UTF-8 text');
      label += char;
      i += length - 1;
      continue;
    }
    if (c === '.') {
      if (label === '') throw new NameSyntaxError('zone.empty-label', `empty label in "${text}"`, 'remove the doubled "."');
      labels.push(label);
      label = '';
      if (i === text.length - 1) absolute = true;
      continue;
    }
    label += c;
  }
  if (label !== '') labels.push(label);
  for (const l of labels) {
    if (Buffer.byteLength(l, 'utf8') > MAX_LABEL_OCTETS) throw new NameSyntaxError('zone.label-too-long', `label "${l.slice(0, 20)}…" is ${Buffer.byteLength(l, 'utf8')} octets; the limit is 63`, 'shorten the label (RFC 1035 §2.3.4)');
  }
  const name = absolute ? labels.join('.') : joinName(labels.join('.'), origin);
  checkNameLength(name);
  return name;
}

export function joinName(relative: string, origin: string): string {
  if (relative === '' || relative === '.') return origin;
  return origin === '.' ? relative : `${relative}.${origin}`;
}

export function nameWireLength(name: string): number {
  if (name === '.') return 1;
  return name.split('.').reduce((n, l) => n + 1 + Buffer.byteLength(l, 'utf8'), 1);
}

export function checkNameLength(name: string): void {
  const len = nameWireLength(name);
  if (len > MAX_NAME_OCTETS) throw new NameSyntaxError('zone.name-too-long', `name "${name.slice(0, 40)}…" is ${len} octets; the limit is 255`, 'shorten the name (RFC 1035 §2.3.4)');
}

/**
 * `\X` → X; `\DDD` → the byte DDD (exactly three digits, ≤ 255). A backslash followed by
 * a digit that is not `\DDD` is an error, as in BIND.
 */
export function readEscape(text: string, at: number, what: string): { char: string; length: number } {
  const next = text[at + 1];
  if (next === undefined) throw new NameSyntaxError('zone.bad-escape', `"\\" at the end of a ${what}`, 'escape a backslash as \\\\');
  if (next >= '0' && next <= '9') {
    const digits = text.slice(at + 1, at + 4);
    if (!/^[0-9]{3}$/.test(digits)) throw new NameSyntaxError('zone.bad-escape', `"\\${digits}" in a ${what}: \\DDD needs exactly three digits`, 'write a byte as three decimal digits, e.g. \\032 for a space');
    const value = Number(digits);
    if (value > 255) throw new NameSyntaxError('zone.bad-escape', `"\\${digits}" in a ${what}: a byte is at most \\255`, 'write a byte as three decimal digits 000-255');
    return { char: String.fromCharCode(value), length: 4 };
  }
  // A whole code point, so `\😀` keeps both halves of its surrogate pair.
  const char = String.fromCodePoint(text.codePointAt(at + 1)!);
  return { char, length: 1 + char.length };
}

const SAFE_LABEL_CHAR = /^[A-Za-z0-9\-_*/+=:,!#%&'<>?[\]^`{|}~]$/;

/** One label in master-file text, escaped so `parseNameText` reads it back. */
export function printLabel(label: string): string {
  let out = '';
  for (const c of label) {
    const code = c.codePointAt(0)!;
    if (SAFE_LABEL_CHAR.test(c) || code >= 128) out += c;
    else if (code > 32 && code < 127) out += `\\${c}`;
    else out += `\\${String(code).padStart(3, '0')}`;
  }
  return out;
}

/** Absolute name with trailing dot, or relative to `origin` (`@` for the origin itself). */
export function printName(rawName: string, rawOrigin?: string): string {
  // Model names carry no trailing dot; tolerate one rather than print `name..`.
  const name = stripDot(rawName);
  const origin = rawOrigin === undefined ? undefined : stripDot(rawOrigin);
  if (name === '.') return '.';
  const labels = name.split('.').map(printLabel);
  if (origin !== undefined && origin !== '.') {
    const n = name.toLowerCase();
    const o = origin.toLowerCase();
    if (n === o && name === origin) return '@';
    if (n.endsWith(`.${o}`) && name.endsWith(origin)) {
      const rel = name.slice(0, name.length - origin.length - 1);
      return rel.split('.').map(printLabel).join('.');
    }
  }
  return `${labels.join('.')}.`;
}

function stripDot(name: string): string {
  if (name === '' || name === '.') return '.';
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
