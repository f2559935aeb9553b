/**
 * One call for the server and CLI: a Hesiod map file, optionally with accounts imported
 * from passwd/group files (`flatlab hesiod --map FILE --passwd FILE --group FILE`), → zone.
 * The map supplies naming (lhs, rhs, ns, soa); its users and groups override imported ones.
 */
import { hasErrors, sortDiagnostics, ValidationError } from '../../config/diagnostics.js';
import { loadYamlFile } from '../../config/load-yaml-file.js';
import { validateAgainstSchema } from '../../config/schema-diagnostics.js';
import { addAccountsToMap, loadAccountFiles, type ImportOptions } from './import.js';
import { hesiodMapSchema, hesiodMapToZone, type HesiodZone } from './map.js';

export interface HesiodSources extends ImportOptions {
  map: string;
  passwd?: string;
  group?: string;
}

export async function loadHesiodZone(sources: HesiodSources): Promise<HesiodZone> {
  const source = await loadYamlFile(sources.map);
  if (hasErrors(source.diagnostics)) throw new ValidationError(source.diagnostics, `Hesiod map ${sources.map}`);
  const { value, diagnostics } = validateAgainstSchema(hesiodMapSchema, source, 'hesiod');
  if (!value) throw new ValidationError(sortDiagnostics(diagnostics), `Hesiod map ${sources.map}`);
  let map = value;
  const importWarnings = [];
  if (sources.passwd !== undefined || sources.group !== undefined) {
    if (sources.passwd === undefined) throw new ValidationError([{ code: 'hesiod.import.no-passwd', severity: 'error', message: 'a group file was given without a passwd file', hint: 'give --passwd FILE as well' }], 'account files');
    const accounts = await loadAccountFiles(sources.passwd, sources.group, sources);
    const merged = addAccountsToMap(map, accounts);
    map = merged.map;
    importWarnings.push(...merged.diagnostics);
  }
  const zone = hesiodMapToZone(map, { file: sources.map, locate: (p) => source.locate(p) });
  const warnings = [...importWarnings, ...(zone.warnings ?? [])];
  return { ...zone, ...(warnings.length ? { warnings } : {}) };
}
