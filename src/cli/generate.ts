/**
 * `flatlab generate <topology.yml> [-o DIR] [--check] [--json] [--clabernetes]`: write the lab
 * directory (clab.yml, configs/, qemu/; with --clabernetes also clabernetes.yml) for a
 * topology, atomically; `--check` instead compares what would be written with what is on disk
 * and exits 1 listing the differences. An invalid topology
 * prints its diagnostics, writes nothing and exits 2.
 */
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic, sortDiagnostics } from '../config/diagnostics.js';
import { CLABERNETES_FILE, clabernetesYaml } from '../emit/clabernetes.js';
import { isLabRuntimeEntry, labFiles } from '../emit/lab-files.js';
import { compareTree, isSame, writeTree } from '../files/write-tree.js';
import { kindCatalog } from '../kinds/index.js';
import { compileTopology, type CompileResult } from '../topology/pipeline.js';
import { loadYamlFile } from '../config/load-yaml-file.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export interface GenerateOptions {
  output?: string;
  check: boolean;
  json: boolean;
  /** Also write clabernetes.yml (the Clabernetes Topology and its ConfigMaps). */
  clabernetes?: boolean;
}

export async function runGenerate(file: string, opts: GenerateOptions, io: CliIO): Promise<number> {
  try {
    const result = await compileCliTopology(io, file);
    if (!result.lab) {
      for (const d of sortDiagnostics(result.diagnostics)) io.stderr(`${formatDiagnostic(d)}\n`);
      io.stderr(`${file}: invalid topology; nothing written\n`);
      return EXIT_USAGE;
    }
    const lab = { ...result.lab, sourceFile: file };
    const files = labFiles(lab);
    if (opts.clabernetes) files.push({ path: CLABERNETES_FILE, content: clabernetesYaml(lab, files), mode: 0o644 });
    // Without --clabernetes an earlier clabernetes.yml is left alone, neither removed nor a difference.
    const keep = (name: string) => isLabRuntimeEntry(name) || (!opts.clabernetes && name === CLABERNETES_FILE);
    const dir = resolve(io.cwd, opts.output ?? join('labs', lab.name));
    const rel = relative(io.cwd, dir);
    const shown = rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
    if (opts.check) {
      const diff = await compareTree(dir, files, undefined, { keep });
      const upToDate = isSame(diff);
      if (opts.json) io.stdout(`${JSON.stringify({ lab: lab.name, dir: shown, upToDate, ...diff }, null, 2)}\n`);
      else if (upToDate) io.stdout(`${shown}: up to date (${files.length} files)\n`);
      else {
        for (const p of diff.changed) io.stderr(`changed: ${shown}/${p}\n`);
        for (const p of diff.missing) io.stderr(`missing: ${shown}/${p}\n`);
        for (const p of diff.extra) io.stderr(`extra:   ${shown}/${p}\n`);
        const update = ['flatlab generate', file, ...(opts.output !== undefined ? ['-o', opts.output] : []), ...(opts.clabernetes ? ['--clabernetes'] : [])].join(' ');
        io.stderr(`${shown} is not what ${update} writes; run that to update it\n`);
      }
      return upToDate ? EXIT_OK : EXIT_FAILED;
    }
    await writeTree(dir, files, undefined, { keep });
    if (opts.json) io.stdout(`${JSON.stringify({ lab: lab.name, dir: shown, files: files.map((f) => f.path) }, null, 2)}\n`);
    else io.stdout(`${shown}: wrote ${files.length} files for lab ${lab.name}\n`);
    return EXIT_OK;
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }
}

/**
 * Compile a topology named on the command line: read relative to the IO's working directory,
 * but report positions with the path as the user typed it.
 */
export async function compileCliTopology(io: CliIO, file: string): Promise<CompileResult> {
  const source = await loadYamlFile(resolve(io.cwd, file));
  const diagnostics = source.diagnostics.map((d) => (d.position ? { ...d, position: { ...d.position, file } } : d));
  return compileTopology({ ...source, file, diagnostics, locate: (path, options) => ({ ...source.locate(path, options), file }) }, { kinds: kindCatalog });
}

export const generateVerb: Verb = {
  name: 'generate',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('generate')
      .description('write the lab directory (clab.yml, configs/, qemu/) for a topology; --check compares instead')
      .argument('<topology>', 'topology file (YAML)')
      .option('-o, --output <dir>', 'lab directory (default: labs/<name>)')
      .option('--check', 'exit 1 listing the files that differ from what would be written; write nothing')
      .option('--json', 'print the result as JSON on stdout')
      .option('--clabernetes', `also write ${CLABERNETES_FILE}: a Clabernetes Topology (Kubernetes) and a ConfigMap per node`)
      .action(async (file: string, o: { output?: string; check?: boolean; json?: boolean; clabernetes?: boolean }) => {
        done(await runGenerate(file, { ...(o.output !== undefined ? { output: o.output } : {}), check: o.check === true, json: o.json === true, clabernetes: o.clabernetes === true }, io));
      });
  },
};
