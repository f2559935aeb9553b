/**
 * The one-line-per-route text form of `flatlab mrt dump` (without --json): the pipe-separated
 * fields of `bgpdump -m`, which route-collector users already grep and cut:
 *   TABLE_DUMP2|time|B|peer ip|peer as|prefix|as path|origin|next hop|local pref|med|communities|atomic|aggregator|
 *   BGP4MP|time|A|peer ip|peer as|prefix|…same attribute fields…|   and   BGP4MP|time|W|peer ip|peer as|prefix
 *   BGP4MP|time|STATE|peer ip|peer as|old state|new state
 * Other lines (PEER_INDEX_TABLE, OPEN, KEEPALIVE, unknown records) are omitted: --json has them.
 */
import type { Json } from '../wire/index.js';
import { communityText } from '../wire/index.js';
import type { JsonObject } from './to-json.js';

const ORIGIN = ['IGP', 'EGP', 'INCOMPLETE'];

function obj(v: Json | undefined): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function list(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

function asPathText(segments: Json | undefined): string {
  return list(segments)
    .map((s) => {
      const seg = obj(s);
      const asns = list(seg.asns).join(' ');
      // AS_SET and AS_CONFED_SET are shown in braces, as bgpdump and router CLIs do.
      return seg.type === 1 || seg.type === 4 ? `{${list(seg.asns).join(',')}}` : asns;
    })
    .join(' ');
}

function attributeFields(attrs: JsonObject, nextHopFallback: string): string[] {
  const mpReach = obj(attrs.mpReach);
  const nextHop = typeof attrs.nextHop === 'string' ? attrs.nextHop : typeof mpReach.nextHop === 'string' ? mpReach.nextHop : nextHopFallback;
  const aggregator = obj(attrs.aggregator);
  return [
    asPathText(attrs.asPath),
    typeof attrs.origin === 'number' ? (ORIGIN[attrs.origin] ?? String(attrs.origin)) : '',
    nextHop,
    String(attrs.localPref ?? 0),
    String(attrs.med ?? 0),
    list(attrs.communities).map((c) => communityText(Number(c))).join(' '),
    attrs.atomicAggregate === true ? 'AG' : 'NAG',
    aggregator.asn !== undefined ? `${String(aggregator.asn)} ${String(aggregator.address)}` : '',
  ];
}

/** Text lines for one JSON line of the dump (zero or more). */
export function textLines(line: JsonObject): string[] {
  const time = String(line.timestamp);
  if (line.mrtType === 'TABLE_DUMP_V2' && line.prefix !== undefined && line.attributes !== undefined) {
    const peer = obj(line.peer);
    const peerIp = String(peer.address ?? '');
    return [['TABLE_DUMP2', time, 'B', peerIp, String(peer.as ?? ''), String(line.prefix), ...attributeFields(obj(line.attributes), peerIp), ''].join('|')];
  }
  if (line.mrtType !== 'BGP4MP' && line.mrtType !== 'BGP4MP_ET') return [];
  const head = ['BGP4MP', time];
  const peer = [String(line.peerIp), String(line.peerAs)];
  if (line.newState !== undefined) return [[...head, 'STATE', ...peer, String(line.oldState), String(line.newState)].join('|')];
  const message = obj(line.message);
  if (message.type !== 'UPDATE') return [];
  const attrs = obj(message.attributes);
  const out: string[] = [];
  const withdrawn = [...list(message.withdrawn), ...list(obj(attrs.mpUnreach).withdrawn)];
  for (const p of withdrawn) out.push([...head, 'W', ...peer, String(obj(p).prefix)].join('|'));
  const fields = attributeFields(attrs, peer[0] ?? '');
  for (const p of [...list(message.nlri), ...list(obj(attrs.mpReach).nlri)]) out.push([...head, 'A', ...peer, String(obj(p).prefix), ...fields, ''].join('|'));
  return out;
}
