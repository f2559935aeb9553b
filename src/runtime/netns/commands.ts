/** Running host commands (ip, tc, sysctl, daemons' CLIs): one injectable seam for tests. */
import { execa } from 'execa';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CommandRunner {
  run(argv: readonly string[], opts?: CommandOptions): Promise<CommandResult>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export const hostCommands: CommandRunner = {
  async run(argv, opts = {}) {
    const r = await execa(argv[0]!, argv.slice(1), {
      reject: false,
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
      stripFinalNewline: false,
    });
    const failedToStart = r.exitCode === undefined;
    return {
      exitCode: r.exitCode ?? 127,
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: failedToStart ? `${r.shortMessage}` : typeof r.stderr === 'string' ? r.stderr : '',
    };
  },
};
