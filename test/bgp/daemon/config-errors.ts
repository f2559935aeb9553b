/** bgpd.yml text → its formatted validation errors (empty when valid); other errors are thrown. */
import { parseBgpdConfig } from '../../../src/bgp/daemon/config.js';
import { ValidationError, formatDiagnostic } from '../../../src/config/diagnostics.js';

export function errorsOf(text: string): string[] {
  try {
    parseBgpdConfig(text, 'bgpd.yml');
  } catch (e) {
    if (e instanceof ValidationError) return e.diagnostics.map((d) => formatDiagnostic(d));
    throw e;
  }
  return [];
}
