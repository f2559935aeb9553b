/**
 * Run one scenario against one runtime: steps in order; checks retried until `within` runs
 * out on the runtime's clock (virtual on sim); the first failure skips the remaining steps;
 * the lab is always torn down at the end, on failure, on error and on abort (Ctrl-C).
 */
import { FlatlabError } from '../config/diagnostics.js';
import { UnsupportedOnRuntimeError } from '../runtime/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import { formatDuration } from './duration.js';
import type { Scenario, ScenarioStep } from './load.js';
import type { ScenarioResult, StepResult } from './result.js';
import type { CheckResult, StepKind, StepRunContext } from './step.js';
import { stepKinds } from './steps/index.js';

export interface RunOptions {
  signal?: AbortSignal;
  /** Called as each step starts and ends (progress output). */
  onStep?: (event: { phase: 'start' | 'end'; step: ScenarioStep; index: number; result?: StepResult }) => void;
  /** Delay between observations of a check, in runtime milliseconds. */
  pollIntervalMs?: number;
  /** Wall clock, for reports (the runtime's clock may be virtual). */
  wallClock?: () => number;
  log?: (line: string) => void;
}

const MAX_ATTEMPTS = 100_000;

export async function runScenario(scenario: Scenario, runtime: Runtime, opts: RunOptions = {}): Promise<ScenarioResult> {
  const wall = opts.wallClock ?? Date.now;
  const started = wall();
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new FlatlabError('scenario.timeout', `scenario did not finish within ${formatDuration(scenario.timeoutMs)}`, { hint: 'raise timeout: in the scenario, or look for a step that hangs' })), scenario.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
  const ctx: StepRunContext = { runtime, lab: scenario.lab, signal, baseDir: scenario.file, log: opts.log ?? (() => {}) };
  const results: StepResult[] = [];
  let failed = false;
  try {
    for (let i = 0; i < scenario.steps.length; i++) {
      const step = scenario.steps[i]!;
      const kind = stepKinds.get(step.kind)!;
      if (failed) {
        results.push({ index: i, kind: step.kind, description: describe(kind, step), status: 'skipped', position: step.position, durationMs: 0 });
        continue;
      }
      if (signal.aborted) {
        // Interrupted (Ctrl-C) or out of time between two steps: the step that did not run fails
        // with the reason, as one cut short mid-way does, so an unfinished scenario never passes.
        const reason = signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
        const result: StepResult = { index: i, kind: step.kind, description: describe(kind, step), status: 'failed', position: step.position, durationMs: 0, message: reason.message, ...(reason instanceof FlatlabError && reason.hint ? { hint: reason.hint } : {}) };
        results.push(result);
        opts.onStep?.({ phase: 'end', step, index: i, result });
        failed = true;
        continue;
      }
      opts.onStep?.({ phase: 'start', step, index: i });
      if (step.only && !step.only.includes(runtime.name)) {
        const result: StepResult = { index: i, kind: step.kind, description: describe(kind, step), status: 'skipped', position: step.position, durationMs: 0, message: skippedHere(runtime.name, step.only), only: step.only };
        results.push(result);
        opts.onStep?.({ phase: 'end', step, index: i, result });
        continue;
      }
      const result = await runStep(i, step, kind, ctx, opts.pollIntervalMs ?? 500, wall);
      results.push(result);
      opts.onStep?.({ phase: 'end', step, index: i, result });
      if (result.status !== 'passed') failed = true;
    }
  } finally {
    clearTimeout(timer);
  }
  let cleanupError: string | undefined;
  try {
    await runtime.down();
  } catch (err) {
    cleanupError = (err as Error).message;
  }
  const anyError = results.some((r) => r.status === 'error');
  return {
    name: scenario.name,
    file: scenario.file,
    runtime: runtime.name,
    status: anyError ? 'error' : failed || cleanupError ? 'failed' : 'passed',
    startedAt: new Date(started).toISOString(),
    durationMs: wall() - started,
    steps: results,
    ...(cleanupError ? { cleanupError } : {}),
  };
}

/** `skipped on sim (netns-only step)`. */
export function skippedHere(runtime: string, only: readonly string[]): string {
  return `skipped on ${runtime} (${only.join('/')}-only step)`;
}

function describe(kind: StepKind<any>, step: ScenarioStep): string {
  return step.label ?? kind.describe(step.args);
}

async function runStep(index: number, step: ScenarioStep, kind: StepKind<any>, ctx: StepRunContext, pollMs: number, wall: () => number): Promise<StepResult> {
  const base = { index, kind: step.kind, description: describe(kind, step), position: step.position };
  const t0 = wall();
  const missing = kind.needs(step.args).find((c) => !ctx.runtime.capabilities.has(c));
  if (missing) {
    const e = new UnsupportedOnRuntimeError(`step "${base.description}"`, ctx.runtime.name, missing);
    return { ...base, status: 'failed', durationMs: 0, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  }
  try {
    if (kind.type === 'action') {
      const note = await kind.run(step.args, ctx);
      return { ...base, status: 'passed', durationMs: wall() - t0, ...(note ? { observed: note } : {}) };
    }
    const { last, attempts, triedMs } = await observeWithin(kind, step, ctx, pollMs);
    const common = { ...base, durationMs: wall() - t0, attempts, triedMs, expected: last.expected, observed: last.observed };
    if (last.ok) return { ...common, status: 'passed' };
    const tried = step.withinMs === undefined ? 'checked once' : `tried ${attempts} time${attempts === 1 ? '' : 's'} over ${formatDuration(triedMs)}`;
    return { ...common, status: 'failed', message: `expected ${last.expected}; observed ${last.observed} (${tried})` };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const aborted = ctx.signal.aborted;
    const reason = aborted && ctx.signal.reason instanceof Error ? ctx.signal.reason : e;
    return { ...base, status: aborted ? 'failed' : 'error', durationMs: wall() - t0, message: reason.message, ...(reason instanceof FlatlabError && reason.hint ? { hint: reason.hint } : {}) };
  }
}

async function observeWithin(kind: Extract<StepKind<any>, { type: 'check' }>, step: ScenarioStep, ctx: StepRunContext, pollMs: number): Promise<{ last: CheckResult; attempts: number; triedMs: number }> {
  const start = ctx.runtime.now();
  const deadline = start + (step.withinMs ?? 0);
  let attempts = 0;
  for (;;) {
    attempts++;
    const last = await kind.observe(step.args, ctx);
    const now = ctx.runtime.now();
    if (last.ok || now >= deadline || attempts >= MAX_ATTEMPTS || ctx.signal.aborted) return { last, attempts, triedMs: now - start };
    await ctx.runtime.sleep(Math.min(pollMs, deadline - now), { signal: ctx.signal });
  }
}
