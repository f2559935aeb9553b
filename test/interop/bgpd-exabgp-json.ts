/** What ExaBGP 4.2's JSON API says it received, replayed into a table of routes (ExaBGP keeps no RIB to ask). */
import type { RouteObservation } from '../../src/runtime/runtime.js';

interface ExaUpdate {
  attribute?: { 'as-path'?: number[]; med?: number; community?: Array<[number, number]>; 'large-community'?: Array<[number, number, number]> };
  announce?: Record<string, Record<string, Array<{ nlri: string }>>>;
  withdraw?: Record<string, Array<{ nlri: string }>>;
}

/** Routes by prefix after every `update` message in `messages`, in order. */
export function exabgpRoutes(messages: ReadonlyArray<Record<string, unknown>>): Map<string, RouteObservation> {
  const table = new Map<string, RouteObservation>();
  for (const m of messages) {
    if (m.type !== 'update') continue;
    const u = ((m.neighbor as { message?: { update?: ExaUpdate } } | undefined)?.message?.update ?? {}) as ExaUpdate;
    for (const list of Object.values(u.withdraw ?? {})) for (const w of list) table.delete(w.nlri);
    const a = u.attribute ?? {};
    for (const byNextHop of Object.values(u.announce ?? {})) {
      for (const [nextHop, list] of Object.entries(byNextHop)) {
        for (const r of list) {
          table.set(r.nlri, {
            prefix: r.nlri,
            best: true,
            asPath: a['as-path'] ?? [],
            nextHop,
            ...(a.med !== undefined ? { med: a.med } : {}),
            communities: (a.community ?? []).map(([x, y]) => `${x}:${y}`),
            largeCommunities: (a['large-community'] ?? []).map((l) => l.join(':')),
            from: String(((m.neighbor as { address?: { peer?: string } }).address ?? {}).peer ?? ''),
          });
        }
      }
    }
  }
  return table;
}
