/** `wait: 30s`: let time pass (virtual time on sim). */
import { z } from 'zod';
import { formatDuration, parseDuration } from '../duration.js';
import { defineStep } from '../step.js';

export const wait = defineStep({
  type: 'action',
  name: 'wait',
  summary: 'let time pass',
  args: z.union([z.string(), z.number()]),
  needs: () => [],
  check: (a, ctx) => {
    if (parseDuration(a) === undefined) ctx.problem([], `"${a}" is not a duration`, 'write e.g. 500ms, 30s, 1m30s');
  },
  describe: (a) => `wait ${formatDuration(parseDuration(a) ?? 0)}`,
  run: async (a, ctx) => {
    await ctx.runtime.sleep(parseDuration(a)!, { signal: ctx.signal });
  },
});
