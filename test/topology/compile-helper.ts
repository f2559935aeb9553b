/** Compile topology text with the test kind catalog. */
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { compileTopology, type CompileResult } from '../../src/topology/pipeline.js';
import type { Lab } from '../../src/topology/lab.js';
import { testCatalog } from './test-catalog.js';

export function compileText(text: string, file = 'lab.yml'): CompileResult {
  return compileTopology(parseYamlSource(text, file), { kinds: testCatalog });
}

/** Compile and insist on success, showing the diagnostics when there are errors. */
export function labOf(text: string): Lab {
  const r = compileText(text);
  if (!r.lab) throw new Error(`expected a lab, got:\n${r.diagnostics.map((d) => `${d.position?.line}:${d.position?.col} ${d.message} [${d.code}]`).join('\n')}`);
  return r.lab;
}

/** `code@line:col` of every error, for compact assertions. */
export function errorsOf(text: string): string[] {
  return compileText(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code}@${d.position?.line}:${d.position?.col}`);
}
