/** `flatlab status <topology.yml> [--runtime …] [--json]`: what runs of a lab and what failed. */
import type { Command } from 'commander';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { labAndRuntime } from './lab-runtime.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export async function runStatus(file: string, opts: { runtime?: string; json: boolean }, io: CliIO): Promise<number> {
  try {
    const target = await labAndRuntime(io, file, opts.runtime);
    if (!target) return EXIT_USAGE;
    if (!(await target.runtime.attach(target.lab))) {
      io.stdout(opts.json ? `${JSON.stringify({ lab: target.lab.name, runtime: target.runtime.name, up: false })}\n` : `lab ${target.lab.name} is not up on ${target.runtime.name}\n`);
      return EXIT_FAILED;
    }
    const status = await target.runtime.status();
    if (opts.json) io.stdout(`${JSON.stringify({ ...status, up: true }, null, 2)}\n`);
    else {
      io.stdout(`lab ${status.lab} on ${status.runtime}\n`);
      const w = Math.max(4, ...status.nodes.map((n) => n.name.length));
      for (const n of status.nodes) io.stdout(`  ${n.name.padEnd(w)}  ${n.kind.padEnd(14)} ${n.state}${n.detail ? `  (${n.detail})` : ''}\n`);
    }
    return status.nodes.every((n) => n.state === 'running') ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

export const statusVerb: Verb = {
  name: 'status',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('status')
      .description('show whether a lab is up and which nodes run (exit 1 if down or a node failed)')
      .argument('<topology>', 'topology file (YAML)')
      .option('-r, --runtime <name>', 'netns or containerlab', 'netns')
      .option('--json', 'print the status as JSON', false)
      .action(async (file: string, opts: { runtime?: string; json: boolean }) => done(await runStatus(file, opts, io)));
  },
};
