import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_SLOW_FILES, slowFirst } from './slow-first-sequencer.js';

const root = join(import.meta.dirname, '../..');
const paths = (xs: ReadonlyArray<{ path: string }>) => xs.map((x) => x.path);

describe('slowFirst', () => {
  const known = { 'slow.test.ts': 100, 'mid.test.ts': 50 };

  it('puts files with an estimate first, longest first, and keeps the given order of the rest', () => {
    const files = [{ path: 'a.test.ts' }, { path: 'mid.test.ts' }, { path: 'b.test.ts' }, { path: 'slow.test.ts' }];
    expect(paths(slowFirst(files, known))).toEqual(['slow.test.ts', 'mid.test.ts', 'a.test.ts', 'b.test.ts']);
  });

  it('prefers the cached duration over the known figure', () => {
    const files = [{ path: 'slow.test.ts', cachedMs: 1_000 }, { path: 'mid.test.ts' }, { path: 'c.test.ts', cachedMs: 70_000 }];
    expect(paths(slowFirst(files, known))).toEqual(['c.test.ts', 'mid.test.ts', 'slow.test.ts']);
  });

  it('runs the files that failed last time before everything else', () => {
    const files = [{ path: 'slow.test.ts' }, { path: 'quick.test.ts', cachedMs: 10, failed: true }, { path: 'a.test.ts' }];
    expect(paths(slowFirst(files, known))).toEqual(['quick.test.ts', 'slow.test.ts', 'a.test.ts']);
  });

  it('keeps equal estimates in the given order and does not change its input', () => {
    const files = [{ path: 'x.test.ts', cachedMs: 5 }, { path: 'y.test.ts', cachedMs: 5 }, { path: 'z.test.ts', cachedMs: 9 }];
    const copy = structuredClone(files);
    expect(paths(slowFirst(files, {}))).toEqual(['z.test.ts', 'x.test.ts', 'y.test.ts']);
    expect(files).toEqual(copy);
  });
});

describe('KNOWN_SLOW_FILES', () => {
  it('names test files that exist (a renamed file would silently lose its place)', () => {
    const missing = Object.keys(KNOWN_SLOW_FILES).filter((p) => !existsSync(join(root, p)));
    expect(missing).toEqual([]);
  });
});
