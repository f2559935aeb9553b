/** What several benchmarks share: numeric flags, and re-running under --expose-gc to measure retained heap. */
import { spawnSync } from 'node:child_process';

/** `--name N` from the command line (name given with its dashes), or `fallback`; exits 2 unless a positive number (an integer if `integer`). */
export function numberArg(name: string, fallback: number, opts: { integer?: boolean } = {}): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  const ok = opts.integer ? Number.isInteger(v) && v > 0 : Number.isFinite(v) && v > 0;
  if (!ok) {
    console.error(`${name} needs a positive ${opts.integer ? 'integer' : 'number'}`);
    process.exit(2);
  }
  return v;
}

/**
 * The global `gc` of a process started with --expose-gc; without it, re-runs `script` (the
 * caller's file) with --expose-gc and `nodeFlags`, and exits with its status.
 */
export function exposedGc(script: string, nodeFlags: readonly string[] = []): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void;
  const r = spawnSync(process.execPath, ['--expose-gc', ...nodeFlags, '--import', 'tsx', script, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
