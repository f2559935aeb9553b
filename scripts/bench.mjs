#!/usr/bin/env node
// `npm run bench -- NAME [args…]` runs bench/NAME.ts (through tsx) and leaves its JSON under bench/results/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
const benchDir = resolve(here, '..', 'bench');
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(benchDir).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME [args…]\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const file = join(benchDir, `${name}.ts`);
if (!existsSync(file)) process.exit(2);
const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
