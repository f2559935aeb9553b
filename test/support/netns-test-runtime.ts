/**
 * A netns runtime for a root-only test suite: its run root in a fresh temp directory, and an
 * `afterAll` that removes the named labs (whatever a failed test left of them) and the directory.
 * Call it inside the suite's `describe`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { NetnsRuntime } from '../../src/runtime/netns/netns-runtime.js';

export function netnsTestRuntime(prefix: string, labs: readonly string[]): { rt: NetnsRuntime; runRoot: string } {
  const runRoot = mkdtempSync(join(tmpdir(), `flatlab-${prefix}-`));
  const rt = new NetnsRuntime({ runRoot });
  afterAll(async () => {
    for (const lab of labs) await rt.downByName(lab);
    rmSync(runRoot, { recursive: true, force: true });
  });
  return { rt, runRoot };
}
