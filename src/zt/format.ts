/**
 * Text output in the shape of `zerotier-cli listnetworks` and `zerotier-cli peers` (the
 * `200 listnetworks …` lines scripts parse), and a `members` table for the controller.
 */
export interface NetworkView {
  nwid: string;
  name: string;
  mac: string;
  status: string;
  type: string;
  portDeviceName: string;
  assignedAddresses: string[];
}

export interface PeerView {
  address: string;
  role: string;
  latency: number;
  relayed: boolean;
  paths: Array<{ address: string; active: boolean; preferred: boolean }>;
}

export interface MemberView {
  address: string;
  name: string;
  state: string;
  assignedAddresses: string[];
  physicalAddress: string | null;
}

export function formatListNetworks(node: string, nets: readonly NetworkView[]): string {
  const lines = [`# ${node}`, '200 listnetworks <nwid> <name> <mac> <status> <type> <dev> <ZT assigned ips>'];
  for (const n of nets) lines.push(`200 listnetworks ${n.nwid} ${n.name || '-'} ${n.mac} ${n.status} ${n.type} ${n.portDeviceName} ${n.assignedAddresses.join(',') || '-'}`);
  return `${lines.join('\n')}\n`;
}

export function formatPeers(node: string, peers: readonly PeerView[]): string {
  const rows = [['<ztaddr>', '<ver>', '<role>', '<lat>', '<link>', '<path>']];
  for (const p of peers) {
    const path = p.paths.find((x) => x.preferred) ?? p.paths.find((x) => x.active);
    rows.push([p.address, '-', p.role, String(p.latency), p.relayed ? 'RELAY' : 'DIRECT', p.relayed || !path ? '-' : path.address]);
  }
  return `# ${node}\n200 peers\n${table(rows)}`;
}

export function formatMembers(nwid: string, members: readonly MemberView[]): string {
  const rows = [['<member>', '<name>', '<state>', '<assigned ips>', '<physical>']];
  for (const m of members) rows.push([m.address, m.name || '-', m.state, m.assignedAddresses.join(',') || '-', m.physicalAddress ?? '-']);
  return `# network ${nwid}\n${table(rows)}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ')).join('\n') + '\n';
}
