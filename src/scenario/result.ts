/** What a scenario run produced; every reporter reads only this. */
import type { SourcePosition } from '../config/diagnostics.js';
import type { RuntimeName } from '../runtime/runtime.js';

export type StepStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface StepResult {
  index: number;
  kind: string;
  description: string;
  status: StepStatus;
  position: SourcePosition;
  durationMs: number;
  /** For checks: how often it was observed, what was expected, what was seen last. */
  attempts?: number;
  /** Time the check was retried for, on the runtime's clock (virtual on sim). */
  triedMs?: number;
  expected?: string;
  observed?: string;
  /** For failures and errors: one line saying what went wrong, and a hint. */
  message?: string;
  hint?: string;
  /** Set on a step skipped because its `only:` list leaves this runtime out (not a failure). */
  only?: RuntimeName[];
}

export interface ScenarioResult {
  name: string;
  file: string;
  runtime: RuntimeName;
  status: 'passed' | 'failed' | 'error';
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
  /** Problems tearing the lab down after the steps (reported, and they fail the run). */
  cleanupError?: string;
}
