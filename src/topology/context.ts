/**
 * What every topology phase shares: the source (for positions), the kind catalog, and the
 * diagnostics collected so far. Phases never throw for bad input; they record a located
 * diagnostic and carry on, so one run reports every mistake in the file.
 */
import type { Diagnostic } from '../config/diagnostics.js';
import type { DataPath, YamlSource } from '../config/yaml-source.js';
import { formatPath } from '../config/yaml-source.js';
import type { KindCatalog } from './kind-catalog.js';
import { BrokenPaths } from './partial.js';

export interface DiagnosticOptions {
  hint?: string;
  /** Point at the key rather than its value (unknown or misspelt names). */
  key?: boolean;
}

export class CompileContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly source: YamlSource,
    readonly kinds: KindCatalog,
    /** Values the schema rejected: nothing more is said about them (see partial.ts). */
    readonly broken: BrokenPaths = new BrokenPaths(),
  ) {}

  error(what: string, message: string, path: DataPath, options: DiagnosticOptions = {}): void {
    this.push('error', what, message, path, options);
  }

  warn(what: string, message: string, path: DataPath, options: DiagnosticOptions = {}): void {
    this.push('warning', what, message, path, options);
  }

  errorCount(): number {
    let n = 0;
    for (const d of this.diagnostics) if (d.severity === 'error') n++;
    return n;
  }

  private push(severity: Diagnostic['severity'], what: string, message: string, path: DataPath, options: DiagnosticOptions): void {
    if (this.broken.covers(path)) return;
    this.diagnostics.push({
      code: `topology.${what}`,
      severity,
      message,
      position: this.source.locate(path, options.key ? { key: true } : undefined),
      key: formatPath(path),
      ...(options.hint ? { hint: options.hint } : {}),
    });
  }
}
