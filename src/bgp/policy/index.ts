/**
 * The policy engine's public API: the vendor-neutral model (model.ts), its compiled form, and
 * the pure evaluator. See docs/policy-engine.md for the semantics chosen where the model is silent.
 */
export * from './model.js';
export { applyPolicyChain, resolvePolicyChain, BUILTIN_POLICY_DEFINITIONS, type NamedPolicy, type PolicyContext, type PolicyResult, type PolicyRoute, type TraceStep } from './evaluate.js';
export { compilePolicy, asPathRegex, AS_PATH_BOUNDARY, type Action, type CompiledPolicy, type CompiledTerm, type Condition } from './compile.js';
export { PolicyError, PolicyCompileError, UnknownPolicyError } from './errors.js';
export { asPathLength, asPathText, flatAsPath, neighborAs, originAs, prependAsPath } from './as-path.js';
