/** DNS expectations: `dns: { from, name, type, class, server, expect, rcode }`. */
import { z } from 'zod';
import { checkNode } from '../lab-refs.js';
import type { CheckResult, StepCheckContext, StepRunContext } from '../step.js';

export const dnsArgs = z.strictObject({
  from: z.string().min(1),
  name: z.string().min(1),
  type: z.string().regex(/^[A-Za-z0-9]+$/).default('A'),
  class: z.enum(['IN', 'HS']).optional(),
  server: z.string().optional(),
  /** Each listed value must be among the answers' data (for TXT, the joined strings). */
  expect: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  /** Expected response code (default NOERROR when `expect` is given). */
  rcode: z.enum(['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP']).optional(),
  /** No answer records of this type (NODATA). */
  empty: z.boolean().optional(),
  /** Values that must not be among the answers (e.g. no synthesized AAAA for a dual-stack name). */
  absent: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
});
export type DnsArgs = z.infer<typeof dnsArgs>;

export function checkDnsArgs(a: DnsArgs, ctx: StepCheckContext): void {
  checkNode(ctx, ['from'], a.from);
  if (a.expect !== undefined && a.empty) ctx.problem(['empty'], 'empty: true cannot be combined with expect', 'expect answers, or expect none');
  if (a.expect !== undefined && a.rcode !== undefined && a.rcode !== 'NOERROR') ctx.problem(['rcode'], `answers cannot come with rcode ${a.rcode}`, 'drop expect or rcode');
}

export function describeDns(a: DnsArgs): string {
  return `dns ${a.name} ${a.class ?? 'IN'} ${a.type} from ${a.from}`;
}

export async function observeDns(a: DnsArgs, ctx: StepRunContext): Promise<CheckResult> {
  const r = await ctx.runtime.dnsQuery(a.from, { name: a.name, type: a.type.toUpperCase(), ...(a.class ? { class: a.class } : {}), ...(a.server ? { server: a.server } : {}) }, { signal: ctx.signal });
  const wanted = a.expect === undefined ? [] : typeof a.expect === 'string' ? [a.expect] : a.expect;
  const rcode = a.rcode ?? (wanted.length || a.empty ? 'NOERROR' : undefined);
  const data = r.answers.filter((x) => x.type === a.type.toUpperCase()).map((x) => x.data);
  const expectedParts = [rcode ? `rcode ${rcode}` : 'any rcode', ...(wanted.length ? [`answers ⊇ {${wanted.join(', ')}}`] : []), ...(a.empty ? ['no answers'] : [])];
  const unwanted = a.absent === undefined ? [] : typeof a.absent === 'string' ? [a.absent] : a.absent;
  if (unwanted.length) expectedParts.push(`none of {${unwanted.join(', ')}}`);
  const ok = (rcode === undefined || r.rcode === rcode) && wanted.every((w) => data.some((d) => sameData(d, w))) && (!a.empty || data.length === 0) && !unwanted.some((u) => data.some((d) => sameData(d, u) || prefixMatch(d, u)));
  return { ok, expected: expectedParts.join(', '), observed: `rcode ${r.rcode}, answers {${data.join(', ')}}` };
}

/** `64:ff9b::/96` in `absent` stands for every address under that prefix (compared by whole groups). */
function prefixMatch(observed: string, pattern: string): boolean {
  const m = /^(.+)\/(\d+)$/.exec(pattern);
  if (!m || !observed.includes(':')) return false;
  const o = expandV6(observed);
  const p = expandV6(m[1]!);
  const groups = Math.floor(Number(m[2]) / 16);
  return o !== undefined && p !== undefined && o.split(':').slice(0, groups).join(':') === p.split(':').slice(0, groups).join(':');
}

/** Addresses compare by value (2001:DB8::1 = 2001:db8:0::1); names without the trailing dot. */
function sameData(observed: string, wanted: string): boolean {
  const norm = (s: string) => s.trim().replace(/\.$/, '').toLowerCase();
  if (norm(observed) === norm(wanted)) return true;
  if (observed.includes(':') && wanted.includes(':')) return expandV6(observed) === expandV6(wanted);
  return false;
}

function expandV6(a: string): string | undefined {
  const s = a.toLowerCase();
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? new Array(8 - head.length - tail.length).fill('0') : [];
  const groups = [...head, ...fill, ...tail];
  if (groups.length !== 8) return undefined;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}
