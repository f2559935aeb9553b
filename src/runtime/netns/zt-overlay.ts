/**
 * The overlay observations of the netns runtime: each zerotier node's agent answers on its
 * local API socket in the node's run directory; member addresses map back to node names
 * through the lab's zerotier plan.
 */
import { zerotierPlan } from '../../emit/zerotier.js';
import type { Lab } from '../../topology/lab.js';
import { apiSocketOf, listNetworks, listPeers, setAuthorized } from '../../zt/client.js';
import { RuntimeError } from '../errors.js';
import type { OverlayNetworkObservation, OverlayPeerObservation } from '../runtime.js';

function memberAgent(lab: Lab, node: string) {
  const agent = zerotierPlan(lab).agents.get(node);
  if (!agent || agent.role !== 'member') throw new RuntimeError('netns.not-a-member', `${node} is not a zerotier member of ${lab.name}`, { hint: 'overlay checks name member nodes (kind zerotier, role member)' });
  return agent;
}

function names(lab: Lab): Map<string, string> {
  return new Map([...zerotierPlan(lab).addressOf].map(([name, id]) => [id, name]));
}

const unreachable = (node: string, err: Error) => new RuntimeError('netns.zt-agent', `the zerotier agent of ${node} does not answer: ${err.message}`, { hint: 'see its log in the run directory (zt.log / main.js.log)' });

export async function netnsOverlayNetworks(lab: Lab, runDirOf: (node: string) => string, node: string): Promise<OverlayNetworkObservation[]> {
  memberAgent(lab, node);
  const byId = names(lab);
  const [nets, peers] = await Promise.all([listNetworks(apiSocketOf(runDirOf(node))), listPeers(apiSocketOf(runDirOf(node)))]).catch((e: Error) => {
    throw unreachable(node, e);
  });
  const memberPeers = peers.filter((p) => p.role === 'LEAF' && byId.get(p.address) && zerotierPlan(lab).agents.get(byId.get(p.address)!)?.role === 'member').map((p) => byId.get(p.address)!);
  return nets.map((n) => ({ network: n.nwid, status: n.status as OverlayNetworkObservation['status'], addresses: n.assignedAddresses, peers: memberPeers }));
}

export async function netnsOverlayPeers(lab: Lab, runDirOf: (node: string) => string, node: string): Promise<OverlayPeerObservation[]> {
  memberAgent(lab, node);
  const byId = names(lab);
  const plan = zerotierPlan(lab);
  const peers = await listPeers(apiSocketOf(runDirOf(node))).catch((e: Error) => {
    throw unreachable(node, e);
  });
  return peers
    .filter((p) => plan.agents.get(byId.get(p.address) ?? '')?.role === 'member')
    .map((p) => {
      const path = p.paths.find((x) => x.preferred);
      return { peer: byId.get(p.address)!, link: p.relayed ? ('relay' as const) : ('direct' as const), ...(!p.relayed && path ? { path: path.address.replace(/\/(\d+)$/, ':$1') } : {}) };
    });
}

export async function netnsOverlayAuthorize(lab: Lab, runDirOf: (node: string) => string, member: string, authorized: boolean): Promise<void> {
  const agent = memberAgent(lab, member);
  const ctl = agent.controller;
  if (!ctl) throw new RuntimeError('netns.no-controller', `no controller in ${lab.name} serves ${member}'s network ${agent.network}`, { hint: 'add a zerotier node with role: controller and that network' });
  await setAuthorized(apiSocketOf(runDirOf(ctl.node)), agent.network, agent.address, authorized).catch((e: Error) => {
    throw unreachable(ctl.node, e);
  });
}
