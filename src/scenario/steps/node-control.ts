/** `stop: r2` and `start: r2`: stop a node's daemon(s) / VM and start them again. */
import { z } from 'zod';
import { checkNode } from '../lab-refs.js';
import { defineStep } from '../step.js';

const nodeArg = z.union([z.string().min(1), z.strictObject({ node: z.string().min(1) })]);
const nodeOf = (a: z.infer<typeof nodeArg>): string => (typeof a === 'string' ? a : a.node);

function nodeControlStep(verb: 'stop' | 'start') {
  return defineStep({
    type: 'action',
    name: verb,
    summary: `${verb} a node`,
    args: nodeArg,
    needs: () => ['node-control'],
    check: (a, ctx) => checkNode(ctx, typeof a === 'string' ? [] : ['node'], nodeOf(a)),
    describe: (a) => `${verb} ${nodeOf(a)}`,
    run: async (a, ctx) => {
      if (verb === 'stop') await ctx.runtime.stopNode(nodeOf(a), { signal: ctx.signal });
      else await ctx.runtime.startNode(nodeOf(a), { signal: ctx.signal });
    },
  });
}

export const stop = nodeControlStep('stop');
export const start = nodeControlStep('start');
