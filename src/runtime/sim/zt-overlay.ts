/**
 * The overlay on the sim runtime: membership and addressing, not frames. Each controller runs
 * the same pure controller core as `flatlab zt agent`; a running member "asks for its config"
 * whenever it is observed and a path to its controller's underlay address exists (NAT is not
 * modelled: a member behind a NAT router reaches out, and the answer follows the mapping). Pair
 * keys come from the sim's seeded randomness, so a run is repeatable. Paths between members
 * (direct or relay) need real packets: that is the netns runtime's part.
 */
import { zerotierPlan } from '../../emit/zerotier.js';
import type { Lab } from '../../topology/lab.js';
import type { ControllerAgentConfig, MemberAgentConfig } from '../../zt/agent-config.js';
import { configFor, emptyController, isAdmitted, step, type ControllerEvent, type ControllerState, type RandomBytes } from '../../zt/controller.js';
import type { MemberId, NetworkId } from '../../zt/ids.js';
import { RuntimeError } from '../errors.js';
import type { OverlayNetworkObservation } from '../runtime.js';

export interface SimOverlayEnv {
  /** Whether `node` is running and has an underlay path to `address`. */
  canReach(node: string, address: string): boolean;
  now(): number;
}

export class SimZtOverlay {
  private readonly controllers = new Map<string, ControllerState>();
  private readonly members = new Map<string, MemberAgentConfig>();
  private readonly names = new Map<string, string>();
  /** Members that have asked at least once (their identity is known to the controller). */
  private readonly joined = new Set<string>();

  constructor(private readonly lab: Lab, private readonly random: RandomBytes, private readonly env: SimOverlayEnv) {
    const plan = zerotierPlan(lab);
    for (const [name, id] of plan.addressOf) this.names.set(id, name);
    for (const agent of plan.agents.values()) {
      if (agent.role === 'member') this.members.set(agent.node, agent);
      if (agent.role === 'controller') this.controllers.set(agent.node, this.initialState(agent));
    }
  }

  private initialState(cfg: ControllerAgentConfig): ControllerState {
    let state = emptyController();
    for (const [id, n] of Object.entries(cfg.networks)) {
      const { members, ...settings } = n;
      state = step(state, { type: 'set-network', settings: { id: id as NetworkId, ...settings } }, this.random).state;
      for (const [mid, preset] of Object.entries(members)) state = step(state, { type: 'set-member', network: id as NetworkId, member: mid as MemberId, patch: preset }, this.random).state;
    }
    return state;
  }

  private apply(controller: string, event: ControllerEvent): void {
    this.controllers.set(controller, step(this.controllers.get(controller)!, event, this.random).state);
  }

  /** Every running member with a path to its controller asks again. */
  private poll(): void {
    for (const [node, m] of this.members) {
      if (!m.controller || !this.env.canReach(node, m.controller.endpoint.split(':')[0]!)) continue;
      this.joined.add(node);
      this.apply(m.controller.node, { type: 'request', network: m.network as NetworkId, member: m.address as MemberId, identity: `sim:${m.address}`, endpoints: [], now: this.env.now() });
    }
  }

  private member(node: string): MemberAgentConfig {
    const m = this.members.get(node);
    if (!m) throw new RuntimeError('sim.not-a-member', `${node} is not a zerotier member of ${this.lab.name}`, { hint: 'overlay checks name member nodes (kind zerotier, role member)' });
    return m;
  }

  networks(node: string): OverlayNetworkObservation[] {
    const m = this.member(node);
    this.poll();
    const net = m.controller ? this.controllers.get(m.controller.node)?.networks[m.network] : undefined;
    const record = net?.members[m.address];
    if (!this.joined.has(node) || !record) return [{ network: m.network, status: 'REQUESTING_CONFIGURATION', addresses: [], peers: [] }];
    if (!net || !isAdmitted(net, record)) return [{ network: m.network, status: net ? 'ACCESS_DENIED' : 'NOT_FOUND', addresses: [], peers: [] }];
    const config = configFor(net, record);
    return [{ network: m.network, status: 'OK', addresses: config.assignedAddresses, peers: config.peers.map((p) => this.names.get(p.id) ?? p.id) }];
  }

  authorize(member: string, authorized: boolean): void {
    const m = this.member(member);
    if (!m.controller) throw new RuntimeError('sim.no-controller', `no controller in ${this.lab.name} serves ${member}'s network ${m.network}`, { hint: 'add a zerotier node with role: controller and that network' });
    this.apply(m.controller.node, { type: 'set-member', network: m.network as NetworkId, member: m.address as MemberId, patch: { authorized } });
  }
}
