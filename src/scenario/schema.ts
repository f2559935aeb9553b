/**
 * The scenario file's envelope. Each step is a bare step name (`up`) or a map with exactly
 * one step key plus modifiers (`within`, `name`, `only`); the step's own arguments are validated by
 * its registry entry (steps/), so errors point into the step that is wrong.
 */
import { z } from 'zod';
import { RUNTIME_NAMES } from '../runtime/runtime.js';

/** `only: [netns]` runs the step on the runtimes listed and reports it skipped on the others. */
export const STEP_MODIFIERS = ['within', 'name', 'only'] as const;

const durationText = z.union([z.string().min(1), z.number().nonnegative()]);

export const stepEnvelopeSchema = z.union([
  z.string().min(1),
  z.record(z.string(), z.unknown()),
]);

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Path to the topology, relative to this file. */
  topology: z.string().min(1),
  runtime: z.enum(RUNTIME_NAMES as [string, ...string[]]).optional(),
  /** Seed for the sim runtime's randomness (link loss, jitter, timer jitter). */
  seed: z.number().int().nonnegative().optional(),
  /** Upper bound on the whole scenario's run time (default 10m). */
  timeout: durationText.optional(),
  /** Default `within` for expectations without one (default: checked once). */
  'default-within': durationText.optional(),
  steps: z.array(stepEnvelopeSchema).min(1),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;
