/**
 * From the lab's zerotier nodes and its `lab.zerotier` section to each node's agent config.
 * Pure; the emitter hands it plain facts about the nodes (the zt library does not read the
 * topology model itself).
 */
import { z } from 'zod';
import { FlatlabError } from '../config/diagnostics.js';
import type { AgentConfig, ControllerAgentConfig } from './agent-config.js';
import { controllerOf, memberIdForNode, type MemberId, type NetworkId } from './ids.js';
import { hostRange } from './ipv4.js';
import { ruleSchema, DEFAULT_RULES } from './rules.js';
import { emptyController, step } from './controller.js';

export interface ZtNodeFacts {
  name: string;
  role: 'controller' | 'root' | 'member';
  port: number;
  network?: string;
  controller?: string;
  roots: string[];
  overlayIpv4?: string;
  authorized: boolean;
  tags: Array<[number, number]>;
  hesiod: boolean;
  underlayIpv4?: string;
}

export interface ZtLabPlan {
  agents: Map<string, AgentConfig>;
  /** Member address per node name (controllers: the network id's first ten digits). */
  addressOf: Map<string, MemberId>;
}

export class ZtPlanError extends FlatlabError {
  constructor(code: string, message: string, readonly node: string, hint: string) {
    super(code, message, { hint });
  }
}

const networkSection = z.strictObject({
  name: z.string().default(''),
  controller: z.string(),
  'ipv4-pool': z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/).optional(),
  private: z.boolean().default(true),
  mtu: z.number().int().default(2800),
  v6: z.strictObject({ rfc4193: z.boolean().default(false), '6plane': z.boolean().default(false) }).default({ rfc4193: false, '6plane': false }),
  routes: z.array(z.strictObject({ target: z.string(), via: z.string().nullable().default(null) })).optional(),
  rules: z.array(ruleSchema).optional(),
});
const zerotierSection = z.strictObject({ networks: z.record(z.string().regex(/^[0-9a-f]{16}$/), networkSection).default({}) }).default({ networks: {} });

export function ztLabPlan(lab: string, nodes: readonly ZtNodeFacts[], section: unknown): ZtLabPlan {
  const parsed = zerotierSection.safeParse(section ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ZtPlanError('zt.bad-lab-section', `lab.zerotier.${issue.path.join('.')}: ${issue.message}`, lab, 'see docs/zerotier.md for the lab.zerotier section');
  }
  const networks = parsed.data.networks;
  const addressOf = new Map<string, MemberId>();
  for (const n of nodes) {
    if (n.role === 'controller') {
      if (!n.network) throw new ZtPlanError('zt.no-network', `controller ${n.name} has no config.network`, n.name, 'set config.network to the id of the network it serves');
      addressOf.set(n.name, controllerOf(n.network as NetworkId));
    } else addressOf.set(n.name, memberIdForNode(lab, n.name));
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const ref = (from: ZtNodeFacts, name: string, what: string) => {
    const t = byName.get(name);
    if (!t) throw new ZtPlanError('zt.unknown-node', `${from.name}: ${what} "${name}" is not a zerotier node of the lab`, from.name, `zerotier nodes: ${nodes.map((x) => x.name).join(', ')}`);
    if (!t.underlayIpv4) throw new ZtPlanError('zt.no-underlay', `${what} ${name} has no IPv4 underlay address`, from.name, `link ${name} to the underlay`);
    return { node: t.name, address: addressOf.get(t.name)!, endpoint: `${t.underlayIpv4}:${t.port}` };
  };
  const agents = new Map<string, AgentConfig>();
  for (const n of nodes) {
    const common = { node: n.name, address: addressOf.get(n.name)!, port: n.port };
    if (n.role === 'root') agents.set(n.name, { ...common, role: 'root' });
    else if (n.role === 'member') {
      if (!n.network) throw new ZtPlanError('zt.member-incomplete', `member ${n.name} needs config.network`, n.name, 'e.g. config: { role: member, network: 8056c2e21c000001 }');
      // As in ZeroTier, the network id names its controller; `controller:` only says which node that is.
      const named = n.controller ?? nodes.find((c) => c.role === 'controller' && c.network && controllerOf(c.network as NetworkId) === controllerOf(n.network as NetworkId))?.name;
      const ctl = named === undefined ? null : ref(n, named, 'controller');
      if (ctl && ctl.address !== controllerOf(n.network as NetworkId)) throw new ZtPlanError('zt.wrong-controller', `member ${n.name}: network ${n.network} belongs to controller ${controllerOf(n.network as NetworkId)}, but ${n.controller} is ${ctl.address}`, n.name, `a network id starts with its controller's address; use the network id of ${n.controller}`);
      agents.set(n.name, { ...common, role: 'member', network: n.network, controller: ctl, roots: n.roots.map((r) => ref(n, r, 'root')), hesiod: n.hesiod ? 'hesiod.zone' : null });
    }
  }
  for (const n of nodes.filter((x) => x.role === 'controller')) {
    const own = Object.entries(networks).filter(([, s]) => s.controller === n.name);
    if (!own.some(([id]) => id === n.network)) own.push([n.network!, networkSection.parse({ controller: n.name })]);
    const out: ControllerAgentConfig['networks'] = {};
    for (const [id, s] of own.sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (controllerOf(id as NetworkId) !== addressOf.get(n.name)) throw new ZtPlanError('zt.wrong-controller', `network ${id} cannot be served by ${n.name}: its id starts with another controller's address`, n.name, `network ids of ${n.name} start with ${addressOf.get(n.name)}`);
      const pool = s['ipv4-pool'];
      const members = nodes.filter((m) => m.role === 'member' && m.network === id);
      out[id] = {
        name: s.name,
        private: s.private,
        mtu: s.mtu,
        ipAssignmentPools: pool ? [hostRange(pool)] : [],
        routes: s.routes ?? (pool ? [{ target: pool, via: null }] : []),
        rules: s.rules ?? [...DEFAULT_RULES],
        v4AssignMode: { zt: pool !== undefined },
        v6AssignMode: { zt: false, rfc4193: s.v6.rfc4193, '6plane': s.v6['6plane'] },
        members: Object.fromEntries(members.map((m) => [addressOf.get(m.name)!, { name: m.name, authorized: m.authorized, ipAssignments: m.overlayIpv4 ? [m.overlayIpv4] : [], tags: m.tags }])),
      };
    }
    agents.set(n.name, { node: n.name, address: addressOf.get(n.name)!, port: n.port, role: 'controller', networks: out });
  }
  return { agents, addressOf };
}

/**
 * The IPv4 address each member of a controller's networks ends up with when every member
 * joins in node order: fixed ones as given, the others the lowest free pool address (what
 * flatlab's controller does). The containerlab output assigns these explicitly, so a real
 * controller (whose pool order differs) gives the same addresses, and services can bind them.
 */
export function plannedIpv4(cfg: ControllerAgentConfig, order: readonly MemberId[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, n] of Object.entries(cfg.networks)) {
    const { members, ...settings } = n;
    let state = step(emptyController(), { type: 'set-network', settings: { id: id as NetworkId, ...settings } }, () => new Uint8Array(32)).state;
    for (const [mid, preset] of Object.entries(members)) state = step(state, { type: 'set-member', network: id as NetworkId, member: mid as MemberId, patch: preset }, () => new Uint8Array(32)).state;
    for (const mid of order.filter((m) => members[m])) state = step(state, { type: 'request', network: id as NetworkId, member: mid, identity: mid, endpoints: [], now: 0 }, () => new Uint8Array(32)).state;
    for (const m of Object.values(state.networks[id]!.members)) if (m.ipAssignments[0]) out.set(m.id, m.ipAssignments[0]);
  }
  return out;
}
