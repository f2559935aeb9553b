/** Print any error the way every verb should: diagnostics, or one line with a hint. */
import { FlatlabError, ValidationError, formatDiagnostic, sortDiagnostics } from '../config/diagnostics.js';
import type { CliIO } from './io.js';

export function reportError(io: CliIO, err: unknown): void {
  if (err instanceof ValidationError) {
    for (const d of sortDiagnostics(err.diagnostics)) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr(`${err.message}\n`);
    return;
  }
  if (err instanceof FlatlabError) {
    const where = err.position ? `${err.position.file}:${err.position.line}:${err.position.col}: ` : '';
    io.stderr(`flatlab: ${where}${err.message} [${err.code}]\n`);
    if (err.hint) io.stderr(`    hint: ${err.hint}\n`);
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr(`flatlab: internal error: ${e.message}\n`);
  if (io.env.FLATLAB_DEBUG) io.stderr(`${e.stack ?? ''}\n`);
  else io.stderr('    hint: this is a bug in flatlab; rerun with FLATLAB_DEBUG=1 for a stack trace and report it\n');
}
