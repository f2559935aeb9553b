/**
 * `counter: { node, name, table, family, min, max, of }`: read a named nftables counter on a
 * node (`nft -j list counters`) and check its packets (or bytes) against bounds. Real
 * firewalls only, so it needs exec (netns or containerlab).
 */
import { z } from 'zod';
import { checkNode } from '../lab-refs.js';
import { defineStep } from '../step.js';

const counterArgs = z.strictObject({
  node: z.string().min(1),
  /** The counter's name (`counter v4-drop { }`). */
  name: z.string().min(1),
  /** Its table and family, when the name alone is ambiguous. */
  table: z.string().min(1).optional(),
  family: z.enum(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']).optional(),
  min: z.number().int().min(0).optional(),
  max: z.number().int().min(0).optional(),
  of: z.enum(['packets', 'bytes']).default('packets'),
});
type CounterArgs = z.infer<typeof counterArgs>;

interface NftCounter {
  family: string;
  table: string;
  name: string;
  packets: number;
  bytes: number;
}

function bounds(a: CounterArgs): string {
  if (a.min !== undefined && a.max !== undefined) return `${a.min} ≤ ${a.of} ≤ ${a.max}`;
  if (a.min !== undefined) return `${a.of} ≥ ${a.min}`;
  return `${a.of} ≤ ${a.max}`;
}

export function parseNftCounters(json: string): NftCounter[] {
  const doc = JSON.parse(json) as { nftables?: Array<{ counter?: NftCounter }> };
  return (doc.nftables ?? []).flatMap((e) => (e.counter ? [e.counter] : []));
}

export const counter = defineStep({
  type: 'check',
  name: 'counter',
  summary: 'check a named nftables counter on a node (netns or containerlab)',
  args: counterArgs,
  needs: () => ['exec'],
  check: (a, ctx) => {
    checkNode(ctx, ['node'], a.node);
    if (a.min === undefined && a.max === undefined) ctx.problem([], 'a counter check needs min or max', 'add min: 1');
    if (a.min !== undefined && a.max !== undefined && a.min > a.max) ctx.problem(['min'], `min ${a.min} is above max ${a.max}`);
  },
  describe: (a) => `counter ${a.table ? `${a.family ?? ''} ${a.table} `.trimStart() : ''}${a.name} on ${a.node}: ${bounds(a)}`,
  observe: async (a, ctx) => {
    const r = await ctx.runtime.exec(a.node, ['nft', '-j', 'list', 'counters'], { signal: ctx.signal });
    const expected = bounds(a);
    if (r.exitCode !== 0) return { ok: false, expected, observed: `nft -j list counters failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}` };
    let all: NftCounter[];
    try {
      all = parseNftCounters(r.stdout);
    } catch {
      return { ok: false, expected, observed: `nft printed no JSON: ${r.stdout.slice(0, 200)}` };
    }
    const found = all.filter((c) => c.name === a.name && (a.table === undefined || c.table === a.table) && (a.family === undefined || c.family === a.family));
    if (found.length === 0) return { ok: false, expected, observed: `no counter ${a.name} on ${a.node} (counters: ${all.map((c) => `${c.family} ${c.table} ${c.name}`).join(', ') || 'none'})` };
    if (found.length > 1) return { ok: false, expected, observed: `${found.length} counters named ${a.name}: give table: and family:` };
    const value = found[0]![a.of];
    const ok = (a.min === undefined || value >= a.min) && (a.max === undefined || value <= a.max);
    return { ok, expected, observed: `${found[0]!.family} ${found[0]!.table} ${a.name}: ${found[0]!.packets} packets, ${found[0]!.bytes} bytes` };
  },
});
