/**
 * Load a scenario: the file's envelope, its topology (compiled to a Lab), `include`s
 * expanded in place, and every step's arguments checked by its step kind, with all
 * problems reported at once as file:line:col (the same machinery as topologies).
 */
import { dirname, relative, resolve } from 'node:path';
import { hasErrors, sortDiagnostics, type Diagnostic, type SourcePosition } from '../config/diagnostics.js';
import { loadYamlFile } from '../config/load-yaml-file.js';
import { schemaDiagnostics, validateAgainstSchema } from '../config/schema-diagnostics.js';
import { didYouMean } from '../config/suggest.js';
import { formatPath, type DataPath, type YamlSource } from '../config/yaml-source.js';
import { RUNTIME_NAMES, type RuntimeName } from '../runtime/runtime.js';
import { compileTopologyFile, type KindCatalog } from '../topology/pipeline.js';
import type { Lab } from '../topology/lab.js';
import { parseDuration } from './duration.js';
import { scenarioSchema, STEP_MODIFIERS } from './schema.js';
import { INCLUDE_STEP, stepKinds } from './steps/index.js';

export interface ScenarioStep {
  kind: string;
  args: unknown;
  /** Retry budget for checks, in milliseconds; undefined = checked once. */
  withinMs?: number;
  label?: string;
  /** Runtimes the step runs on (`only:`); elsewhere it is reported skipped. Undefined = all. */
  only?: RuntimeName[];
  position: SourcePosition;
}

export interface Scenario {
  file: string;
  name: string;
  description?: string;
  topologyFile: string;
  lab: Lab;
  runtime?: RuntimeName;
  seed?: number;
  timeoutMs: number;
  steps: ScenarioStep[];
}

export interface ScenarioLoadResult {
  scenario?: Scenario;
  diagnostics: Diagnostic[];
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const MAX_INCLUDE_DEPTH = 8;

export async function loadScenarioFile(file: string, opts: { kinds: KindCatalog }): Promise<ScenarioLoadResult> {
  const source = await loadYamlFile(file);
  const diagnostics: Diagnostic[] = [...source.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
  const envelope = validateAgainstSchema(scenarioSchema, source, 'scenario');
  diagnostics.push(...envelope.diagnostics);
  const doc = envelope.value;
  if (!doc) return { diagnostics: sortDiagnostics(diagnostics) };

  const problem = (src: YamlSource, path: DataPath, code: string, message: string, hint?: string) =>
    diagnostics.push({ code: `scenario.${code}`, severity: 'error', message, position: src.locate(path), ...(hint ? { hint } : {}) });

  const topologyFile = resolve(dirname(file), doc.topology);
  const compiled = await compileTopologyFile(topologyFile, opts).catch((err: Error) => {
    problem(source, ['topology'], 'topology-unreadable', err.message, 'the path is relative to the scenario file');
    return undefined;
  });
  if (compiled && !compiled.lab) {
    problem(source, ['topology'], 'topology-invalid', `topology ${relative(process.cwd(), topologyFile)} has errors (listed below)`, `run: flatlab validate ${relative(process.cwd(), topologyFile)}`);
    diagnostics.push(...compiled.diagnostics);
  }
  const lab = compiled?.lab;

  const durationOf = (src: YamlSource, path: DataPath, v: string | number | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const ms = parseDuration(v);
    if (ms === undefined) problem(src, path, 'bad-duration', `"${v}" is not a duration`, 'write e.g. 500ms, 30s, 1m30s');
    return ms;
  };
  const timeoutMs = durationOf(source, ['timeout'], doc.timeout) ?? DEFAULT_TIMEOUT_MS;
  const defaultWithin = durationOf(source, ['default-within'], doc['default-within']);

  /** `only: netns` or `only: [netns, containerlab]`: known runtime names, at least one. */
  const runtimesOf = (src: YamlSource, path: DataPath, v: unknown): RuntimeName[] | undefined => {
    const hint = `write e.g. only: [netns]; runtimes: ${RUNTIME_NAMES.join(', ')}`;
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
    if (!list || list.length === 0) return void problem(src, path, 'bad-only', 'only: takes a runtime name or a non-empty list of them', hint);
    let ok = true;
    list.forEach((name, j) => {
      if (typeof name === 'string' && (RUNTIME_NAMES as readonly string[]).includes(name)) return;
      ok = false;
      problem(src, Array.isArray(v) ? [...path, j] : path, 'bad-only', `unknown runtime "${String(name)}" in only:${typeof name === 'string' ? didYouMean(name, RUNTIME_NAMES) : ''}`, hint);
    });
    return ok ? [...new Set(list as RuntimeName[])] : undefined;
  };

  const steps: ScenarioStep[] = [];
  const expand = async (src: YamlSource, items: readonly unknown[], base: DataPath, stack: string[]): Promise<void> => {
    for (let i = 0; i < items.length; i++) {
      const path = [...base, i];
      const item = items[i];
      let kindName: string;
      let args: unknown = null;
      let modifiers: Record<string, unknown> = {};
      if (typeof item === 'string') kindName = item;
      else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const entries = Object.entries(item as Record<string, unknown>);
        const stepKeys = entries.filter(([k]) => !(STEP_MODIFIERS as readonly string[]).includes(k));
        modifiers = Object.fromEntries(entries.filter(([k]) => (STEP_MODIFIERS as readonly string[]).includes(k)));
        if (stepKeys.length !== 1) {
          problem(src, path, 'step-shape', stepKeys.length === 0 ? 'this step names no step kind' : `one step per list item, found ${stepKeys.map(([k]) => k).join(', ')}`, `step kinds: ${[...stepKinds.keys(), INCLUDE_STEP].join(', ')}`);
          continue;
        }
        [kindName, args] = stepKeys[0]!;
      } else {
        problem(src, path, 'step-shape', 'a step is a step name (up) or a map (link-down: r1:r2)');
        continue;
      }
      const argsPath = typeof item === 'string' ? path : [...path, kindName];
      if (kindName === INCLUDE_STEP) {
        await include(src, argsPath, args, stack);
        continue;
      }
      const kind = stepKinds.get(kindName);
      if (!kind) {
        problem(src, typeof item === 'string' ? path : argsPath, 'unknown-step', `unknown step "${kindName}"${didYouMean(kindName, [...stepKinds.keys(), INCLUDE_STEP])}`, `step kinds: ${[...stepKinds.keys(), INCLUDE_STEP].join(', ')}`);
        continue;
      }
      const parsed = kind.args.safeParse(args);
      if (!parsed.success) {
        diagnostics.push(...schemaDiagnostics(parsed.error.issues, src, 'scenario', kind.args, argsPath).map((d) => modifierInside(d, kindName, argsPath)));
        continue;
      }
      if (lab && kind.check) kind.check(parsed.data, { lab, problem: (p, m, h) => problem(src, [...argsPath, ...p], 'invalid-step', m, h) });
      const within = modifiers.within === undefined ? undefined : durationOf(src, [...path, 'within'], modifiers.within as string | number);
      if (modifiers.within !== undefined && kind.type !== 'check') problem(src, [...path, 'within'], 'within-on-action', `within: applies to checks; "${kindName}" is an action`, 'put within: on the expect step that follows');
      if (modifiers.name !== undefined && typeof modifiers.name !== 'string') problem(src, [...path, 'name'], 'bad-name', 'name: must be text');
      const withinMs = kind.type === 'check' ? within ?? defaultWithin : undefined;
      const only = modifiers.only === undefined ? undefined : runtimesOf(src, [...path, 'only'], modifiers.only);
      steps.push({
        kind: kindName,
        args: parsed.data,
        ...(withinMs !== undefined ? { withinMs } : {}),
        ...(typeof modifiers.name === 'string' ? { label: modifiers.name } : {}),
        ...(only ? { only } : {}),
        position: src.locate(path),
      });
    }
  };
  const include = async (src: YamlSource, path: DataPath, value: unknown, stack: string[]): Promise<void> => {
    if (typeof value !== 'string' || value === '') return void problem(src, path, 'bad-include', 'include: takes a file path', 'e.g. include: common/converge.yml');
    const target = resolve(dirname(src.file), value);
    if (stack.includes(target)) return void problem(src, path, 'include-cycle', `include cycle: ${[...stack, target].map((f) => relative(process.cwd(), f)).join(' → ')}`);
    if (stack.length >= MAX_INCLUDE_DEPTH) return void problem(src, path, 'include-depth', `includes nest deeper than ${MAX_INCLUDE_DEPTH}`);
    let inc: YamlSource;
    try {
      inc = await loadYamlFile(target);
    } catch (err) {
      return void problem(src, path, 'include-unreadable', (err as Error).message, 'the path is relative to the including file');
    }
    diagnostics.push(...inc.diagnostics);
    const data = inc.data;
    const list = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as { steps?: unknown }).steps) ? (data as { steps: unknown[] }).steps : undefined;
    if (!list) return void problem(inc, [], 'bad-include', 'an included file is a list of steps (or a map with steps:)');
    await expand(inc, list, Array.isArray(data) ? [] : ['steps'], [...stack, target]);
  };
  await expand(source, doc.steps, ['steps'], [resolve(file)]);

  if (hasErrors(diagnostics) || !lab) return { diagnostics: sortDiagnostics(diagnostics) };
  return {
    scenario: {
      file,
      name: doc.name,
      ...(doc.description ? { description: doc.description } : {}),
      topologyFile,
      lab,
      ...(doc.runtime ? { runtime: doc.runtime as RuntimeName } : {}),
      ...(doc.seed !== undefined ? { seed: doc.seed } : {}),
      timeoutMs,
      steps,
    },
    diagnostics: sortDiagnostics(diagnostics),
  };
}

/**
 * `within:`, `name:` and `only:` written inside a step's map (`expect: { route: …, within: 5s }`)
 * instead of beside it: say where they go rather than list the step's own keys.
 */
function modifierInside(d: Diagnostic, kindName: string, argsPath: DataPath): Diagnostic {
  const key = d.code === 'scenario.unknown-key' ? STEP_MODIFIERS.find((k) => d.key === formatPath([...argsPath, k])) : undefined;
  if (key === undefined) return d;
  return { ...d, hint: `${key}: belongs beside "${kindName}:", not inside it: end the ${kindName} map before it and put "${key}:" on the next line, indented like "${kindName}:"` };
}
