/** `netem: { link: r2:r3, delay: 50ms, loss: 5% }` (or `clear: true`) on both directions of a link. */
import { z } from 'zod';
import { parseDurationMs, parsePercent, parseRateKbit } from '../../topology/netem.js';
import type { Netem } from '../../topology/lab.js';
import { checkLink, linkIndex } from '../lab-refs.js';
import { defineStep } from '../step.js';

const value = z.union([z.string(), z.number()]);
const netemArgs = z.strictObject({
  link: z.string().min(1),
  delay: value.optional(),
  jitter: value.optional(),
  loss: value.optional(),
  rate: value.optional(),
  clear: z.literal(true).optional(),
});
type NetemArgs = z.infer<typeof netemArgs>;

function toNetem(a: NetemArgs): Netem | undefined {
  if (a.clear) return undefined;
  const n: Netem = {};
  if (a.delay !== undefined) n.delayMs = parseDurationMs(a.delay)!;
  if (a.jitter !== undefined) n.jitterMs = parseDurationMs(a.jitter)!;
  if (a.loss !== undefined) n.lossPercent = parsePercent(a.loss)!;
  if (a.rate !== undefined) n.rateKbit = parseRateKbit(a.rate)!;
  return n;
}

export const netem = defineStep({
  type: 'action',
  name: 'netem',
  summary: 'impair a link (delay, jitter, loss, rate) or clear it',
  args: netemArgs,
  needs: () => ['netem'],
  check: (a, ctx) => {
    checkLink(ctx, ['link'], a.link);
    const parsers = { delay: parseDurationMs, jitter: parseDurationMs, loss: parsePercent, rate: parseRateKbit } as const;
    const hints = { delay: 'e.g. 50ms', jitter: 'e.g. 5ms', loss: 'a percentage, e.g. 5%', rate: 'e.g. 10mbit' } as const;
    for (const key of ['delay', 'jitter', 'loss', 'rate'] as const) {
      const v = a[key];
      if (v !== undefined && parsers[key](v) === undefined) ctx.problem([key], `${key} "${v}" is not valid`, hints[key]);
    }
    if (a.clear && (a.delay ?? a.jitter ?? a.loss ?? a.rate) !== undefined) ctx.problem(['clear'], 'clear: true cannot be combined with impairment values', 'use two steps');
    if (!a.clear && (a.delay ?? a.jitter ?? a.loss ?? a.rate) === undefined) ctx.problem([], 'netem needs at least one of delay, jitter, loss, rate (or clear: true)');
  },
  describe: (a) => `netem ${a.link} ${a.clear ? 'clear' : Object.entries(a).filter(([k]) => k !== 'link').map(([k, v]) => `${k} ${v}`).join(' ')}`,
  run: async (a, ctx) => {
    await ctx.runtime.setNetem({ index: linkIndex(ctx.lab, a.link) }, toNetem(a), { signal: ctx.signal });
  },
});
