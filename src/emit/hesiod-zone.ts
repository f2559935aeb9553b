/**
 * `hesiod.zone` for a flatlab-hesiod node: the node's `config.zone` master-file text as given,
 * or its `config.map` (the Hesiod YAML map, docs/hesiod.md) turned into records by the Hesiod
 * library and printed as a master file, which `flatlab hesiod --zone` serves.
 */
import type { ConfigWriter } from './config-file.js';
import { ConfigWriterError } from './policy-terms.js';
import { hesiodMapSchema, hesiodMapToZone } from '../dns/hesiod/map.js';
import { printZone } from '../dns/zone/print.js';
import { ValidationError, formatDiagnostic } from '../config/diagnostics.js';

export const hesiodZoneConfig: ConfigWriter = (lab, node) => {
  const header = `; Hesiod zone for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.\n`;
  const zone = node.config.zone;
  if (typeof zone === 'string') return [{ path: 'hesiod.zone', content: header + (zone.endsWith('\n') ? zone : `${zone}\n`) }];
  if (node.config.map === undefined) throw new ConfigWriterError('Hesiod', node.name, 'neither config.zone nor config.map is given', 'add config.map (users:, groups:, …) or config.zone (master-file text)');
  const parsed = hesiodMapSchema.safeParse(node.config.map);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `map.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigWriterError('Hesiod', node.name, `config.map is not a valid Hesiod map (${first})`, 'see docs/hesiod.md for the map format');
  }
  try {
    return [{ path: 'hesiod.zone', content: header + printZone(hesiodMapToZone(parsed.data, { file: `${lab.sourceFile} (node ${node.name} config.map)` })) }];
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ConfigWriterError('Hesiod', node.name, `config.map: ${e.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic({ ...d, position: undefined })).join('; ')}`, 'see docs/hesiod.md for the map format');
    }
    throw e;
  }
};
