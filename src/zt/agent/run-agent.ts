/**
 * Load `zerotier.yml` and start the agent its role calls for. The CLI (`flatlab zt agent`)
 * is the only caller; signals and extra services (a Hesiod server on the overlay) are its
 * business.
 */
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { parse } from 'yaml';
import { FlatlabError } from '../../config/diagnostics.js';
import { agentConfigSchema, type AgentConfig } from '../agent-config.js';
import { ControllerAgent } from './controller-agent.js';
import { MemberAgent } from './member-agent.js';
import { RootAgent } from './root-agent.js';
import { hostDeps } from './runtime-deps.js';

export class AgentConfigError extends FlatlabError {}

export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AgentConfigError('zt.config-unreadable', `cannot read ${file}: ${(err as Error).message}`, { hint: 'run flatlab generate for the topology, or give --config' });
  }
  const parsed = agentConfigSchema.safeParse(parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentConfigError('zt.config-invalid', `${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`, { hint: 'the file is written by flatlab generate; regenerate it rather than editing' });
  }
  return parsed.data;
}

/** Underlay IPv4 addresses of this namespace: every interface but loopback and the overlay's own. */
export function underlayAddresses(): string[] {
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (name === 'lo' || name.startsWith('zt')) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) out.push(a.address);
  }
  return out.sort();
}

export type RunningAgent = ControllerAgent | RootAgent | MemberAgent;

export async function startAgent(cfg: AgentConfig, apiSocket: string, log: (line: string) => void, onAddresses?: (a: string[]) => void): Promise<RunningAgent> {
  const deps = hostDeps(log, underlayAddresses);
  const agent = cfg.role === 'controller' ? new ControllerAgent(cfg, deps) : cfg.role === 'root' ? new RootAgent(cfg, deps) : new MemberAgent(cfg, deps, onAddresses);
  await agent.start(apiSocket);
  return agent;
}
