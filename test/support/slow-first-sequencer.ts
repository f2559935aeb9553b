/**
 * Test file order for a run with several workers: longest first, so that no long file starts
 * last and keeps one worker busy while the others sit idle (longest-processing-time-first
 * scheduling). Vitest's own order does this only from its result cache, which a fresh CI clone
 * does not have (it then orders by file size, and the slowest files here are small ones that
 * wait on daemons, QEMU or Docker). So a file's duration comes from the cache when the cache
 * knows it, else from the rough figures below, measured on the 2-core CI machines; files known
 * to neither keep Vitest's order, after the others. Files that failed last time still go first.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds per file from runs on a loaded 2-core machine; only their order matters. The two
 * marked (est.) are estimates from what they run (8 and 6 lab scenarios on real daemons, the
 * backbone's with a 90 s hold-timer wait), not yet measured.
 */
export const KNOWN_SLOW_FILES: Readonly<Record<string, number>> = {
  'test/interop/backbone-netns.test.ts': 200, // (est.)
  'test/interop/zerotier-netns.test.ts': 190,
  'test/interop/os-boot.test.ts': 171,
  'test/runtime/containerlab/daemons.test.ts': 134,
  'test/interop/nat64-netns.test.ts': 100, // (est.)
  'test/runtime/containerlab/nat64.test.ts': 94,
  'test/cli/lab-verbs-bgp.test.ts': 90,
  'test/runtime/containerlab/lan.test.ts': 72,
  'test/interop/hesiod-hesinfo.test.ts': 58,
  'test/cli/lab-verbs.test.ts': 50,
  'test/interop/bgpd-frr.test.ts': 44,
  'test/interop/bgpd-gobgp.test.ts': 39,
  'test/interop/bgpd-exabgp.test.ts': 36,
  'test/runtime/containerlab/containerlab-runtime.test.ts': 36,
  'test/runtime/netns/zt-ready.test.ts': 33,
  'test/interop/bgpd-bird.test.ts': 31,
  'test/bgp/wire/fuzz.test.ts': 27,
  'test/image/boot-state-shell.test.ts': 27,
  'test/runtime/containerlab/exabgp.test.ts': 23,
};

export interface FileEstimate {
  /** Path relative to the project root, with forward slashes. */
  path: string;
  /** Duration of its last run from Vitest's cache, ms. */
  cachedMs?: number;
  failed?: boolean;
}

/**
 * The run order: failed last time first, then longest known duration first (cache, else
 * `known` seconds), then the files with no estimate in the order given. Stable; pure.
 */
export function slowFirst<T extends FileEstimate>(files: readonly T[], known: Readonly<Record<string, number>> = KNOWN_SLOW_FILES): T[] {
  const estimate = (f: T): number | undefined => f.cachedMs ?? (known[f.path] !== undefined ? known[f.path]! * 1000 : undefined);
  const rank = files.map((f, i) => ({ f, i, failed: f.failed === true, ms: estimate(f) }));
  rank.sort((a, b) => {
    if (a.failed !== b.failed) return a.failed ? -1 : 1;
    if (a.ms !== undefined && b.ms !== undefined && a.ms !== b.ms) return b.ms - a.ms;
    if ((a.ms === undefined) !== (b.ms === undefined)) return a.ms === undefined ? 1 : -1;
    return a.i - b.i;
  });
  return rank.map((r) => r.f);
}

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const described = base.map((spec) => {
      // The key Vitest's cache uses (BaseSequencer.sort): project name and the root-relative path.
      const path = relative(this.ctx.config.root, spec.moduleId).replace(/\\/g, '/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return { path, spec, ...(cached ? { cachedMs: cached.duration, failed: cached.failed } : {}) };
    });
    return slowFirst(described).map((d) => d.spec);
  }
}
