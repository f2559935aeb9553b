import type { Command } from 'commander';
import type { CliIO } from './io.js';

/** One CLI verb: a file in src/cli/ that adds its command to the program. */
export interface Verb {
  name: string;
  /** Adds the command; the action returns the exit code. */
  register(program: Command, io: CliIO, done: (exitCode: number) => void): void;
}
