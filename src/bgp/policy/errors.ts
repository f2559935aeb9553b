/** Typed errors of the policy engine: a policy that cannot be compiled or a chain naming an unknown policy. */
import { FlatlabError } from '../../config/diagnostics.js';
import { didYouMean } from '../../config/suggest.js';

export class PolicyError extends FlatlabError {}

export class UnknownPolicyError extends PolicyError {
  readonly policyName: string;
  constructor(name: string, known: Iterable<string>) {
    const candidates = [...known];
    super('policy.unknown', `unknown policy "${name}"${didYouMean(name, candidates)}`, {
      hint: `define it under policies:, or use the built-ins "all" / "none"${candidates.length ? ` (known: ${candidates.slice(0, 10).join(', ')})` : ''}`,
    });
    this.policyName = name;
  }
}

/** A policy term that the engine cannot compile (bad prefix, bad regular expression). */
export class PolicyCompileError extends PolicyError {
  constructor(where: { term: number; key: string }, what: string, hint: string) {
    super('policy.invalid', `term ${where.term + 1}, ${where.key}: ${what}`, { hint });
  }
}
