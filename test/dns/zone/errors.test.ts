/**
 * Golden diagnostics: each zone under test/fixtures/dns/zone-errors/ is loaded and every
 * diagnostic (errors and warnings, file:line:col) is compared with `<name>.log` beside it.
 * Regenerate with UPDATE_GOLDENS=1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic, ValidationError, type Diagnostic } from '../../../src/config/diagnostics.js';
import { loadZoneFile } from '../../../src/dns/zone/model.js';

const dir = 'test/fixtures/dns/zone-errors';
const zones = readdirSync(dir).filter((f) => f.endsWith('.zone')).sort();

async function diagnosticsOf(file: string): Promise<string> {
  const origin = file.startsWith('hesiod') ? 'ns.example.org' : 'example.org';
  let ds: readonly Diagnostic[];
  let verdict: string;
  try {
    const zone = await loadZoneFile(join(dir, file), { origin });
    ds = zone.warnings ?? [];
    verdict = `accepted (${zone.records.length} records)`;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    ds = err.diagnostics;
    verdict = `rejected: ${err.message}`;
  }
  return `${verdict}\n${ds.map(formatDiagnostic).join('\n')}\n`;
}

describe('zone diagnostics (golden)', () => {
  test('there are golden cases', () => expect(zones.length).toBeGreaterThanOrEqual(4));
  test.each(zones)('%s', async (file) => {
    const actual = await diagnosticsOf(file);
    const golden = join(dir, file.replace(/\.zone$/, '.log'));
    if (process.env.UPDATE_GOLDENS === '1' || !existsSync(golden)) {
      if (process.env.UPDATE_GOLDENS !== '1') throw new Error(`missing golden ${golden}; run with UPDATE_GOLDENS=1 to create it`);
      writeFileSync(golden, actual);
    }
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});
