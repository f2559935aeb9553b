/** The stamp that decides whether a local image is rebuilt: what it is built from, not when. */
import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recipeStamp } from '../../../src/runtime/containerlab/image-builder.js';
import type { ImageRecipe } from '../../../src/runtime/containerlab/image-recipes.js';

describe('recipeStamp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flatlab-stamp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'dist/cli'), { recursive: true });
  writeFileSync(join(dir, 'dist/cli/main.js'), 'console.log(1)\n');
  const recipe: ImageRecipe = { tag: 'x/y:1', description: 'd', packages: [], binaries: [], trees: [{ from: join(dir, 'dist'), to: '/opt/x/dist' }], dirs: [], files: [], cmd: ['true'] };

  it('is the same for the same contents, even rewritten with a new mtime', async () => {
    const before = await recipeStamp(recipe);
    utimesSync(join(dir, 'dist/cli/main.js'), new Date(), new Date(Date.now() + 60_000));
    expect(await recipeStamp(recipe)).toBe(before);
  });

  it('changes when a file of a tree changes, a file is added, or the recipe changes', async () => {
    const before = await recipeStamp(recipe);
    writeFileSync(join(dir, 'dist/cli/main.js'), 'console.log(2)\n');
    const edited = await recipeStamp(recipe);
    expect(edited).not.toBe(before);
    writeFileSync(join(dir, 'dist/cli/verb.js'), '');
    const added = await recipeStamp(recipe);
    expect(added).not.toBe(edited);
    expect(await recipeStamp({ ...recipe, cmd: ['false'] })).not.toBe(added);
  });
});
