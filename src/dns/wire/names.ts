/**
 * Domain names between presentation form (RFC 1035 §5.1: `\.`, `\\`, `\DDD` escapes) and
 * wire labels. Names compare by their key: ASCII-lower-cased (RFC 4343), no trailing dot,
 * the root as `.`.
 */
import { DnsEncodeError, DnsFormatError } from './errors.js';

const MAX_NAME_WIRE = 255;

/** Presentation name → wire labels (without the root label). */
export function nameToLabels(name: string): Buffer[] {
  if (name === '.' || name === '') return [];
  const labels: Buffer[] = [];
  let bytes: number[] = [];
  let i = 0;
  const end = name.endsWith('.') && !isEscaped(name, name.length - 1) ? name.length - 1 : name.length;
  while (i < end) {
    const c = name.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      const d = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) throw new DnsEncodeError(`bad escape \\${d} in name "${name}"`);
        bytes.push(v);
        i += 4;
      } else if (i + 1 < name.length) {
        bytes.push(name.charCodeAt(i + 1) & 0xff);
        i += 2;
      } else {
        throw new DnsEncodeError(`name "${name}" ends in a lone backslash`);
      }
      continue;
    }
    if (c === 0x2e /* . */) {
      pushLabel(labels, bytes, name);
      bytes = [];
      i += 1;
      continue;
    }
    if (c > 0x7f) {
      for (const b of Buffer.from(name[i] ?? '', 'utf8')) bytes.push(b);
    } else bytes.push(c);
    i += 1;
  }
  pushLabel(labels, bytes, name);
  const wire = labels.reduce((n, l) => n + l.length + 1, 1);
  if (wire > MAX_NAME_WIRE) throw new DnsEncodeError(`name "${name}" is ${wire} bytes on the wire; the limit is 255 (RFC 1035 §2.3.4)`);
  return labels;
}

function isEscaped(s: string, at: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= 0 && s[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

function pushLabel(labels: Buffer[], bytes: number[], name: string): void {
  if (bytes.length === 0) throw new DnsEncodeError(`name "${name}" has an empty label`);
  if (bytes.length > 63) throw new DnsEncodeError(`a label of "${name}" is ${bytes.length} bytes; the limit is 63 (RFC 1035 §2.3.4)`);
  labels.push(Buffer.from(bytes));
}

/** One wire label → presentation text with escapes. */
export function labelToText(label: Uint8Array): string {
  if (isPlainLabel(label)) return Buffer.from(label.buffer, label.byteOffset, label.byteLength).toString('latin1');
  let s = '';
  for (const b of label) {
    if (b === 0x2e || b === 0x5c || b === 0x22 || b === 0x28 || b === 0x29 || b === 0x3b || b === 0x40 || b === 0x24) s += `\\${String.fromCharCode(b)}`;
    else if (b <= 0x20 || b >= 0x7f) s += `\\${String(b).padStart(3, '0')}`;
    else s += String.fromCharCode(b);
  }
  return s;
}

/** Letters, digits, `-`, `_`, `*`: the common case, which needs no escaping. */
function isPlainLabel(label: Uint8Array): boolean {
  for (const b of label) {
    const plain = (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f || b === 0x2a;
    if (!plain) return false;
  }
  return true;
}

export function labelsToName(labels: readonly Uint8Array[]): string {
  return labels.length === 0 ? '.' : labels.map(labelToText).join('.');
}

/** Lower-cases ASCII letters only (RFC 4343 §3). */
export function nameKey(name: string): string {
  if (name === '' || name === '.') return '.';
  const n = name.endsWith('.') && !isEscaped(name, name.length - 1) ? name.slice(0, -1) : name;
  return n.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Parent key of a name key (`a.b.c` → `b.c`, `c` → `.`), undefined for the root. */
export function parentKey(key: string): string | undefined {
  if (key === '.') return undefined;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '\\') {
      i += /^\d{3}$/.test(key.slice(i + 1, i + 4)) ? 3 : 1;
      continue;
    }
    if (key[i] === '.') return key.slice(i + 1);
  }
  return '.';
}

/** True when `key` equals `apex` or lies below it (both keys). */
export function isAtOrBelow(key: string, apex: string): boolean {
  if (apex === '.') return true;
  if (key === apex) return true;
  if (!key.endsWith(apex) || key.length <= apex.length) return false;
  const dot = key.length - apex.length - 1;
  return key[dot] === '.' && !isEscaped(key, dot);
}

export interface ReadName {
  name: string;
  /** Offset just after the name as stored (after the pointer when compressed). */
  end: number;
}

/**
 * Read a possibly compressed name. Pointers must point backwards (RFC 1035 §4.1.4 says to
 * a prior occurrence), which also rules out loops.
 */
export function readName(buf: Uint8Array, offset: number): ReadName {
  const labels: Uint8Array[] = [];
  let pos = offset;
  let end = -1;
  let wire = 1;
  let limit = offset;
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError('name runs past the end of the message', pos);
    const len = buf[pos] ?? 0;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError('compression pointer runs past the end', pos);
      const target = ((len & 0x3f) << 8) | (buf[pos + 1] ?? 0);
      if (target >= limit) throw new DnsFormatError('compression pointer does not point backwards', pos);
      if (end < 0) end = pos + 2;
      limit = target;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new DnsFormatError(`unsupported label type 0x${kind.toString(16)}`, pos);
    if (pos + 1 + len > buf.length) throw new DnsFormatError('label runs past the end of the message', pos);
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) throw new DnsFormatError('name longer than 255 bytes', pos);
    labels.push(buf.subarray(pos + 1, pos + 1 + len));
    pos += len + 1;
  }
  return { name: labelsToName(labels), end };
}
