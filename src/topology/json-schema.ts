/**
 * The published JSON Schema for topology files (`schemas/topology.schema.json`), generated
 * from the zod schema so editors (yaml-language-server) complete and check exactly what the
 * compiler accepts. `scripts/gen-topology-schema.ts` writes it; a test keeps it current.
 */
import { z } from 'zod';
import { topologySchema } from './schema.js';

export function topologyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(topologySchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...generated,
    title: 'flatlab topology',
    description: 'A flatlab lab: nodes, links, addressing, BGP sessions and policies. Reference: docs/topology.md',
  };
}

export function topologyJsonSchemaText(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}
