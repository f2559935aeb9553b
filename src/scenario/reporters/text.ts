/** The plain report for logs and CI: one line per step, details under failures, a summary. */
import { formatDuration } from '../duration.js';
import type { ScenarioResult, StepResult } from '../result.js';

const MARK: Record<StepResult['status'], string> = { passed: 'ok  ', failed: 'FAIL', error: 'ERR ', skipped: 'skip' };

export function textReport(results: readonly ScenarioResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.status === 'passed' ? 'PASS' : 'FAIL'} ${r.name} [${r.runtime}] (${formatDuration(r.durationMs)})  ${r.file}`);
    for (const s of r.steps) out.push(...stepLines(s));
    if (r.cleanupError) out.push(`  FAIL cleanup: ${r.cleanupError}`);
  }
  out.push(summaryLine(results));
  return `${out.join('\n')}\n`;
}

export function summaryLine(results: readonly ScenarioResult[]): string {
  const passed = results.filter((r) => r.status === 'passed').length;
  return `${passed}/${results.length} scenario${results.length === 1 ? '' : 's'} passed`;
}

export function stepLines(s: StepResult): string[] {
  const after = s.status === 'skipped' ? (s.only && s.message ? `: ${s.message}` : '') : ` (${formatDuration(s.durationMs)})`;
  const lines = [`  ${MARK[s.status]} ${String(s.index + 1).padStart(2)}. ${s.description}${after}`];
  if (s.status === 'failed' || s.status === 'error') {
    if (s.expected !== undefined) {
      lines.push(`         expected: ${s.expected}`, `         observed: ${s.observed ?? '(nothing)'}`);
      if (s.attempts !== undefined) lines.push(`         tried:    ${s.attempts} time${s.attempts === 1 ? '' : 's'} over ${formatDuration(s.triedMs ?? 0)}`);
    } else if (s.message) lines.push(`         ${s.message}`);
    if (s.hint) lines.push(`         hint:     ${s.hint}`);
    lines.push(`         at ${s.position.file}:${s.position.line}:${s.position.col}`);
  }
  return lines;
}
