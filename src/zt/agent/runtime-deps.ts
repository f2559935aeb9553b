/** What an agent needs from the outside world, passed in so tests can substitute it. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface AgentDeps {
  now(): number;
  log(line: string): void;
  random(n: number): Uint8Array;
  /** Run a command to completion; rejects when it exits non-zero. */
  run(argv: readonly string[], input?: string): Promise<string>;
  /** Local underlay IPv4 addresses (not loopback, not the overlay's own devices). */
  localAddresses(): string[];
}

export function hostDeps(log: (line: string) => void, localAddresses: () => string[]): AgentDeps {
  return {
    now: () => Date.now(),
    log,
    random: (n) => randomBytes(n),
    run: (argv, input) =>
      new Promise((resolve, reject) => {
        const child = execFile(argv[0]!, argv.slice(1), { timeout: 10_000 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`${argv.join(' ')}: ${stderr.trim() || err.message}`));
          else resolve(stdout);
        });
        if (input !== undefined) child.stdin?.end(input);
        else child.stdin?.end();
      }),
    localAddresses,
  };
}
