/** `flatlab down <topology.yml> [--runtime …]`: remove a lab, including what a crashed run left behind. */
import type { Command } from 'commander';
import { NetnsRuntime } from '../runtime/netns/netns-runtime.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { labAndRuntime } from './lab-runtime.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export async function runDown(file: string, opts: { runtime?: string; json: boolean }, io: CliIO): Promise<number> {
  try {
    const target = await labAndRuntime(io, file, opts.runtime);
    if (!target) return EXIT_USAGE;
    if (target.runtime instanceof NetnsRuntime) {
      const removed = await target.runtime.downByName(target.lab.name);
      io.stdout(opts.json ? `${JSON.stringify({ lab: target.lab.name, ...removed }, null, 2)}\n` : `lab ${target.lab.name}: removed ${removed.namespaces.length} namespaces and ${removed.processes} processes\n`);
    } else {
      await target.runtime.attach(target.lab);
      await target.runtime.down();
      io.stdout(opts.json ? `${JSON.stringify({ lab: target.lab.name, down: true })}\n` : `lab ${target.lab.name} is down\n`);
    }
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

export const downVerb: Verb = {
  name: 'down',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('down')
      .description('remove a lab and everything a run of it left behind (namespaces, processes)')
      .argument('<topology>', 'topology file (YAML)')
      .option('-r, --runtime <name>', 'netns or containerlab', 'netns')
      .option('--json', 'print what was removed as JSON', false)
      .action(async (file: string, opts: { runtime?: string; json: boolean }) => done(await runDown(file, opts, io)));
  },
};
