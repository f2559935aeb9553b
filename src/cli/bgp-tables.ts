/**
 * Human output of `flatlab bgp neighbors` and `flatlab bgp rib`: aligned tables in the manner
 * of `birdc show protocols` and `gobgp neighbor` / `gobgp global rib` (`--json` prints the
 * daemon's JSON instead).
 */
import type { NeighborView, RibRow } from '../bgp/daemon/views.js';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** `00:04:10` below a day, `3d04h` above, as gobgp prints Up/Down. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 86400) return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

export function neighborsTable(ns: readonly NeighborView[]): string {
  return table(
    ['Name', 'Address', 'AS', 'State', 'Up/Down', 'Received', 'Accepted', 'Advertised'],
    ns.map((n) => [n.name, n.address, String(n.remoteAs), n.state, duration(n.uptime), String(n.prefixes.received), String(n.prefixes.accepted), String(n.prefixes.advertised)]),
  );
}

/** One neighbor in detail, like `birdc show protocols all NAME`. */
export function neighborDetail(n: NeighborView): string {
  const types = ['open', 'update', 'notification', 'keepalive', 'route_refresh'];
  const lines = [
    `${n.name} (${n.address}, AS ${n.remoteAs})${n.description ? `: ${n.description}` : ''}`,
    `  State:          ${n.state} for ${duration(n.uptime)}`,
    `  Route refresh:  ${n.routeRefresh ? 'negotiated' : 'no'}`,
    `  Prefixes:       ${n.prefixes.received} received, ${n.prefixes.accepted} accepted, ${n.prefixes.advertised} advertised`,
    '  Messages:',
    ...table(['    Type', 'Received', 'Sent'], types.map((t) => [`    ${t}`, String(n.messages.received[t] ?? 0), String(n.messages.sent[t] ?? 0)])).trimEnd().split('\n'),
  ];
  return `${lines.join('\n')}\n`;
}

export function ribTable(rows: readonly RibRow[], kind: 'loc' | 'in' | 'out'): string {
  if (rows.length === 0) return 'no routes\n';
  const attrs = (r: RibRow) => [...r.communities, ...r.largeCommunities].join(' ');
  if (kind === 'loc') {
    return table(
      ['', 'Network', 'Next Hop', 'From', 'AS Path', 'LocPrf', 'MED', 'Origin', 'Communities', 'Why best'],
      rows.map((r) => ['*>', r.prefix, r.nextHop || '-', r.from, r.asPath.join(' ') || '-', r.localPref === undefined ? '' : String(r.localPref), r.med === undefined ? '' : String(r.med), r.origin ?? '', attrs(r), r.reason ?? '']),
    );
  }
  // With route flap damping on, the Adj-RIB-In says which routes it holds back (FRR's `d`) and until when.
  const damped = rows.some((r) => r.damping);
  const damping = (r: RibRow) => (r.damping ? [`${r.damping.suppressed ? 'd ' : ''}${r.damping.penalty}`, r.damping.suppressed ? `${r.damping.reuseIn}s` : ''] : ['', '']);
  return table(
    ['Peer', 'Network', 'Next Hop', 'AS Path', 'LocPrf', 'MED', 'Origin', 'Communities', ...(damped ? ['Penalty', 'Reuse in'] : [])],
    rows.map((r) => [r.peer ?? '', r.prefix, r.nextHop || '-', r.asPath.join(' ') || '-', r.localPref === undefined ? '' : String(r.localPref), r.med === undefined ? '' : String(r.med), r.origin ?? '', attrs(r), ...(damped ? damping(r) : [])]),
  );
}
