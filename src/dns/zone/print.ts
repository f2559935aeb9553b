import type { Zone } from './types.js';
import { ZoneError } from './types.js';

export function printZone(_zone: Zone): string {
  throw new ZoneError('zone.not-implemented', 'not implemented yet: master-file printer (in progress)');
}
