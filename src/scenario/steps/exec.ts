/** `exec: { node, command, exit, output }`: run a command on a node and check its result. */
import { z } from 'zod';
import { checkNode } from '../lab-refs.js';
import { defineStep } from '../step.js';

const execArgs = z.strictObject({
  node: z.string().min(1),
  /** argv list, or a string run by `sh -c`. */
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  /** Expected exit status (default 0). */
  exit: z.number().int().min(0).max(255).default(0),
  /** Text the standard output must contain. */
  output: z.string().optional(),
});

const argvOf = (c: string | string[]): string[] => (typeof c === 'string' ? ['sh', '-c', c] : c);

/** A script of several lines is shown by its first line: reports keep one line per step (the step's file:line:col finds the rest). */
function shown(c: string | string[]): string {
  if (typeof c !== 'string') return c.join(' ');
  const lines = c.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.length > 1 ? `${lines[0]!.trim()} … (${lines.length} lines)` : (lines[0] ?? '').trim();
}

export const exec = defineStep({
  type: 'check',
  name: 'exec',
  summary: 'run a command on a node (netns or containerlab) and check its exit status and output',
  args: execArgs,
  needs: () => ['exec'],
  check: (a, ctx) => checkNode(ctx, ['node'], a.node),
  describe: (a) => `exec on ${a.node}: ${shown(a.command)}`,
  observe: async (a, ctx) => {
    const r = await ctx.runtime.exec(a.node, argvOf(a.command), { signal: ctx.signal });
    const ok = r.exitCode === a.exit && (a.output === undefined || r.stdout.includes(a.output));
    const tail = (s: string) => (s.length > 300 ? `…${s.slice(-300)}` : s).trim();
    return {
      ok,
      expected: `exit ${a.exit}${a.output !== undefined ? ` and output containing "${a.output}"` : ''}`,
      observed: `exit ${r.exitCode}; stdout: ${tail(r.stdout) || '(empty)'}${r.stderr.trim() ? `; stderr: ${tail(r.stderr)}` : ''}`,
    };
  },
});
