/**
 * A step kind: one record in the step registry (steps/index.ts), one file each. A step is
 * either an action (does something to the lab) or a check (observes and compares; the
 * runner retries checks until `within` runs out and reports the last observation).
 */
import type { z } from 'zod';
import type { DataPath } from '../config/yaml-source.js';
import type { Runtime, RuntimeCapability } from '../runtime/runtime.js';
import type { Lab } from '../topology/lab.js';

export interface StepCheckContext {
  lab: Lab;
  /** Report a semantic problem at `path` relative to the step's value. */
  problem(path: DataPath, message: string, hint?: string): void;
}

export interface StepRunContext {
  runtime: Runtime;
  lab: Lab;
  signal: AbortSignal;
  /** Directory of the scenario file (for relative paths in steps). */
  baseDir: string;
  log(line: string): void;
}

/** One observation compared with what was expected. */
export interface CheckResult {
  ok: boolean;
  expected: string;
  observed: string;
}

interface StepKindBase<A> {
  name: string;
  summary: string;
  /** Schema of the step's value (`- name: <value>`); steps without arguments accept null. */
  args: z.ZodType<A>;
  /** What the runtime must be able to do. */
  needs: (args: A) => RuntimeCapability[];
  check?(args: A, ctx: StepCheckContext): void;
  /** One line for reports: `link-down r1:r2`. */
  describe(args: A): string;
}

export interface ActionStepKind<A> extends StepKindBase<A> {
  type: 'action';
  run(args: A, ctx: StepRunContext): Promise<string | void>;
}

export interface CheckStepKind<A> extends StepKindBase<A> {
  type: 'check';
  observe(args: A, ctx: StepRunContext): Promise<CheckResult>;
}

export type StepKind<A = unknown> = ActionStepKind<A> | CheckStepKind<A>;

/** Helps a step file declare its kind with its argument type inferred from the schema. */
export function defineStep<S extends z.ZodType>(kind: Omit<ActionStepKind<z.infer<S>>, 'args'> & { args: S }): ActionStepKind<z.infer<S>>;
export function defineStep<S extends z.ZodType>(kind: Omit<CheckStepKind<z.infer<S>>, 'args'> & { args: S }): CheckStepKind<z.infer<S>>;
export function defineStep(kind: StepKind<unknown>): StepKind<unknown> {
  return kind;
}
