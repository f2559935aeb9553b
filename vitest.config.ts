import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Interop tests start real daemons; give them room, but each test bounds its own waits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at once (Vitest's default on 2 cores is one): most slow files wait on daemons,
    // QEMU or Docker rather than computing. Files do not share namespaces, lab names, containers,
    // fixed loopback ports or temp paths (see docs/testing.md), so they may overlap.
    // `--maxWorkers=1` on the command line runs them one at a time again.
    maxWorkers: 2,
    minWorkers: 1,
    // Longest files first, also on a fresh clone without Vitest's result cache.
    sequence: { sequencer: SlowFirstSequencer },
  },
});
