/** `--json`: the results as one JSON document on stdout, stable field names for scripts. */
import type { ScenarioResult } from '../result.js';

export function jsonReport(results: readonly ScenarioResult[]): string {
  const passed = results.every((r) => r.status === 'passed');
  return `${JSON.stringify({ passed, scenarios: results }, null, 2)}\n`;
}
