/** The V8 settings `flatlab bgpd` applies to itself once its heap is large. */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { applyDaemonHeapSettings, DAEMON_V8_FLAGS, LARGE_HEAP_BYTES, type HeapSettingsEnv } from '../../../src/bgp/daemon/heap-settings.js';

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
  test('a small heap gets nothing until it passes the threshold; then every flag once, in order, and the watch stops', () => {
    const { state, env } = fakeEnv(LARGE_HEAP_BYTES - 1);
    applyDaemonHeapSettings(env);
    state.tick!();
    expect(state.set).toEqual([]);
    state.heap = LARGE_HEAP_BYTES;
    state.tick!();
    expect(state.set).toEqual(DAEMON_V8_FLAGS);
    expect(state.stopped).toBe(1);
  });

  test('a heap already large gets the flags at once and no watch', () => {
    const { state, env } = fakeEnv(LARGE_HEAP_BYTES * 2);
    applyDaemonHeapSettings(env)();
    expect(state.set).toEqual(DAEMON_V8_FLAGS);
    expect(state.tick).toBeUndefined();
  });

  test('stopping before the threshold leaves the flags unset', () => {
    const { state, env } = fakeEnv(0);
    applyDaemonHeapSettings(env)();
    expect(state.stopped).toBe(1);
    expect(state.set).toEqual([]);
  });

  test('this Node accepts every flag (v8.setFlagsFromString ignores a misspelt one; the command line refuses it)', () => {
    expect(DAEMON_V8_FLAGS.length).toBeGreaterThan(0);
    for (const flag of DAEMON_V8_FLAGS) {
      const r = spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' });
      expect({ flag, status: r.status, stderr: r.stderr }).toEqual({ flag, status: 0, stderr: '' });
    }
  });
});
