/**
 * `flatlab validate <files...> [--json]`: compile each topology and report every problem.
 * Exit 0 when all are valid, 1 when any has an error, 2 when a file cannot be read.
 */
import type { Command } from 'commander';
import { formatDiagnostic, FlatlabError, type Diagnostic } from '../config/diagnostics.js';
import { kindCatalog } from '../kinds/index.js';
import { compileTopologyFile } from '../topology/pipeline.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

interface FileReport {
  file: string;
  valid: boolean;
  diagnostics: Diagnostic[];
}

export async function runValidate(files: readonly string[], opts: { json: boolean }, io: CliIO): Promise<number> {
  const reports: FileReport[] = [];
  let unreadable = false;
  for (const file of files) {
    try {
      const r = await compileTopologyFile(file, { kinds: kindCatalog });
      reports.push({ file, valid: r.lab !== undefined, diagnostics: r.diagnostics });
    } catch (err) {
      if (!(err instanceof FlatlabError)) throw err;
      unreadable = true;
      if (opts.json) reports.push({ file, valid: false, diagnostics: [err.toDiagnostic()] });
      else reportError(io, err);
    }
  }
  const invalid = reports.filter((r) => !r.valid).length;
  if (opts.json) {
    io.stdout(`${JSON.stringify({ valid: invalid === 0 && !unreadable, files: reports }, null, 2)}\n`);
  } else {
    for (const r of reports) {
      for (const d of r.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      if (r.valid) io.stdout(`${r.file}: ok\n`);
      else io.stderr(`${r.file}: ${errorCount(r.diagnostics)} error${errorCount(r.diagnostics) === 1 ? '' : 's'}\n`);
    }
  }
  if (unreadable) return EXIT_USAGE;
  return invalid > 0 ? EXIT_FAILED : EXIT_OK;
}

function errorCount(ds: readonly Diagnostic[]): number {
  return ds.filter((d) => d.severity === 'error').length;
}

export const validateVerb: Verb = {
  name: 'validate',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('validate')
      .description('check topology files; print every error as file:line:col with a hint')
      .argument('<topology...>', 'topology files (YAML)')
      .option('--json', 'print diagnostics as JSON on stdout')
      .action(async (files: string[], opts: { json?: boolean }) => {
        done(await runValidate(files, { json: opts.json === true }, io));
      });
  },
};
