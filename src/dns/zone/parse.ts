import type { RecordClass, Zone } from './types.js';
import { ZoneError } from './types.js';

export interface ParseZoneOptions {
  origin: string;
  file: string;
  defaultClass?: RecordClass;
  readInclude?: (path: string) => string;
}

export function parseZoneText(_text: string, _opts: ParseZoneOptions): Zone {
  throw new ZoneError('zone.not-implemented', 'not implemented yet: master-file parser (in progress)');
}

export async function loadZoneFile(_file: string, _opts: { origin?: string }): Promise<Zone> {
  throw new ZoneError('zone.not-implemented', 'not implemented yet: master-file loader (in progress)');
}
