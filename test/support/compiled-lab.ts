/** A topology file compiled to a lab for a test, or an error listing its diagnostics. */
import { kindCatalog } from '../../src/kinds/index.js';
import type { Lab } from '../../src/topology/lab.js';
import { compileTopologyFile } from '../../src/topology/pipeline.js';

export async function compiledLab(file: string): Promise<Lab> {
  const r = await compileTopologyFile(file, { kinds: kindCatalog });
  if (!r.lab) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.lab;
}
