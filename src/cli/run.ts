/**
 * `flatlab run <scenario.yml|DIR>... [--runtime sim|netns|containerlab|sim,netns] [--junit FILE] [--json] [--seed N]`
 *
 * Exit 0 only when every scenario passed on every runtime; 1 when one failed (or two
 * runtimes disagreed); 2 when a scenario file is invalid or a flag is wrong (nothing runs);
 * 130 (SIGINT) or 143 (SIGTERM) when interrupted: the step that was cut short fails, the lab is
 * torn down, the reports cover what ran.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic, InputError, sortDiagnostics } from '../config/diagnostics.js';
import { checkWritable, writeFileAtomically } from '../files/write-file.js';
import { kindCatalog } from '../kinds/index.js';
import { createRuntime, parseRuntimeList } from '../runtime/index.js';
import type { RuntimeName } from '../runtime/runtime.js';
import { loadScenarioFile, type Scenario } from '../scenario/load.js';
import { jsonReport } from '../scenario/reporters/json.js';
import { junitReport } from '../scenario/reporters/junit.js';
import { stepLines, summaryLine } from '../scenario/reporters/text.js';
import type { ScenarioResult } from '../scenario/result.js';
import { runScenario } from '../scenario/run.js';
import { stepKinds } from '../scenario/steps/index.js';
import ora from 'ora';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { abortOnSignals, exitCodeOfSignal } from './interrupt.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export interface RunOptions {
  runtime?: string;
  junit?: string;
  json: boolean;
  seed?: string;
}

/** Scenario files named on the command line; a directory stands for its *.yml files (not subdirectories: those hold includes). */
export async function scenarioFiles(io: CliIO, args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    const abs = resolve(io.cwd, a);
    const s = await stat(abs).catch(() => undefined);
    if (!s) throw new InputError('run.no-such-file', `no such file or directory: ${a}`, { hint: 'give scenario files (YAML) or directories of them' });
    if (s.isDirectory()) {
      const names = (await readdir(abs)).filter((n) => /\.ya?ml$/.test(n)).sort();
      if (names.length === 0) {
        // `flatlab run scenarios` names the parent of the lab directories: list them.
        const labs = [];
        for (const e of (await readdir(abs, { withFileTypes: true })).filter((d) => d.isDirectory()).sort((x, y) => x.name.localeCompare(y.name))) {
          if ((await readdir(join(abs, e.name))).some((n) => /\.ya?ml$/.test(n))) labs.push(join(a, e.name));
        }
        throw new InputError('run.empty-dir', `${a} holds no scenario files (*.yml)`, { hint: labs.length ? `its subdirectories do; give one or more: ${labs.join(' ')}` : 'scenarios live in scenarios/<lab>/*.yml' });
      }
      out.push(...names.map((n) => join(abs, n)));
    } else out.push(abs);
  }
  return out;
}

export async function runRun(args: readonly string[], opts: RunOptions, io: CliIO): Promise<number> {
  let runtimes: RuntimeName[];
  let seed: number | undefined;
  const scenarios: Scenario[] = [];
  try {
    runtimes = opts.runtime ? parseRuntimeList(opts.runtime) : [];
    if (opts.seed !== undefined) {
      if (!/^\d+$/.test(opts.seed)) throw new InputError('run.bad-seed', `--seed takes a whole number, not "${opts.seed}"`);
      seed = Number(opts.seed);
    }
    let invalid = false;
    for (const file of await scenarioFiles(io, args)) {
      const shown = relative(io.cwd, file) || file;
      // Positions in reports read best relative to where the user is.
      const r = await loadScenarioFile(relative(process.cwd(), file) || file, { kinds: kindCatalog });
      for (const d of sortDiagnostics(r.diagnostics)) io.stderr(`${formatDiagnostic(d)}\n`);
      if (!r.scenario) {
        io.stderr(`${shown}: invalid scenario; nothing was run\n`);
        invalid = true;
      } else scenarios.push({ ...r.scenario, file: shown });
    }
    if (invalid) return EXIT_USAGE;
    // Known before the scenarios run, not after: a report that cannot be written would lose the run.
    if (opts.junit) await checkWritable(resolve(io.cwd, opts.junit));
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  }

  const interrupt = abortOnSignals((sig) => io.stderr(`\n${sig}: stopping and tearing the lab down…\n`));
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      const names = runtimes.length ? runtimes : [(scenario.runtime ?? 'sim') as RuntimeName];
      const perRuntime: ScenarioResult[] = [];
      for (const name of names) {
        if (interrupt.signal.aborted) break;
        const s = seed ?? scenario.seed;
        const runtime = createRuntime(name, s !== undefined ? { seed: s } : {});
        if (!opts.json) io.stdout(`${scenario.name} [${name}]  ${scenario.file}\n`);
        // Only on a real terminal of known width: ora redraws by line count and misbehaves without one.
        const spinner = !opts.json && io.isTTY && (process.stdout.columns ?? 0) > 0 ? ora({ stream: process.stdout, discardStdin: false }) : undefined;
        const result = await runScenario(scenario, runtime, {
          signal: interrupt.signal,
          ...(opts.json
            ? {}
            : {
                onStep: (e) => {
                  // On a terminal the running step spins (a long within: is visibly alive); logs get finished lines only.
                  if (e.phase === 'start') spinner?.start(`${String(e.index + 1).padStart(2)}. ${stepKinds.get(e.step.kind)!.describe(e.step.args)}`);
                  else if (e.result) {
                    spinner?.stop();
                    io.stdout(`${stepLines(e.result).join('\n')}\n`);
                  }
                },
              }),
        });
        spinner?.stop();
        perRuntime.push(result);
      }
      results.push(...perRuntime);
      if (perRuntime.length > 1 && !opts.json) io.stdout(differences(perRuntime));
    }
  } catch (err) {
    reportError(io, err);
    return EXIT_USAGE;
  } finally {
    interrupt.dispose();
  }
  if (opts.junit) await writeFileAtomically(resolve(io.cwd, opts.junit), junitReport(results));
  io.stdout(opts.json ? jsonReport(results) : `${summaryLine(results)}\n`);
  const interruptedBy = interrupt.received();
  if (interruptedBy) {
    const planned = scenarios.length * (runtimes.length || 1);
    const notRun = planned - results.length;
    io.stderr(`flatlab: interrupted by ${interruptedBy}${notRun > 0 ? `; ${notRun} scenario run${notRun === 1 ? '' : 's'} not started` : ''}\n`);
    return exitCodeOfSignal(interruptedBy);
  }
  const disagree = disagreements(results);
  return results.every((r) => r.status === 'passed') && disagree === 0 ? EXIT_OK : EXIT_FAILED;
}

/** Steps whose outcome differs between runtimes for the same scenario: a finding either way. */
function differences(rs: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  const [first, ...rest] = rs;
  for (const other of rest) {
    first!.steps.forEach((s, i) => {
      const o = other.steps[i];
      // A step that runs only on some runtimes (only:) is no difference where it was skipped.
      if (o && o.status !== s.status && !s.only && !o.only) lines.push(`  difference at step ${i + 1} (${s.description}): ${s.status} on ${first!.runtime}, ${o.status} on ${other.runtime}`);
    });
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function disagreements(rs: readonly ScenarioResult[]): number {
  const byFile = new Map<string, ScenarioResult[]>();
  for (const r of rs) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  let n = 0;
  for (const group of byFile.values()) if (new Set(group.map((r) => r.status)).size > 1) n++;
  return n;
}

export const runVerb: Verb = {
  name: 'run',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    program
      .command('run')
      .description('run scenario scripts against their labs and report (exit 0 only if all passed)')
      .argument('<scenarios...>', 'scenario files, or directories of them')
      .option('-r, --runtime <names>', 'sim, netns or containerlab; several separated by commas run each and compare (default: the scenario\'s runtime:, else sim)')
      .option('--junit <file>', 'also write a JUnit XML report')
      .option('--json', 'print the results as JSON only', false)
      .option('--seed <n>', 'seed for the sim runtime (overrides the scenario\'s seed:)')
      .action(async (files: string[], opts: RunOptions) => done(await runRun(files, opts, io)));
  },
};
