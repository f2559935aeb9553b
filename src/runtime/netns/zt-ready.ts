/**
 * `up` of a lab with ZeroTier nodes returns only once every overlay agent is ready (see
 * src/zt/readiness.ts for what ready means): each agent is asked through its local API socket,
 * a member's overlay device through `ip -j addr` in its namespace. Bounded: past the timeout,
 * or as soon as an agent's process has exited, a typed error names the nodes that did not
 * come up and what each still lacked.
 */
import { zerotierPlan } from '../../emit/zerotier.js';
import type { Lab } from '../../topology/lab.js';
import { deviceName } from '../../zt/agent/kernel-port.js';
import { agentStatus, apiSocketOf, listNetworks, listPeers } from '../../zt/client.js';
import type { NetworkId } from '../../zt/ids.js';
import type { ZtLabPlan } from '../../zt/lab-plan.js';
import { agentExpectations, notReadyReason, notRestartedReason, type AgentExpectation, type AgentObservation } from '../../zt/readiness.js';
import { RuntimeError } from '../errors.js';
import type { ExecResult } from '../runtime.js';

export const ZT_READY_TIMEOUT_MS = 60_000;
const POLL_MS = 250;
/** One API call may not hold up the poll for long: the agent answers from memory. */
const CALL_TIMEOUT_MS = 2_000;

export interface ZtReadyDeps {
  runDirOf(node: string): string;
  exec(node: string, argv: readonly string[]): Promise<ExecResult>;
  /** The log of the node's agent when its process is no longer running, else undefined. */
  exitedAgentLog(node: string): Promise<string | undefined>;
  /** Whether the node has processes running (a controller stopped by a scenario has none). */
  running(node: string): Promise<boolean>;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export async function waitZtAgents(lab: Lab, deps: ZtReadyDeps, timeoutMs = ZT_READY_TIMEOUT_MS): Promise<void> {
  const plan = zerotierPlan(lab);
  let pending = agentExpectations(plan);
  if (pending.length === 0) return;
  const memberOf = memberNames(plan);
  const deadline = deps.now() + timeoutMs;
  const reasons = new Map<string, string>();
  for (;;) {
    const next: AgentExpectation[] = [];
    for (const e of pending) {
      const why = notReadyReason(e, await observe(e, deps, memberOf));
      if (why === undefined) continue;
      reasons.set(e.node, why);
      next.push(e);
      const log = await deps.exitedAgentLog(e.node);
      if (log) throw new RuntimeError('netns.daemon-exited', `the zerotier agent of ${e.node} exited while starting`, { hint: `see its log: ${log}` });
    }
    pending = next;
    if (pending.length === 0) return;
    if (deps.now() > deadline) {
      const list = pending.map((e) => `${e.node}: ${reasons.get(e.node)}`).join('; ');
      throw new RuntimeError('netns.zt-not-ready', `zerotier node${pending.length > 1 ? 's' : ''} ${pending.map((e) => e.node).join(', ')} did not come up within ${timeoutMs / 1000} s (${list})`, {
        hint: `see the agents' logs under ${deps.runDirOf(pending[0]!.node)}; flatlab zt listnetworks and zt members show what the agents know`,
      });
    }
    await deps.sleep(POLL_MS);
  }
}

/**
 * `start` of one stopped node returns once its overlay agent is back (`notRestartedReason`);
 * bounded like `up`, with the same errors.
 */
export async function waitZtAgentRestarted(lab: Lab, node: string, deps: ZtReadyDeps, timeoutMs = ZT_READY_TIMEOUT_MS): Promise<void> {
  const plan = zerotierPlan(lab);
  const e = agentExpectations(plan).find((x) => x.node === node);
  if (!e) return;
  const memberOf = memberNames(plan);
  const deadline = deps.now() + timeoutMs;
  for (;;) {
    const controllerRunning = e.role === 'member' && e.controller !== null ? await deps.running(e.controller) : false;
    const why = notRestartedReason(e, await observe(e, deps, memberOf), controllerRunning);
    if (why === undefined) return;
    const log = await deps.exitedAgentLog(node);
    if (log) throw new RuntimeError('netns.daemon-exited', `the zerotier agent of ${node} exited while starting`, { hint: `see its log: ${log}` });
    if (deps.now() > deadline) {
      throw new RuntimeError('netns.zt-not-ready', `zerotier node ${node} did not come back within ${timeoutMs / 1000} s (${why})`, {
        hint: `see its agent's log under ${deps.runDirOf(node)}; flatlab zt listnetworks shows what the agent knows`,
      });
    }
    await deps.sleep(POLL_MS);
  }
}

/** Member nodes by their ZeroTier address (how an agent's peer list names them). */
function memberNames(plan: ZtLabPlan): Map<string, string> {
  return new Map([...plan.addressOf].filter(([name]) => plan.agents.get(name)?.role === 'member').map(([name, id]) => [id as string, name]));
}

async function observe(e: AgentExpectation, deps: ZtReadyDeps, memberOf: ReadonlyMap<string, string>): Promise<AgentObservation> {
  const socket = apiSocketOf(deps.runDirOf(e.node));
  try {
    if (e.role !== 'member') {
      await agentStatus(socket, CALL_TIMEOUT_MS);
      return {};
    }
    const network = (await listNetworks(socket)).find((n) => n.nwid === e.network);
    if (!network || e.status !== 'OK' || network.status !== 'OK') return { ...(network ? { status: network.status } : {}) };
    const peers = (await listPeers(socket)).map((p) => memberOf.get(p.address)).filter((n): n is string => n !== undefined);
    return { status: network.status, assignedAddresses: network.assignedAddresses, peers, deviceAddresses: await deviceAddresses(e.node, deviceName(e.network as NetworkId), deps) };
  } catch (err) {
    return { unreachable: (err as Error).message };
  }
}

async function deviceAddresses(node: string, device: string, deps: ZtReadyDeps): Promise<string[]> {
  const r = await deps.exec(node, ['ip', '-j', 'addr', 'show', 'dev', device]);
  if (r.exitCode !== 0) return [];
  try {
    const links = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ local?: string; prefixlen?: number }> }>;
    return links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.local && a.prefixlen !== undefined).map((a) => `${a.local}/${a.prefixlen}`));
  } catch {
    return [];
  }
}
