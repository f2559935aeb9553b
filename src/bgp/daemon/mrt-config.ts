/**
 * The `mrt:` section of bgpd.yml (docs/bgpd-config.md, "MRT output"): periodic TABLE_DUMP_V2
 * RIB dumps and BGP4MP update logs (RFC 6396), file names from strftime-style templates.
 */
import { z } from 'zod';
import { templateProblem } from '../mrt/filename-template.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `15m`, `2h`, `1d`, `1h30m` as whole seconds; undefined when not a duration. */
export function parseMrtDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const text = v.trim();
  if (!/^(\d+[smhd])+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)([smhd])/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** A period in seconds, written as seconds or with units; at least `min` seconds. */
const period = (min: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const s = parseMrtDuration(v);
    if (s === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration: write seconds or e.g. 15m, 2h, 1d` });
      return z.NEVER;
    }
    if (s < min || s > 7 * 86400) {
      ctx.addIssue({ code: 'custom', message: `${v} is outside ${min} s to 7 d` });
      return z.NEVER;
    }
    return s;
  });

const fileTemplate = z.string().min(1).superRefine((v, ctx) => {
  const problem = templateProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `file template "${v}" ${problem}; it may use %Y %m %d %H %M %S and %%` });
});

export const mrtConfigSchema = z.strictObject({
  /** TABLE_DUMP_V2 RIB dumps. */
  'table-dump': z.strictObject({
    /** strftime-style template, UTC (`rib.%Y%m%d.%H%M.mrt`); `.gz` at the end compresses. Relative paths are from the config file's directory. */
    file: fileTemplate,
    /** Seconds or `2h`; dumps at multiples of it since the Unix epoch. */
    interval: period(10).default(7200),
    /** `all`: every accepted path of every peer (Adj-RIB-In after import policy) and our own, the best first; `best`: the Loc-RIB only. */
    routes: z.enum(['all', 'best']).default('all'),
    /**
     * MP_REACH_NLRI of IPv6 entries: `rfc6396` (§4.3.4: next hop length and next hop only), or
     * `full` (the whole RFC 4760 attribute, as Quagga and GoBGP before 3.17 write and read).
     */
    'mp-reach': z.enum(['rfc6396', 'full']).default('rfc6396'),
  }).optional(),
  /** BGP4MP update logs. */
  updates: z.strictObject({
    file: fileTemplate,
    /** Seconds or `15m`: a new file at multiples of it since the Unix epoch. */
    rotate: period(10).default(900),
    /** Also log the messages we send (BGP4MP_MESSAGE_AS4_LOCAL). */
    sent: z.boolean().default(false),
  }).optional(),
  /** BGP4MP_ET records (RFC 6396 §3: microsecond timestamps) instead of BGP4MP. */
  'extended-timestamp': z.boolean().default(false),
});

export type MrtConfig = z.infer<typeof mrtConfigSchema>;
