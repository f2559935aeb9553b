/**
 * Every CLI verb, listed explicitly (no side-effect imports). Adding a verb: one file + one line.
 * Each is loaded on demand: a command line that names one verb loads only that verb's modules,
 * so a long-running daemon (`flatlab bgpd`, `flatlab hesiod`) does not carry the whole CLI.
 */
import type { Verb } from './verb.js';

const loaders: ReadonlyArray<readonly [string, () => Promise<Verb>]> = [
  ['validate', async () => (await import('./validate.js')).validateVerb],
  ['generate', async () => (await import('./generate.js')).generateVerb],
  ['graph', async () => (await import('./graph.js')).graphVerb],
  ['bgp', async () => (await import('./bgp.js')).bgpVerb],
  ['run', async () => (await import('./run.js')).runVerb],
  ['up', async () => (await import('./up.js')).upVerb],
  ['down', async () => (await import('./down.js')).downVerb],
  ['status', async () => (await import('./status.js')).statusVerb],
  ['exec', async () => (await import('./exec.js')).execVerb],
  ['bgpd', async () => (await import('./bgpd.js')).bgpdVerb],
  ['hesiod', async () => (await import('./hesiod.js')).hesiodVerb],
  ['hesinfo', async () => (await import('./hesinfo.js')).hesinfoVerb],
  ['dns64', async () => (await import('./dns64.js')).dns64Verb],
  ['image', async () => (await import('./image.js')).imageVerb],
  ['zt', async () => (await import('./zt.js')).ztVerb],
  ['mrt', async () => (await import('./mrt.js')).mrtVerb],
];

/** The verb names, in help order. */
export const verbNames: readonly string[] = loaders.map(([name]) => name);

/**
 * The verbs a command line needs: only the one it names, or all of them (for help, a flag
 * before the verb, or an unknown word, so commander can list them or suggest one).
 */
export async function loadVerbs(argv: readonly string[] = []): Promise<Verb[]> {
  const first = argv[0];
  const only = loaders.find(([name]) => name === first);
  const chosen = only ? [only] : loaders;
  return Promise.all(chosen.map(([, load]) => load()));
}
