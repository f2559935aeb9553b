import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { topologyJsonSchema, topologyJsonSchemaText } from '../../src/topology/json-schema.js';

describe('schemas/topology.schema.json', () => {
  it('is current: regenerate with `npx tsx scripts/gen-topology-schema.ts`', () => {
    expect(readFileSync('schemas/topology.schema.json', 'utf8')).toBe(topologyJsonSchemaText());
  });

  it('accepts what the zod schema accepts and rejects unknown keys, as editors will', () => {
    // draft-07: the dialect every yaml-language-server version understands.
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(topologyJsonSchema());
    const good = parse(`name: lab
defaults: { kind: bird }
nodes:
  r1: { asn: 65001, originate: [203.0.113.0/24], import: customer-in }
  h1:
links:
  - [r1, h1]
  - { endpoints: ["r1:eth2", "h1:eth2"], netem: { delay: 10ms, loss: 0.1% } }
bgp: { sessions: [auto, { between: [r1, h1], ends: { r1: { export: none } } }] }
policies:
  customer-in: [{ match: { prefix: ["203.0.113.0/24 le 28"] }, action: accept }]
`);
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ name: 'lab', nodes: { r1: { kidn: 'bird' } } })).toBe(false);
    expect(validate({ name: 'Lab_1', nodes: {} })).toBe(false);
  });
});
