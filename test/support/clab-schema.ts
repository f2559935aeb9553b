/** containerlab's own schema (vendored), compiled once, for tests of generated clab.yml. */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';

const schema = JSON.parse(readFileSync(new URL('../../schemas/vendor/containerlab/clab.schema.json', import.meta.url), 'utf8')) as object;
// strict: false because the schema uses the VS Code keyword markdownDescription (see SOURCE.md).
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

export function clabSchemaErrors(doc: unknown): ErrorObject[] {
  return validate(doc) ? [] : [...(validate.errors ?? [])];
}
