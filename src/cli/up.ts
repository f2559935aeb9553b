/** `flatlab up <topology.yml> [--runtime netns|containerlab]`: bring a lab up and leave it running (idempotent). */
import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { abortOnSignals, exitCodeOfSignal } from './interrupt.js';
import type { CliIO } from './io.js';
import { labAndRuntime } from './lab-runtime.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export async function runUp(file: string, opts: { runtime?: string; json: boolean }, io: CliIO): Promise<number> {
  const interrupt = abortOnSignals((sig) => io.stderr(`\n${sig}: tearing the half-built lab down…\n`));
  let target;
  try {
    target = await labAndRuntime(io, file, opts.runtime);
    if (!target) return EXIT_USAGE;
    await target.runtime.up(target.lab, { signal: interrupt.signal });
    if (interrupt.signal.aborted) throw interrupt.signal.reason;
    const status = await target.runtime.status();
    io.stdout(opts.json ? `${JSON.stringify(status, null, 2)}\n` : `lab ${target.lab.name} is up on ${target.runtime.name} (${status.nodes.length} nodes); flatlab down ${file} removes it\n`);
    return EXIT_OK;
  } catch (err) {
    if (interrupt.signal.aborted && target) await target.runtime.down().catch(() => undefined);
    reportError(io, err);
    const sig = interrupt.received();
    return sig ? exitCodeOfSignal(sig) : EXIT_USAGE;
  } finally {
    interrupt.dispose();
  }
}

export const upVerb: Verb = {
  name: 'up',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('up')
      .description('bring a lab up and leave it running (idempotent); needs root for netns')
      .argument('<topology>', 'topology file (YAML)')
      .option('-r, --runtime <name>', 'netns or containerlab', 'netns')
      .option('--json', 'print the lab status as JSON', false)
      .action(async (file: string, opts: { runtime?: string; json: boolean }) => done(await runUp(file, opts, io)));
  },
};
