/** The V8 settings `flatlab bgpd` applies to itself once its heap is large. */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { applyDaemonHeapSettings, applyStartHeapSettings, DAEMON_V8_FLAGS, LARGE_HEAP_BYTES, RUN_V8_FLAGS, START_V8_FLAGS, type HeapSettingsEnv } from '../../../src/bgp/daemon/heap-settings.js';

/** A heap whose size the test sets, a recorder for flags, and a timer the test fires. */
function fakeEnv(heap: number) {
  const state = { heap, set: [] as string[], tick: undefined as (() => void) | undefined, stopped: 0 };
  const env: HeapSettingsEnv = {
    set: (flags) => state.set.push(flags),
    heapUsed: () => state.heap,
    every: (_ms, fn) => {
      state.tick = fn;
      return { stop: () => (state.stopped += 1) };
    },
  };
  return { state, env };
}

describe('daemon heap settings', () => {
  test('the run flags at once; a small heap then gets nothing more until it passes the threshold; then every large-heap flag once, in order, and the watch stops', () => {
    const { state, env } = fakeEnv(LARGE_HEAP_BYTES - 1);
    applyDaemonHeapSettings(env);
    expect(state.set).toEqual(RUN_V8_FLAGS);
    state.tick!();
    expect(state.set).toEqual(RUN_V8_FLAGS);
    state.heap = LARGE_HEAP_BYTES;
    state.tick!();
    expect(state.set).toEqual([...RUN_V8_FLAGS, ...DAEMON_V8_FLAGS]);
    expect(state.stopped).toBe(1);
  });

  test('a heap already large gets all the flags at once and no watch', () => {
    const { state, env } = fakeEnv(LARGE_HEAP_BYTES * 2);
    applyDaemonHeapSettings(env)();
    expect(state.set).toEqual([...RUN_V8_FLAGS, ...DAEMON_V8_FLAGS]);
    expect(state.tick).toBeUndefined();
  });

  test('stopping before the threshold leaves the large-heap flags unset', () => {
    const { state, env } = fakeEnv(0);
    applyDaemonHeapSettings(env)();
    expect(state.stopped).toBe(1);
    expect(state.set).toEqual(RUN_V8_FLAGS);
  });

  test('the run flags give the young generation back the growth the start flags stopped', () => {
    const factor = (flags: readonly string[]) => flags.filter((f) => f.startsWith('--semi-space-growth-factor=')).map((f) => Number(f.split('=')[1]));
    expect(factor(START_V8_FLAGS)).toEqual([1]);
    expect(factor(RUN_V8_FLAGS)).toEqual([2]); // V8's default
  });

  test('the start settings alone: the start flags, nothing else', () => {
    const set: string[] = [];
    applyStartHeapSettings((f) => set.push(f));
    expect(set).toEqual(START_V8_FLAGS);
  });

  test('this Node accepts every flag (v8.setFlagsFromString ignores a misspelt one; the command line refuses it)', () => {
    expect(DAEMON_V8_FLAGS.length).toBeGreaterThan(0);
    for (const flag of [...START_V8_FLAGS, ...RUN_V8_FLAGS, ...DAEMON_V8_FLAGS]) {
      const r = spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' });
      expect({ flag, status: r.status, stderr: r.stderr }).toEqual({ flag, status: 0, stderr: '' });
    }
  });

  test('V8 reads the young generation growth factor while it runs: set from inside, it keeps the semi-spaces at their first size while retained objects pile up', () => {
    // The same allocation with and without the setting, in fresh processes: a young generation
    // that grew holds more than 2 × 1 MiB.
    const program = (flags: readonly string[]) => `
      const v8 = require('node:v8');
      for (const f of ${JSON.stringify(flags)}) v8.setFlagsFromString(f);
      const keep = [];
      for (let i = 0; i < 300000; i++) keep.push({ i, a: [i, i + 1], s: 'k' + i });
      process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
    const newSpace = (flags: readonly string[]) => {
      const r = spawnSync(process.execPath, ['-e', program(flags)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return Number(r.stdout);
    };
    const MiB = 1024 * 1024;
    expect(newSpace(START_V8_FLAGS)).toBeLessThanOrEqual(2 * MiB);
    expect(newSpace([])).toBeGreaterThan(2 * MiB);
  });
});
