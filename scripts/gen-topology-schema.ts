/** Writes schemas/topology.schema.json from the zod schema: `npx tsx scripts/gen-topology-schema.ts`. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topologyJsonSchemaText } from '../src/topology/json-schema.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas', 'topology.schema.json');
mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.tmp-${process.pid}`;
writeFileSync(tmp, topologyJsonSchemaText());
renameSync(tmp, out);
console.log(`wrote ${out}`);
