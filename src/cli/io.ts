/** Where CLI output goes; injectable so verbs are tested in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (progress output only then). */
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** An IO that records output, for tests. */
export function memoryIO(cwd = process.cwd()): CliIO & { out: string[]; err: string[]; text(): { stdout: string; stderr: string } } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    isTTY: false,
    cwd,
    env: {},
    text: () => ({ stdout: out.join(''), stderr: err.join('') }),
  };
}
