/** `up` and `down`: bring the lab up (idempotent) and tear it down (always cleans up). */
import { z } from 'zod';
import { defineStep } from '../step.js';

const none = z.union([z.null(), z.strictObject({})]).optional();

export const up = defineStep({
  type: 'action',
  name: 'up',
  summary: 'bring the lab up and wait until every node is ready',
  args: none,
  needs: () => [],
  describe: () => 'up',
  run: async (_args, ctx) => {
    await ctx.runtime.up(ctx.lab, { signal: ctx.signal });
  },
});

export const down = defineStep({
  type: 'action',
  name: 'down',
  summary: 'tear the lab down',
  args: none,
  needs: () => [],
  describe: () => 'down',
  run: async (_args, ctx) => {
    await ctx.runtime.down({ signal: ctx.signal });
  },
});
