/**
 * When a lab's overlay agents are ready, as data: what each agent should reach once the whole
 * lab has joined (from the lab plan and the controller model itself), and a pure check of what
 * an agent reports against it. A member is ready when its network has the status its
 * controller will give it (OK, or ACCESS_DENIED for a member the controller does not admit),
 * it holds a pair key for every peer the controller admits beside it, and each address it was
 * assigned is configured on its overlay device. Controllers and roots are ready when their
 * local API answers. The netns runtime polls this before `up` returns.
 */
import type { ControllerAgentConfig } from './agent-config.js';
import { configFor, emptyController, isAdmitted, step } from './controller.js';
import type { MemberId, NetworkId } from './ids.js';
import type { ZtLabPlan } from './lab-plan.js';
import { parseInterfaceAddress, formatIp } from '../net/ip.js';

export type ExpectedStatus = 'OK' | 'ACCESS_DENIED' | 'REQUESTING_CONFIGURATION';

export type AgentExpectation =
  | { node: string; role: 'controller' | 'root' }
  | {
      node: string;
      role: 'member';
      network: string;
      /** The controller's node, or null when no node of the lab serves the network. */
      controller: string | null;
      status: ExpectedStatus;
      /** Member nodes whose pair keys the member must hold (the peers its config lists). */
      peers: string[];
      /** How many addresses its config assigns (IPv4 from the pool or fixed, RFC 4193, 6PLANE). */
      addresses: number;
    };

/** What one agent reports through its local API, plus the addresses on its overlay device. */
export interface AgentObservation {
  /** The local API's error when it did not answer. */
  unreachable?: string;
  status?: string;
  assignedAddresses?: string[];
  /** Member nodes the agent holds a peer (and so a pair key) for. */
  peers?: string[];
  /** `address/length` configured on the member's overlay device. */
  deviceAddresses?: string[];
}

/** Every agent of the lab with what it must report once everyone has joined. */
export function agentExpectations(plan: ZtLabPlan): AgentExpectation[] {
  const agents = [...plan.agents.values()];
  const nameOf = new Map([...plan.addressOf].map(([name, id]) => [id as string, name]));
  const joined = new Map(agents.filter((a): a is ControllerAgentConfig => a.role === 'controller').map((c) => [c.node, joinEveryone(c, plan)]));
  return agents.map((a): AgentExpectation => {
    if (a.role !== 'member') return { node: a.node, role: a.role };
    const base = { node: a.node, role: 'member' as const, network: a.network, controller: a.controller?.node ?? null };
    const net = a.controller ? joined.get(a.controller.node)?.networks[a.network] : undefined;
    const m = net?.members[a.address];
    // No controller in the lab (or it does not serve the network): the member keeps asking.
    if (!net || !m) return { ...base, status: a.controller ? 'ACCESS_DENIED' : 'REQUESTING_CONFIGURATION', peers: [], addresses: 0 };
    if (!isAdmitted(net, m)) return { ...base, status: 'ACCESS_DENIED', peers: [], addresses: 0 };
    const config = configFor(net, m);
    return { ...base, status: 'OK', peers: config.peers.map((p) => nameOf.get(p.id) ?? p.id).sort(), addresses: config.assignedAddresses.length };
  });
}

/** The controller's state once every member of the plan that names it has asked for its config. */
function joinEveryone(c: ControllerAgentConfig, plan: ZtLabPlan) {
  const zeros = (n: number) => new Uint8Array(n);
  let state = emptyController();
  for (const [id, n] of Object.entries(c.networks)) {
    const { members, ...settings } = n;
    state = step(state, { type: 'set-network', settings: { id: id as NetworkId, ...settings } }, zeros).state;
    for (const [mid, preset] of Object.entries(members)) state = step(state, { type: 'set-member', network: id as NetworkId, member: mid as MemberId, patch: preset }, zeros).state;
  }
  for (const a of plan.agents.values()) {
    if (a.role !== 'member' || a.controller?.node !== c.node || !state.networks[a.network]) continue;
    state = step(state, { type: 'request', network: a.network as NetworkId, member: a.address as MemberId, identity: a.address, endpoints: [], now: 0 }, zeros).state;
  }
  return state;
}

/** Undefined when the agent is ready; otherwise what it still lacks, in words for an error. */
export function notReadyReason(e: AgentExpectation, o: AgentObservation): string | undefined {
  if (o.unreachable !== undefined) return `its agent does not answer (${o.unreachable})`;
  if (e.role !== 'member') return undefined;
  if (o.status !== e.status) {
    const waiting = e.controller ? ` (no config from controller ${e.controller} yet)` : '';
    return `network ${e.network} is ${o.status ?? 'not joined'}, expected ${e.status}${o.status === 'REQUESTING_CONFIGURATION' ? waiting : ''}`;
  }
  if (e.status !== 'OK') return undefined;
  const missingPeers = e.peers.filter((p) => !(o.peers ?? []).includes(p));
  if (missingPeers.length) return `no key yet for peer${missingPeers.length > 1 ? 's' : ''} ${missingPeers.join(', ')}`;
  const assigned = o.assignedAddresses ?? [];
  if (assigned.length < e.addresses) return `${assigned.length} of ${e.addresses} overlay addresses assigned`;
  const onDevice = new Set((o.deviceAddresses ?? []).map(normalAddress));
  const missing = assigned.filter((a) => !onDevice.has(normalAddress(a)));
  if (missing.length) return `overlay address${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} not configured on its device yet`;
  return undefined;
}

/**
 * After `start` of one stopped agent, not the whole lab: undefined when it is back. Its local API
 * answers; a member has its network joined and, while its controller runs, an answer from it
 * (not REQUESTING_CONFIGURATION), and once OK every address the controller assigned it on its
 * device. Authorization may have changed since `up` (and peers may be stopped), so the status
 * and the peers are not held to the lab plan.
 */
export function notRestartedReason(e: AgentExpectation, o: AgentObservation, controllerRunning: boolean): string | undefined {
  if (o.unreachable !== undefined) return `its agent does not answer (${o.unreachable})`;
  if (e.role !== 'member') return undefined;
  if (o.status === undefined) return `network ${e.network} is not joined`;
  if (o.status === 'REQUESTING_CONFIGURATION' && e.controller && controllerRunning) return `network ${e.network} is REQUESTING_CONFIGURATION (no config from controller ${e.controller} yet)`;
  if (o.status !== 'OK') return undefined;
  const onDevice = new Set((o.deviceAddresses ?? []).map(normalAddress));
  const missing = (o.assignedAddresses ?? []).filter((a) => !onDevice.has(normalAddress(a)));
  if (missing.length) return `overlay address${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} not configured on its device yet`;
  return undefined;
}

/** `address/length` in one spelling (IPv6 as RFC 5952 writes it), so the agent's and the kernel's forms compare. */
function normalAddress(text: string): string {
  const parsed = parseInterfaceAddress(text);
  return parsed ? `${formatIp(parsed.address.family, parsed.address.value)}/${parsed.length}` : text;
}
