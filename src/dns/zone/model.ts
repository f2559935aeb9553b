/**
 * Entry point of the zone model: types, checks, parser and printer.
 *
 * - `parseZoneText` / `loadZoneFile` (parse.ts): RFC 1035 master files → Zone, every
 *   problem reported at once as a ValidationError with file:line:col diagnostics.
 * - `printZone` (print.ts): Zone → master-file text that `parseZoneText` reads back identically.
 * - The Hesiod YAML map (`hesiodMapToZone`, `loadHesiodMapFile`) lives in src/dns/hesiod/map.ts.
 */
export { type RecordClass, type ResourceRecord, type Zone, type SoaData, zoneSoa, ZoneError, canonicalName, isInZone } from './types.js';
export { parseZoneText, loadZoneFile, type ParseZoneOptions } from './parse.js';
export { printZone } from './print.js';
