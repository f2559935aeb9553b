/**
 * RFC 1035 §5.1 master-file lexer: splits text into entries (one logical line each, with
 * parentheses joining physical lines), dropping comments. Tokens keep their escapes so
 * each field's parser decides what `\X` and `\DDD` mean for it (names vs strings).
 */
import type { Diagnostic, SourcePosition } from '../../config/diagnostics.js';

export interface Token {
  /** Raw text without surrounding quotes, escapes kept (`\.`, `\065`). */
  text: string;
  quoted: boolean;
  position: SourcePosition;
}

export interface Entry {
  /** The entry began with whitespace: its owner is the previous entry's (RFC 1035 §5.1). */
  blankOwner: boolean;
  tokens: Token[];
  /** A lexical error was reported inside this entry; it is skipped to avoid follow-on errors. */
  broken?: boolean;
  position: SourcePosition;
}

export function lexZone(text: string, file: string, diagnostics: Diagnostic[]): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  let current: Entry | undefined;
  let openParen: SourcePosition | undefined;
  // BIND counts nested parentheses rather than rejecting them; so do we.
  let depth = 0;
  let atLineStart = true;

  const pos = (): SourcePosition => ({ file, line, col });
  const error = (code: string, message: string, position: SourcePosition, hint?: string) =>
    diagnostics.push({ code: `zone.${code}`, severity: 'error', message, position, ...(hint ? { hint } : {}) });
  const advance = (n = 1) => {
    for (let k = 0; k < n; k++) {
      if (text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  /** Move to `to`, keeping line and column right across the skipped text. */
  const advanceTo = (to: number) => {
    for (; i < to; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
  };
  const finishEntry = () => {
    if (current && current.tokens.length > 0) entries.push(current);
    current = undefined;
  };
  const push = (token: Token) => {
    if (!current) current = { blankOwner: false, tokens: [], position: token.position };
    current.tokens.push(token);
  };

  while (i < text.length) {
    const c = text[i]!;
    if (atLineStart && openParen === undefined) {
      atLineStart = false;
      if (c === ' ' || c === '\t') {
        current = { blankOwner: true, tokens: [], position: pos() };
      }
    }
    if (c === '\n') {
      if (openParen === undefined) {
        finishEntry();
        atLineStart = true;
      }
      advance();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      advance();
      continue;
    }
    if (c === ';') {
      const nl = text.indexOf('\n', i);
      advanceTo(nl === -1 ? text.length : nl);
      continue;
    }
    if (c === '(') {
      if (depth === 0) openParen = pos();
      depth++;
      if (!current) current = { blankOwner: false, tokens: [], position: pos() };
      advance();
      continue;
    }
    if (c === ')') {
      if (depth === 0) error('unbalanced-parentheses', '")" without a matching "("', pos(), 'remove it or add the "(" it closes');
      else if (--depth === 0) openParen = undefined;
      advance();
      continue;
    }
    if (c === '"') {
      const start = pos();
      advance();
      let j = i;
      let closed = false;
      while (j < text.length) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < text.length) {
          j += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          break;
        }
        // A string may not span lines (BIND: "unbalanced quotes"); the entry is dropped and
        // lexing resumes on the next line.
        if (d === '\n') break;
        j++;
      }
      const raw = text.slice(i, j);
      advanceTo(j);
      if (closed) advance();
      push({ text: raw, quoted: true, position: start });
      if (!closed) {
        error('unterminated-string', 'quoted string is not closed on this line', start, 'add the closing " (escape a quote inside the string as \\")');
        current!.broken = true;
      }
      continue;
    }
    const start = pos();
    let j = i;
    while (j < text.length) {
      const d = text[j]!;
      if (d === '\\' && j + 1 < text.length && text[j + 1] !== '\n') {
        j += 2;
        continue;
      }
      if (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '(' || d === ')' || d === '"') break;
      j++;
    }
    const raw = text.slice(i, j);
    advanceTo(j);
    push({ text: raw, quoted: false, position: start });
  }
  if (openParen !== undefined) error('unbalanced-parentheses', '"(" is never closed', openParen, 'add the matching ")"');
  finishEntry();
  return entries;
}
