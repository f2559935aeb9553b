/** Golden files for the config writers: compared byte for byte; rewritten only with UPDATE_GOLDENS=1. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const root = join(dirname(new URL(import.meta.url).pathname), 'goldens');

export function expectGolden(relative: string, actual: string): void {
  const file = join(root, relative);
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden ${relative} is missing; run with UPDATE_GOLDENS=1 to create it, then review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
