/**
 * `zerotier.yml` for a zerotier node: what its overlay agent (`flatlab zt agent`) needs, as
 * src/zt/agent-config.ts defines it. Member addresses come from the node names (stable across
 * runs); the controller's address is its network id's first ten digits, as in ZeroTier. The
 * controller's file carries the networks of the topology's `lab.zerotier.networks` in
 * ZeroTier's controller API shape, with each member preset (name, authorization, fixed IPv4
 * from `overlay-ipv4`, tags). A member with `config.hesiod` also gets `hesiod.zone`.
 */
import { stringify } from 'yaml';
import { getKind } from '../kinds/index.js';
import { effectiveConfig } from '../kinds/placeholders.js';
import type { Lab, LabNode } from '../topology/lab.js';
import type { AgentConfig } from '../zt/agent-config.js';
import type { MemberId } from '../zt/ids.js';
import { plannedIpv4, ztLabPlan, type ZtLabPlan } from '../zt/lab-plan.js';
import type { ConfigFile } from './config-file.js';
import { generatedHeader } from './header.js';
import { hesiodZoneConfig } from './hesiod-zone.js';
import { ConfigWriterError } from './policy-terms.js';

/** The lab's overlay as the zt library sees it (nodes, roles, endpoints), from the augmented lab. */
export function zerotierPlan(lab: Lab): ZtLabPlan {
  const nodes = lab.nodes
    .filter((n) => n.kind === 'zerotier')
    .map((n) => {
      const c = effectiveConfig(getKind(n.kind), n.config);
      const ipv4 = n.interfaces.find((i) => i.ipv4)?.ipv4?.split('/')[0];
      return {
        name: n.name,
        role: c.role as 'controller' | 'root' | 'member',
        port: c.port as number,
        ...(typeof c.network === 'string' ? { network: c.network } : {}),
        ...(typeof c.controller === 'string' ? { controller: c.controller } : {}),
        roots: Array.isArray(c.roots) ? (c.roots as string[]) : [],
        ...(typeof c['overlay-ipv4'] === 'string' ? { overlayIpv4: (c['overlay-ipv4'] as string).split('/')[0]! } : {}),
        authorized: c.authorized !== false,
        tags: Array.isArray(c.tags) ? (c.tags as Array<[number, number]>) : [],
        hesiod: c.hesiod !== undefined,
        ...(ipv4 ? { underlayIpv4: ipv4 } : {}),
      };
    });
  try {
    return ztLabPlan(lab.name, nodes, lab.extras.zerotier);
  } catch (e) {
    if (e instanceof Error && 'code' in e) throw new ConfigWriterError('ZeroTier', (e as { node?: string }).node ?? lab.name, e.message, (e as { hint?: string }).hint ?? 'see docs/zerotier.md');
    throw e;
  }
}

export function zerotierConfig(lab: Lab, node: LabNode): ConfigFile[] {
  const plan = zerotierPlan(lab);
  const agent: AgentConfig | undefined = plan.agents.get(node.name);
  if (!agent) return [];
  const files: ConfigFile[] = [{ path: 'zerotier.yml', content: generatedHeader('#', lab) + stringify(agent, { lineWidth: 0 }) }];
  if (agent.role === 'member' && agent.hesiod) {
    files.push(...hesiodZoneConfig(lab, { ...node, config: node.config.hesiod as Record<string, unknown> }));
  }
  // For containerlab (real zerotier-one and kubo); the netns runtime does not read them.
  const setup = zerotierSetupScript(lab, node);
  if (setup) files.push({ path: 'zt-setup.sh', content: setup, mode: 0o755 });
  if (agent.role === 'controller') files.push({ path: 'zt-shared/README', content: 'containerlab: the ZeroTier setup scripts exchange network ids and member addresses here at run time.\n' });
  const kubo = kuboInitScript(lab, node);
  if (kubo) files.push({ path: 'ipfs-init.sh', content: kubo, mode: 0o755 });
  return files;
}

/**
 * Where the containerlab nodes of a ZeroTier lab exchange the real controller's network ids and
 * the members' addresses: a directory of the generated lab (under the controller's configs, so
 * it exists before deploy, as containerlab wants of bind sources), bound into every zerotier
 * container.
 */
export const CLAB_SHARED_DIR = '/flatlab/zt-shared';
const sharedDirOf = (controller: string) => `configs/${controller}/zt-shared`;
/** kubo (IPFS), as FlatRacoon runs it beside each member; pinned like every image flatlab emits. */
export const KUBO_IMAGE = 'ipfs/kubo:v0.32.1';

const apiCall = (method: string, path: string, body: string) =>
  `curl -fsS -X ${method} -H "X-ZT1-Auth: $(cat /var/lib/zerotier-one/authtoken.secret)" -d '${body}' "http://127.0.0.1:9993${path}"`;

/**
 * The setup script a zerotier container runs after deploy (containerlab `exec`). A real
 * controller's address comes from its own identity, so the network it serves is
 * `<its address><the topology's 6-digit network number>`: the controller creates it through
 * its local JSON API (POST /controller/network/<nwid>), publishes the id in the shared
 * directory, and authorizes each member as it appears there (POST
 * /controller/network/<nwid>/member/<address>); members wait for the id and join. Both run in
 * the background with bounded waits, so exec order does not matter.
 */
export function zerotierSetupScript(lab: Lab, node: LabNode): string | undefined {
  const plan = zerotierPlan(lab);
  const agent = plan.agents.get(node.name);
  if (!agent || agent.role === 'root' || (agent.role === 'member' && !agent.controller)) return undefined;
  const lines = ['#!/bin/sh', `# ZeroTier setup for ${node.name} (${agent.role}) of lab ${lab.name}, written by flatlab generate.`, 'set -u', `S=${CLAB_SHARED_DIR}`, 'mkdir -p "$S/members"',
    'for i in $(seq 1 60); do zerotier-cli info >/dev/null 2>&1 && break; sleep 1; done',
    'ADDR=$(zerotier-cli info | awk \'{print $3}\')'];
  if (agent.role === 'controller') {
    const order = [...plan.agents.values()].filter((a) => a.role === 'member').map((a) => a.address as MemberId);
    const v4 = plannedIpv4(agent, order);
    lines.push('(');
    for (const [id, n] of Object.entries(agent.networks)) {
      const { members, ...settings } = n;
      const num = id.slice(10);
      lines.push(`  NWID="\${ADDR}${num}"`, `  ${apiCall('POST', '/controller/network/$NWID', JSON.stringify(settings))} >/dev/null`, `  echo "$NWID" > "$S/${id}.nwid"`);
      for (const [mid, m] of Object.entries(members)) {
        const body = JSON.stringify({ name: m.name, authorized: m.authorized, ipAssignments: v4.has(mid) ? [v4.get(mid)] : [], tags: m.tags });
        lines.push(`  for i in $(seq 1 120); do [ -s "$S/members/${m.name}" ] && break; sleep 1; done`, `  [ -s "$S/members/${m.name}" ] && ${apiCall('POST', `/controller/network/$NWID/member/$(cat "$S/members/${m.name}")`, body)} >/dev/null`);
      }
    }
    lines.push(') >/tmp/flatlab-zt-setup.log 2>&1 &');
  } else {
    lines.push('(', `  for i in $(seq 1 120); do [ -s "$S/${agent.network}.nwid" ] && break; sleep 1; done`, `  zerotier-cli join "$(cat "$S/${agent.network}.nwid")"`, `  echo "$ADDR" > "$S/members/${node.name}"`, ') >/tmp/flatlab-zt-setup.log 2>&1 &');
  }
  return `${lines.join('\n')}\n`;
}

/** kubo's container-init script for a member: swarm and gateway on the member's overlay IPv4 only, the API on loopback. */
export function kuboInitScript(lab: Lab, node: LabNode): string | undefined {
  const plan = zerotierPlan(lab);
  const agent = plan.agents.get(node.name);
  if (!agent || agent.role !== 'member') return undefined;
  const ctl = agent.controller && plan.agents.get(agent.controller.node);
  if (!ctl || ctl.role !== 'controller') return undefined;
  const order = [...plan.agents.values()].filter((a) => a.role === 'member').map((a) => a.address as MemberId);
  const ip = plannedIpv4(ctl, order).get(agent.address);
  if (!ip) return undefined;
  return [
    '#!/bin/sh',
    `# kubo on ${node.name}'s ZeroTier address ${ip} only (FlatRacoon binds IPFS to the overlay), written by flatlab generate.`,
    `for i in $(seq 1 120); do ip -4 addr 2>/dev/null | grep -q "inet ${ip}/" && break; sleep 1; done`,
    `ipfs config --json Addresses.Swarm '["/ip4/${ip}/tcp/4001", "/ip4/${ip}/udp/4001/quic-v1"]'`,
    `ipfs config --json Addresses.Announce '["/ip4/${ip}/tcp/4001", "/ip4/${ip}/udp/4001/quic-v1"]'`,
    `ipfs config Addresses.Gateway /ip4/${ip}/tcp/8080`,
    'ipfs config Addresses.API /ip4/127.0.0.1/tcp/5001',
    // No public bootstrap (no Internet in a lab): members find each other by mDNS over the overlay.
    'ipfs bootstrap rm --all',
    '',
  ].join('\n');
}

/** Extra containerlab settings for a zerotier node: the shared directory and the setup script. */
export function zerotierClabPatch(lab: Lab, node: LabNode, configDir: string): { exec: string[]; binds: string[] } {
  const agent = zerotierPlan(lab).agents.get(node.name);
  if (!agent || !zerotierSetupScript(lab, node)) return { exec: [], binds: [] };
  const controller = agent.role === 'member' ? agent.controller!.node : agent.node;
  return { exec: [`sh ${configDir}/zt-setup.sh`], binds: [`${sharedDirOf(controller)}:${CLAB_SHARED_DIR}`] };
}

/** A kubo container per member, in the member's network namespace (`network-mode: container:<member>`). */
export function zerotierClabNodes(lab: Lab): Record<string, { kind: 'linux'; image: string; 'network-mode': string; binds: string[]; labels: Record<string, string> }> {
  const out: Record<string, { kind: 'linux'; image: string; 'network-mode': string; binds: string[]; labels: Record<string, string> }> = {};
  for (const node of lab.nodes) {
    if (node.kind !== 'zerotier' || !kuboInitScript(lab, node)) continue;
    out[`ipfs-${node.name}`] = { kind: 'linux', image: KUBO_IMAGE, 'network-mode': `container:${node.name}`, binds: [`configs/${node.name}/ipfs-init.sh:/container-init.d/010-flatlab-overlay.sh:ro`], labels: { 'flatlab.role': 'ipfs', 'flatlab.member': node.name } };
  }
  return out;
}
