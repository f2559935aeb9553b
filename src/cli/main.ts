#!/usr/bin/env node
/** flatlab's command line: parse arguments, dispatch to one verb, map errors to exit codes. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { reportError } from './report-error.js';
import { loadVerbs } from './verbs.js';
import type { Verb } from './verb.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

export function buildProgram(io: CliIO, done: (code: number) => void, verbs: readonly Verb[]): Command {
  const program = new Command('flatlab')
    .description('Declarative network labs: validate topologies, generate containerlab labs, run scenarios on sim, netns or containerlab.')
    .version(VERSION, '-V, --version')
    // flatlab's own --version only before a verb, so a verb may take --version (image build/update).
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const verb of verbs) verb.register(program, io, done);
  return program;
}

/** Run the CLI with `argv` (without node and script). Resolves to the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number | undefined;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    await loadVerbs(argv),
  );
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1 from commander → 2.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    reportError(io, err);
    return EXIT_USAGE;
  }
  return exitCode ?? EXIT_OK;
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const argv = process.argv.slice(2);
  // Before the daemon's modules load: their allocations alone would grow V8's young generation (src/bgp/daemon/heap-settings.ts).
  if (argv[0] === 'bgpd') (await import('../bgp/daemon/heap-settings.js')).applyStartHeapSettings();
  const code = await main(argv);
  process.exitCode = code;
}
