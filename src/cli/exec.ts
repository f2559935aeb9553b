/** `flatlab exec <topology.yml> <node> -- <command...>`: run a command on a node of a running lab. */
import type { Command } from 'commander';
import { InputError } from '../config/diagnostics.js';
import { didYouMean } from '../config/suggest.js';
import { EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { labAndRuntime } from './lab-runtime.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export async function runExec(file: string, node: string, command: string[], opts: { runtime?: string }, io: CliIO): Promise<number> {
  try {
    if (command.length === 0) throw new InputError('exec.no-command', 'no command given', { hint: 'flatlab exec lab.yml r1 -- ip route' });
    const target = await labAndRuntime(io, file, opts.runtime);
    if (!target) return EXIT_USAGE;
    if (!target.lab.nodes.some((n) => n.name === node)) {
      throw new InputError('exec.unknown-node', `no node "${node}" in ${target.lab.name}${didYouMean(node, target.lab.nodes.map((n) => n.name))}`);
    }
    if (!(await target.runtime.attach(target.lab))) throw new InputError('exec.not-up', `lab ${target.lab.name} is not up`, { hint: `flatlab up ${file}` });
    const r = await target.runtime.exec(node, command);
    io.stdout(r.stdout);
    io.stderr(r.stderr);
    // The command's own status, as ssh and docker exec pass it on.
    return r.exitCode;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

export const execVerb: Verb = {
  name: 'exec',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('exec')
      .description('run a command on a node of a running lab; exits with the command\'s status')
      .argument('<topology>', 'topology file (YAML)')
      .argument('<node>', 'node name')
      .argument('[command...]', 'the command, after --')
      .option('-r, --runtime <name>', 'netns or containerlab', 'netns')
      .action(async (file: string, node: string, command: string[], opts: { runtime?: string }) => done(await runExec(file, node, command, opts, io)));
  },
};
