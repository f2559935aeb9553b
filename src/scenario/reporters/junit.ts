/**
 * JUnit XML as GitLab, GitHub (test-reporter actions) and Jenkins parse it: one <testsuite>
 * per scenario, one <testcase> per step; a failed check is a <failure>, a step that could not
 * run an <error>, steps after a failure and steps for other runtimes (`only:`) are <skipped/>.
 */
import type { ScenarioResult } from '../result.js';

export function junitReport(results: readonly ScenarioResult[]): string {
  const totals = count(results.flatMap((r) => r.steps.map((s) => s.status)));
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="flatlab" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(results.reduce((a, r) => a + r.durationMs, 0))}">`];
  for (const r of results) {
    const c = count(r.steps.map((s) => s.status));
    const cleanup = r.cleanupError ? 1 : 0;
    lines.push(`  <testsuite name="${xml(r.name)}" file="${xml(r.file)}" tests="${c.tests + cleanup}" failures="${c.failures + cleanup}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(r.durationMs)}" timestamp="${xml(r.startedAt)}">`);
    lines.push(`    <properties><property name="runtime" value="${xml(r.runtime)}"/></properties>`);
    for (const s of r.steps) {
      const name = `${String(s.index + 1).padStart(2, '0')} ${s.description}`;
      const open = `    <testcase name="${xml(name)}" classname="${xml(`${r.runtime}.${r.name}`)}" file="${xml(s.position.file)}" line="${s.position.line}" time="${seconds(s.durationMs)}"`;
      const detail = [s.message, s.hint ? `hint: ${s.hint}` : '', `at ${s.position.file}:${s.position.line}:${s.position.col}`].filter(Boolean).join('\n');
      if (s.status === 'passed') lines.push(`${open}/>`);
      else if (s.status === 'skipped') lines.push(`${open}><skipped message="${xml(s.only && s.message ? s.message : 'an earlier step failed')}"/></testcase>`);
      else lines.push(`${open}><${s.status === 'failed' ? 'failure' : 'error'} message="${xml(s.message ?? s.status)}">${xml(detail)}</${s.status === 'failed' ? 'failure' : 'error'}></testcase>`);
    }
    if (r.cleanupError) lines.push(`    <testcase name="cleanup" classname="${xml(`${r.runtime}.${r.name}`)}" time="0"><failure message="${xml(r.cleanupError)}"/></testcase>`);
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function count(statuses: readonly string[]) {
  return {
    tests: statuses.length,
    failures: statuses.filter((s) => s === 'failed').length,
    errors: statuses.filter((s) => s === 'error').length,
    skipped: statuses.filter((s) => s === 'skipped').length,
  };
}

/** XML 1.0 text/attribute escaping; characters XML cannot carry at all become U+FFFD. */
export function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
