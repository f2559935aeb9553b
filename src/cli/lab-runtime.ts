/** What the lab verbs (up, down, status, exec) share: compile the topology, pick the runtime. */
import { formatDiagnostic, InputError, sortDiagnostics } from '../config/diagnostics.js';
import { createRuntime, parseRuntimeList } from '../runtime/index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Lab } from '../topology/lab.js';
import type { CliIO } from './io.js';
import { compileCliTopology } from './generate.js';

/** Labs that outlive the command need a runtime with real state: sim has none. */
const LASTING = ['netns', 'containerlab'];

export async function labAndRuntime(io: CliIO, file: string, runtimeFlag: string | undefined): Promise<{ lab: Lab; runtime: Runtime } | undefined> {
  const [name, ...more] = parseRuntimeList(runtimeFlag ?? 'netns');
  if (more.length || !LASTING.includes(name!)) {
    throw new InputError('lab.runtime', `--runtime takes one of ${LASTING.join(', ')} here`, { hint: 'the sim runtime runs only inside flatlab run' });
  }
  const result = await compileCliTopology(io, file);
  if (!result.lab) {
    for (const d of sortDiagnostics(result.diagnostics)) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr(`${file}: invalid topology\n`);
    return undefined;
  }
  return { lab: { ...result.lab, sourceFile: file }, runtime: createRuntime(name!) };
}
