/**
 * Diagnostics: what is wrong, where, and what to do about it.
 *
 * Every user-facing error in flatlab is either a single FlatlabError or a list of
 * Diagnostics (validation is total: all problems in a file are reported at once).
 * The text form follows BIRD/BIND/compilers: `file:line:col: message [code]`, then
 * an indented `hint:` line.
 */

export interface SourcePosition {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable machine-readable code, e.g. `topology.unknown-node`. */
  code: string;
  severity: Severity;
  message: string;
  position?: SourcePosition;
  /** Dotted path of the offending key, e.g. `links[2].endpoints[0]`. */
  key?: string;
  hint?: string;
}

/** Base class of every typed flatlab error. */
export class FlatlabError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly position: SourcePosition | undefined;

  constructor(code: string, message: string, options: { hint?: string; position?: SourcePosition; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.position = options.position;
  }

  toDiagnostic(): Diagnostic {
    return {
      code: this.code,
      severity: 'error',
      message: this.message,
      ...(this.position ? { position: this.position } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}

/** A file (or several) failed validation; carries every diagnostic found. */
export class ValidationError extends FlatlabError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[], what = 'input') {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    super('validation.failed', `${what} has ${errors} error${errors === 1 ? '' : 's'}`);
    this.diagnostics = diagnostics;
  }
}

/** Input the user gave on the command line or in a file that cannot be used at all. */
export class InputError extends FlatlabError {}

export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.col}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.position ? `${formatPosition(d.position)}: ` : '';
  const sev = d.severity === 'warning' ? 'warning: ' : '';
  const head = `${where}${sev}${d.message} [${d.code}]`;
  return d.hint ? `${head}\n    hint: ${d.hint}` : head;
}

/** Sort by file, line, column, so output reads top to bottom. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => {
    const pa = a.position;
    const pb = b.position;
    if (!pa || !pb) return pa ? -1 : pb ? 1 : 0;
    return pa.file.localeCompare(pb.file) || pa.line - pb.line || pa.col - pb.col;
  });
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
