/** `link-down: r1:r2` and `link-up: r1:r2`. */
import { z } from 'zod';
import { checkLink, linkIndex } from '../lab-refs.js';
import { defineStep } from '../step.js';

const linkArg = z.union([z.string().min(1), z.strictObject({ link: z.string().min(1) })]);
const refOf = (a: z.infer<typeof linkArg>): string => (typeof a === 'string' ? a : a.link);

function linkStateStep(state: 'up' | 'down') {
  return defineStep({
    type: 'action',
    name: `link-${state}`,
    summary: `take a link ${state}`,
    args: linkArg,
    needs: () => ['link-state'],
    check: (a, ctx) => checkLink(ctx, typeof a === 'string' ? [] : ['link'], refOf(a)),
    describe: (a) => `link-${state} ${refOf(a)}`,
    run: async (a, ctx) => {
      await ctx.runtime.setLinkState({ index: linkIndex(ctx.lab, refOf(a)) }, state, { signal: ctx.signal });
    },
  });
}

export const linkDown = linkStateStep('down');
export const linkUp = linkStateStep('up');
