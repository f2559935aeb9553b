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
import { ztLabPlan, type ZtLabPlan } from '../zt/lab-plan.js';
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
  return files;
}
