/**
 * Turn zod issues into located diagnostics. The schema is the single source of truth for
 * shape (types and JSON Schema come from it); semantic checks live beside each model.
 */
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { didYouMean } from './suggest.js';
import { formatPath, type DataPath, type YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

/** Validate `source.data` against `schema`; return the typed value or every located diagnostic. */
export function validateAgainstSchema<S extends z.ZodType>(schema: S, source: YamlSource, codePrefix: string): { value?: z.infer<S>; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(source.data);
  if (result.success) return { value: result.data, diagnostics: [] };
  return { diagnostics: schemaDiagnostics(result.error.issues, source, codePrefix, schema) };
}

/**
 * Diagnostics for zod issues. `basePath` is where the validated value sits in the document
 * when `schema` describes only part of it (a scenario step's arguments, say).
 */
export function schemaDiagnostics(issues: readonly Issue[], source: YamlSource, codePrefix: string, schema?: z.ZodType, basePath: DataPath = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) out.push(...issueDiagnostics(issue, source, codePrefix, schema, basePath));
  return out;
}

function issueDiagnostics(issue: Issue, source: YamlSource, prefix: string, schema: z.ZodType | undefined, basePath: DataPath): Diagnostic[] {
  const relative = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const path = [...basePath, ...relative];
  const key = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schema ? objectKeysAt(schema, relative) : [];
      return issue.keys.map((k) => ({
        code: `${prefix}.unknown-key`,
        severity: 'error' as const,
        message: `unknown key "${k}"${key ? ` in ${key}` : ''}${didYouMean(k, known)}`,
        position: source.locate([...path, k], { key: true }),
        key: formatPath([...path, k]),
        hint: known.length > 0 ? `allowed keys here: ${known.join(', ')}` : 'remove this key',
      }));
    }
    case 'invalid_type': {
      if (isMissing(source.data, path)) {
        const parent = path.slice(0, -1);
        const name = path[path.length - 1];
        return [{
          code: `${prefix}.missing-key`,
          severity: 'error',
          message: `missing required key "${String(name)}"${parent.length ? ` in ${formatPath(parent)}` : ''}`,
          position: source.locate(parent),
          key,
          hint: `add "${String(name)}: <${issue.expected}>"`,
        }];
      }
      return [located(prefix, 'wrong-type', `${key || 'document'}: expected ${issue.expected}, got ${describe(valueAt(source.data, path))}`, path, source)];
    }
    case 'invalid_union': {
      // Report the branch that got furthest (most specific path), as a human would read it.
      const branches = issue.errors.filter((b) => b.length > 0);
      if (branches.length > 0) {
        const deepest = branches.reduce((a, b) => (maxDepth(b) > maxDepth(a) ? b : a));
        if (maxDepth(deepest) > 0) return deepest.flatMap((i) => issueDiagnostics({ ...i, path: [...issue.path, ...i.path] } as Issue, source, prefix, schema, basePath));
      }
      return [located(prefix, 'invalid', `${key || 'document'}: ${issue.message}`, path, source)];
    }
    default:
      return [located(prefix, issue.code === 'custom' ? 'invalid' : issue.code.replace(/_/g, '-'), `${key || 'document'}: ${issue.message}`, path, source)];
  }
}

function valueAt(data: unknown, path: DataPath): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** True when the parent of `path` is a map that lacks the last key (zod reports it as undefined). */
function isMissing(data: unknown, path: DataPath): boolean {
  if (path.length === 0) return data === undefined;
  let cur: unknown = data;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return false;
  return !Object.prototype.hasOwnProperty.call(cur, path[path.length - 1]!);
}

function maxDepth(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function located(prefix: string, code: string, message: string, path: DataPath, source: YamlSource): Diagnostic {
  return { code: `${prefix}.${code}`, severity: 'error', message, position: source.locate(path), key: formatPath(path) };
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

function defOf(s: z.ZodType): SchemaDef {
  return (s as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Keys of the object schema reached by `path` (best effort through wrappers, unions, records, lists). */
export function objectKeysAt(schema: z.ZodType, path: DataPath): string[] {
  const found = new Set<string>();
  const walk = (s: z.ZodType, i: number, depth: number): void => {
    if (depth > 64) return;
    const def = defOf(s);
    switch (def.type) {
      case 'optional': case 'default': case 'nullable': case 'readonly': case 'prefault': case 'catch': case 'nonoptional':
        if (def.innerType) walk(def.innerType, i, depth + 1);
        return;
      case 'pipe':
        if (def.in) walk(def.in, i, depth + 1);
        return;
      case 'lazy':
        if (def.getter) walk(def.getter(), i, depth + 1);
        return;
      case 'union':
        for (const o of def.options ?? []) walk(o, i, depth + 1);
        return;
      case 'object':
        if (i === path.length) {
          for (const k of Object.keys(def.shape ?? {})) found.add(k);
          return;
        }
        if (def.shape && typeof path[i] === 'string' && def.shape[path[i] as string]) walk(def.shape[path[i] as string]!, i + 1, depth + 1);
        return;
      case 'array':
        if (i < path.length && def.element) walk(def.element, i + 1, depth + 1);
        return;
      case 'record':
        if (i < path.length && def.valueType) walk(def.valueType, i + 1, depth + 1);
        return;
      default:
        return;
    }
  };
  walk(schema, 0, 0);
  return [...found].sort();
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v} ${String(v)}`;
}
