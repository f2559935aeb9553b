/**
 * The topology file's schema: the single source of truth for its shape. The TypeScript types
 * below and the published JSON Schema (`schemas/topology.schema.json`, for editors) both come
 * from it. Everything here is about shape; meaning (does that node exist, is that a network
 * address) is checked in `checks/`, with source positions.
 *
 * Objects are strict: an unknown key is an error, never silently dropped.
 */
import { z } from 'zod';
import { policyRefSchema, policySchema } from '../bgp/policy/model.js';

/** Lab and node names end up in container, namespace and file names: keep them DNS-label-like. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,30}$/;

/** Shape only (`ADDR/LEN`); whether it is a network address is a semantic check with a better message. */
const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected a prefix "ADDRESS/LENGTH"');
const address = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'expected an IP address');
const dottedQuad = z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'expected a dotted quad such as 10.255.0.1');
/** ASNs are range-checked semantically so the message can name the valid range. */
const asn = z.number().int().describe('AS number, 1-4294967295 (4-octet, RFC 6793)');
const role = z.enum(['router', 'route-reflector', 'host', 'switch', 'server']);

const familyPools = z
  .strictObject({ ipv4: cidr.optional(), ipv6: cidr.optional() })
  .describe('one pool per address family; a family left out is not assigned');

export const addressingSchema = z.strictObject({
  loopback: familyPools.optional().describe('node loopbacks: node i (in file order) gets host i+1; default ipv4 10.255.0.0/16, ipv6 fd00:ff::/64'),
  links: familyPools.optional().describe('link subnets, allocated in link order; default ipv4 10.0.0.0/16, ipv6 fd00:1::/48'),
  p2p: z.strictObject({ ipv6: z.union([z.literal(127), z.literal(64)]).optional() }).optional().describe('prefix length of point-to-point IPv6 links (RFC 6164 /127 by default)'),
});

const staticRoute = z.strictObject({
  prefix: cidr,
  via: z.string().min(1).describe('next-hop address, or the name of a neighbour node (its address on the first shared link of the family)'),
  interface: z.string().min(1).optional(),
});

const env = z.record(z.string(), z.string());

/** Minutes as FRR and Cisco take them: a bare number is minutes, or a duration such as 1m, 90s. */
const minutes = z.union([z.string(), z.number().positive()], { error: 'expected minutes, such as 15 or 15m' });
const dampingSchema = z.union([
  z.literal(true),
  z.strictObject({
    'half-life': minutes.optional().describe('time for the penalty to halve (1-45 minutes; 15 by default)'),
    reuse: z.number().int().min(1).max(20000).optional().describe('a suppressed route is reused below this penalty (750 by default)'),
    suppress: z.number().int().min(1).max(20000).optional().describe('a route is suppressed at this penalty (2000 by default)'),
    'max-suppress': minutes.optional().describe('longest suppression (1-255 minutes; four half-lives by default)'),
  }),
], { error: 'expected true, or { half-life, reuse, suppress, max-suppress }' });

export const nodeSchema = z.strictObject({
  kind: z.string().min(1).optional().describe('node kind (see docs/kinds.md); defaults.kind when absent'),
  image: z.string().min(1).optional(),
  asn: asn.optional(),
  role: role.optional(),
  'router-id': dottedQuad.optional(),
  loopback: z.strictObject({ ipv4: address.optional(), ipv6: address.optional() }).optional().describe('explicit loopback addresses, overriding the pool'),
  originate: z.array(cidr).optional().describe('prefixes this node originates into BGP'),
  import: policyRefSchema.optional(),
  export: policyRefSchema.optional(),
  config: z.record(z.string(), z.unknown()).optional().describe('kind-specific settings, validated by the kind'),
  env: env.optional(),
  routes: z.array(staticRoute).optional().describe('extra static routes'),
  'cluster-id': dottedQuad.optional().describe('route reflector cluster id (RFC 4456); the router id by default'),
  damping: dampingSchema.optional().describe('route flap damping (RFC 2439) of eBGP-learned routes; true for FRR\'s defaults (docs/topology.md)'),
});

export const defaultsSchema = z.strictObject({
  kind: z.string().min(1).optional(),
  image: z.string().min(1).optional(),
  asn: asn.optional().describe('ASN of BGP-speaking nodes that give none'),
  import: policyRefSchema.optional().describe('import chain of nodes that give none; "all" when absent'),
  export: policyRefSchema.optional().describe('export chain of nodes that give none; "all" when absent'),
  env: env.optional().describe('environment merged under each node\'s env'),
});

const duration = z.union([z.string(), z.number().nonnegative()], { error: 'expected a time such as 10ms, 500us or 1s' });
export const netemSchema = z.strictObject({
  delay: duration.optional().describe('"10ms", "1s", "500us"; a bare number is milliseconds'),
  jitter: duration.optional(),
  loss: z.union([z.string(), z.number().nonnegative()], { error: 'expected a percentage such as 0.1%' }).optional().describe('"0.1%"; a bare number is percent'),
  rate: z.union([z.string(), z.number().positive()], { error: 'expected a rate such as 10mbit' }).optional().describe('"10mbit", "512kbit", "1gbit"; a bare number is kbit/s'),
});

const endpoint = z.string().min(1).describe('"node" or "node:interface"');
const subnetOverride = z.union([cidr, z.literal(false)], { error: 'expected a subnet such as 192.0.2.0/30, or false' }).describe('subnet for this link, or false for none of this family');

export const linkObjectSchema = z.strictObject({
  endpoints: z.array(endpoint).min(2, 'a link joins at least two endpoints'),
  netem: netemSchema.optional(),
  mtu: z.number().int().min(68).max(65535).optional(),
  ipv4: subnetOverride.optional(),
  ipv6: subnetOverride.optional(),
});

export const linkSchema = z.union([z.array(endpoint).min(2, 'a link joins at least two endpoints'), linkObjectSchema], {
  error: 'a link is a list of endpoints such as [r1, r2], or a map with endpoints: (and netem:, mtu:, ipv4:, ipv6:)',
});

export const explicitSessionSchema = z.strictObject({
  between: z.tuple([z.string().min(1), z.string().min(1)]),
  family: z.enum(['ipv4', 'ipv6']).optional().describe('one family only; both families the two ends share by default'),
  import: policyRefSchema.optional().describe('import chain both ends apply on this session'),
  export: policyRefSchema.optional().describe('export chain both ends apply on this session'),
  ends: z
    .record(z.string(), z.strictObject({ import: policyRefSchema.optional(), export: policyRefSchema.optional() }))
    .optional()
    .describe('per-end chains, keyed by node name: { r1: { import: customer-in } }; override import/export above'),
});

export const bgpSchema = z.strictObject({
  sessions: z
    .union([z.enum(['auto', 'none']), z.array(z.union([z.literal('auto'), explicitSessionSchema], { error: 'a session is "auto" or a map such as { between: [r1, r2] }' }))], {
      error: 'sessions is auto, none, or a list of sessions such as [auto, { between: [r1, r2] }]',
    })
    .optional()
    .describe('auto (default), none, or a list of explicit sessions that may include "auto"'),
  ibgp: z.enum(['full-mesh', 'route-reflector']).optional().describe('inferred from roles when absent'),
  'next-hop-self': z.boolean().optional().describe('on iBGP sessions; default true'),
});

const nodeOrEmpty = z.union([nodeSchema, z.null()], { error: 'a node is a map of settings such as { kind: bird, asn: 65001 }, or empty' });

export const topologySchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(NAME_PATTERN, 'a lab name is 1-31 characters: lowercase letters, digits and "-", starting with a letter or digit'),
  description: z.string().optional(),
  addressing: addressingSchema.optional(),
  defaults: defaultsSchema.optional(),
  nodes: z.record(z.string(), nodeOrEmpty),
  links: z.array(linkSchema).optional(),
  bgp: bgpSchema.optional(),
  policies: z.record(z.string(), policySchema).optional(),
  lab: z.record(z.string(), z.unknown()).optional().describe('free-form lab-level settings (overlay networks, …), passed to emitters'),
});

export type Topology = z.infer<typeof topologySchema>;
export type TopologyNode = z.infer<typeof nodeSchema>;
export type TopologyLink = z.infer<typeof linkSchema>;
export type TopologyLinkObject = z.infer<typeof linkObjectSchema>;
export type ExplicitSession = z.infer<typeof explicitSessionSchema>;
export type NetemSpec = z.infer<typeof netemSchema>;
