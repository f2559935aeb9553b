/**
 * Hesiod YAML map → Zone. (In progress: the map schema and generator land next.)
 */
import type { Zone } from '../zone/types.js';
import { ZoneError } from '../zone/types.js';

export interface HesiodMap {
  origin: string;
  lhs: string;
  rhs: string;
}

export interface HesiodMapOptions {
  /** file the map came from, for errors */
  file?: string;
}

export function hesiodMapToZone(_map: HesiodMap, _opts: HesiodMapOptions = {}): Zone {
  throw new ZoneError('zone.not-implemented', 'not implemented yet: Hesiod map generator (in progress)');
}

export async function loadHesiodMapFile(_file: string): Promise<Zone> {
  throw new ZoneError('zone.not-implemented', 'not implemented yet: Hesiod map loader (in progress)');
}
