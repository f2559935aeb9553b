/**
 * `zerotier.yml`, the file a node's overlay agent reads (written by the zerotier config writer
 * from the lab): who the node is, which role it plays, and whom it talks to. One schema per
 * role; the controller's file carries the networks it serves in the shape of ZeroTier's
 * controller API (`ipAssignmentPools`, `routes`, `rules`, `v4AssignMode`, `v6AssignMode`).
 */
import { z } from 'zod';
import { ruleSchema } from './rules.js';

const memberId = z.string().regex(/^[0-9a-f]{10}$/, 'a 10-hex-digit ZeroTier address');
const networkId = z.string().regex(/^[0-9a-f]{16}$/, 'a 16-hex-digit ZeroTier network id');
const endpoint = z.string().regex(/^\d+\.\d+\.\d+\.\d+:\d+$/, 'an IPv4 address and port, a.b.c.d:port');
const ipv4 = z.string().regex(/^\d+\.\d+\.\d+\.\d+$/);
const tags = z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)]));

const peerRef = z.strictObject({ node: z.string(), address: memberId, endpoint });

export const networkSettingsSchema = z.strictObject({
  name: z.string(),
  private: z.boolean(),
  mtu: z.number().int().min(576).max(10000),
  ipAssignmentPools: z.array(z.strictObject({ ipRangeStart: ipv4, ipRangeEnd: ipv4 })),
  routes: z.array(z.strictObject({ target: z.string(), via: z.string().nullable() })),
  rules: z.array(ruleSchema),
  v4AssignMode: z.strictObject({ zt: z.boolean() }),
  v6AssignMode: z.strictObject({ zt: z.boolean(), rfc4193: z.boolean(), '6plane': z.boolean() }),
});

export const memberPresetSchema = z.strictObject({
  name: z.string(),
  authorized: z.boolean(),
  ipAssignments: z.array(ipv4),
  tags,
});

const common = { node: z.string(), address: memberId, port: z.number().int().min(1).max(65535) };

export const agentConfigSchema = z.discriminatedUnion('role', [
  z.strictObject({
    ...common,
    role: z.literal('controller'),
    networks: z.record(networkId, networkSettingsSchema.extend({ members: z.record(memberId, memberPresetSchema) })),
  }),
  z.strictObject({ ...common, role: z.literal('root') }),
  z.strictObject({
    ...common,
    role: z.literal('member'),
    network: networkId,
    /** Null when the lab has no controller for the network: the member keeps asking no one, as a real one would. */
    controller: peerRef.nullable(),
    roots: z.array(peerRef),
    /** A Hesiod zone (file name beside zerotier.yml) the member serves on its overlay addresses. */
    hesiod: z.string().nullable(),
  }),
]);
export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type ControllerAgentConfig = Extract<AgentConfig, { role: 'controller' }>;
export type MemberAgentConfig = Extract<AgentConfig, { role: 'member' }>;
export type RootAgentConfig = Extract<AgentConfig, { role: 'root' }>;
