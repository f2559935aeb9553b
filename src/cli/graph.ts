/**
 * `flatlab graph <topology.yml> [--format dot|mermaid|svg] [-o FILE]`: draw the lab. SVG is
 * laid out and drawn by flatlab itself (no Graphviz); DOT and Mermaid are for those tools.
 * Without -o the drawing goes to stdout. An invalid topology prints diagnostics and exits 2.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic, InputError, sortDiagnostics } from '../config/diagnostics.js';
import { closestMatch } from '../config/suggest.js';
import { graphFormats, renderGraph, type GraphFormat } from '../emit/graph.js';
import { writeFileAtomically } from '../files/write-file.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { compileCliTopology } from './generate.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export async function runGraph(file: string, opts: { format: string; output?: string }, io: CliIO): Promise<number> {
  try {
    if (!(graphFormats as readonly string[]).includes(opts.format)) {
      const guess = closestMatch(opts.format, graphFormats);
      throw new InputError('cli.graph-format', `unknown graph format "${opts.format}"`, { hint: guess ? `did you mean "${guess}"?` : `use one of ${graphFormats.join(', ')}` });
    }
    const result = await compileCliTopology(io, file);
    if (!result.lab) {
      for (const d of sortDiagnostics(result.diagnostics)) io.stderr(`${formatDiagnostic(d)}\n`);
      io.stderr(`${file}: invalid topology; nothing drawn\n`);
      return EXIT_USAGE;
    }
    const text = renderGraph({ ...result.lab, sourceFile: file }, opts.format as GraphFormat);
    if (opts.output === undefined) io.stdout(text);
    else await writeFileAtomically(resolve(io.cwd, opts.output), text);
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

export const graphVerb: Verb = {
  name: 'graph',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('graph')
      .description('draw a topology as SVG (no Graphviz needed), Graphviz DOT or Mermaid')
      .argument('<topology>', 'topology file (YAML)')
      .option('--format <format>', `one of ${graphFormats.join(', ')}`, 'svg')
      .option('-o, --output <file>', 'write to this file instead of stdout')
      .action(async (file: string, o: { format: string; output?: string }) => {
        done(await runGraph(file, { format: o.format, ...(o.output !== undefined ? { output: o.output } : {}) }, io));
      });
  },
};
