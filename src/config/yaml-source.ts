/**
 * YAML documents that remember where every value came from, so validation can say
 * `file:line:col` for any path into the parsed data. Built on the `yaml` package's CST.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, SourcePosition } from './diagnostics.js';

export type DataPath = ReadonlyArray<string | number>;

export interface YamlSource {
  file: string;
  /** Plain data (YAML 1.2 core schema). `undefined` when the text does not parse at all. */
  data: unknown;
  /** YAML syntax errors and warnings (duplicate keys, bad indentation, …). */
  diagnostics: Diagnostic[];
  /**
   * Position of the value at `path` (or of its key with `{ key: true }`); when the path
   * does not exist, the position of the deepest part that does.
   */
  locate(path: DataPath, options?: { key?: boolean }): SourcePosition;
}

const MAX_ALIAS_COUNT = 1000;

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positionAt = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    diagnostics.push({
      code: `yaml.${e.code.toLowerCase().replace(/_/g, '-')}`,
      severity: 'error',
      message: firstLine(e.message),
      position: positionAt(e.pos[0]),
      hint: e.code === 'DUPLICATE_KEY' ? 'remove or rename one of the two keys' : 'check indentation and quoting near this position',
    });
  }
  for (const w of doc.warnings) {
    diagnostics.push({ code: `yaml.${w.code.toLowerCase().replace(/_/g, '-')}`, severity: 'warning', message: firstLine(w.message), position: positionAt(w.pos[0]) });
  }
  let data: unknown;
  if (doc.errors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      diagnostics.push({ code: 'yaml.aliases', severity: 'error', message: (err as Error).message, position: positionAt(0), hint: 'the document expands too many aliases' });
    }
  }
  return {
    file,
    data,
    diagnostics,
    locate: (path, options) => {
      const range = findRange(doc, path, options?.key ?? false);
      return positionAt(range);
    },
  };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

function findRange(doc: Document, path: DataPath, wantKey: boolean): number {
  let node: Node | null | undefined = doc.contents as Node | null;
  let best = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(seg));
      if (!pair) return best;
      const keyNode = pair.key as Node | null;
      if (last && wantKey && keyNode?.range) return keyNode.range[0];
      const valueNode = pair.value as Node | null;
      if (valueNode?.range) best = valueNode.range[0];
      else if (keyNode?.range) best = keyNode.range[0];
      node = valueNode;
    } else if (isSeq(node)) {
      const item: Node | undefined = typeof seg === "number" ? (node.items[seg] as Node | undefined) : undefined;
      if (!item) return best;
      if (item.range) best = item.range[0];
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function keyOf(k: unknown): string {
  if (isScalar(k)) return String(k.value);
  return String(k);
}

/** `links[2].endpoints[0]` from `['links', 2, 'endpoints', 0]`. */
export function formatPath(path: DataPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
