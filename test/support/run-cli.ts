/** Runs the flatlab CLI in-process with captured output, as `flatlab <argv...>` run in `cwd`. */
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(cwd: string | undefined, argv: readonly string[]): Promise<CliResult> {
  const io = memoryIO(cwd);
  const code = await main([...argv], io);
  return { code, ...io.text() };
}
