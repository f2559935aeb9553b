#!/usr/bin/env node
// Checks design.md's import direction: cli → scenario → runtime → kinds, emit → topology,
// with bgp/, dns/, image/, observe/ as libraries that never import cli/, scenario/ or runtime/.
// A folder may import only folders listed for it (and itself). Exits 1 naming each violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');
const base = ['config', 'files', 'net'];
const libs = ['bgp', 'dns', 'image', 'observe', 'zt', 'translate'];
const allowed = {
  config: [],
  files: ['config'],
  net: ['config'],
  observe: [...base],
  bgp: [...base, 'observe'],
  dns: [...base, 'observe'],
  translate: [...base],
  zt: [...base, 'observe'],
  image: [...base, 'observe'],
  topology: [...base, 'bgp'],
  kinds: [...base, 'topology', 'bgp', 'dns', 'zt', 'image'],
  emit: [...base, 'topology', 'kinds', 'bgp', 'dns', 'zt', 'image'],
  runtime: [...base, 'topology', 'kinds', 'emit', ...libs],
  scenario: [...base, 'topology', 'kinds', 'emit', 'runtime', ...libs],
  cli: [...base, 'topology', 'kinds', 'emit', 'runtime', 'scenario', ...libs],
};

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const problems = [];
for (const file of walk(root)) {
  const from = relative(root, file).split(sep)[0];
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const target = relative(root, resolve(dirname(file), m[1]));
    if (target.startsWith('..')) continue;
    const to = target.split(sep)[0];
    if (!to || to === from || to.endsWith('.js') || to.endsWith('.ts')) continue;
    const ok = allowed[from];
    if (!ok) problems.push(`${relative(process.cwd(), file)}: folder src/${from}/ is not in scripts/check-imports.mjs; add it with the folders it may import`);
    else if (!ok.includes(to)) problems.push(`${relative(process.cwd(), file)}: src/${from}/ must not import src/${to}/ (${m[1]})`);
  }
}
if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} import direction problem(s); see design.md "Imports point one way"`);
  process.exit(1);
}
console.log('import directions ok');
