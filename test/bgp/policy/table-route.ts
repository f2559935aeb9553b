/** Converts the shared table's text form into the engine's records and back. */
import type { PathAttributes, Origin, LargeCommunity } from '../../../src/bgp/wire/types.js';
import type { PolicyRoute } from '../../../src/bgp/policy/evaluate.js';
import type { TableRoute } from '../../fixtures/policy/table.js';

const WELL_KNOWN: Record<string, number> = { 'no-export': 0xffffff01, 'no-advertise': 0xffffff02, 'no-export-subconfed': 0xffffff03, 'no-peer': 0xffffff04, blackhole: 0xffff029a, 'graceful-shutdown': 0xffff0000 };
const ORIGINS = ['igp', 'egp', 'incomplete'] as const;

export function communityNumber(text: string): number {
  const known = WELL_KNOWN[text];
  if (known !== undefined) return known;
  const [a, v] = text.split(':').map(Number);
  return ((a! << 16) | v!) >>> 0;
}

export function communityText(c: number): string {
  return `${c >>> 16}:${c & 0xffff}`;
}

export function largeTuple(text: string): LargeCommunity {
  const [g, a, b] = text.split(':').map(Number);
  return [g!, a!, b!];
}

export function toPolicyRoute(r: TableRoute): PolicyRoute {
  const attributes: PathAttributes = {
    origin: ORIGINS.indexOf(r.origin) as Origin,
    asPath: r.asPath.length ? [{ type: 2, asns: [...r.asPath] }] : [],
    nextHop: r.nextHop,
    ...(r.med !== undefined ? { med: r.med } : {}),
    ...(r.localPref !== undefined ? { localPref: r.localPref } : {}),
    ...(r.communities ? { communities: r.communities.map(communityNumber) } : {}),
    ...(r.largeCommunities ? { largeCommunities: r.largeCommunities.map(largeTuple) } : {}),
  };
  return { prefix: r.prefix, attributes };
}

export function originName(o: Origin | undefined): string | undefined {
  return o === undefined ? undefined : ORIGINS[o];
}
