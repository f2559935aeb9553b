/**
 * Builds the node images the containerlab runtime uses, from this host's Debian packages
 * (the runtime also builds a missing one on `up`; this rebuilds on demand, e.g. after
 * `npm run build` for the flatlab image):
 *   npx tsx scripts/build-images.ts            every image
 *   npx tsx scripts/build-images.ts bird linux  the images of these kinds (or name:tag)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getKind } from '../src/kinds/index.js';
import { buildImage } from '../src/runtime/containerlab/image-builder.js';
import { imageRecipes } from '../src/runtime/containerlab/image-recipes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const recipes = imageRecipes(root);
const wanted = process.argv.slice(2).map((arg) => (arg.includes(':') ? arg : getKind(arg).containerlab.image ?? ''));
const chosen = wanted.length ? recipes.filter((r) => wanted.includes(r.tag)) : recipes;
const unknown = wanted.filter((w) => !recipes.some((r) => r.tag === w));
if (unknown.length) {
  console.error(`no local recipe for ${unknown.map((u) => u || '(a kind without an image)').join(', ')}; recipes: ${recipes.map((r) => r.tag).join(', ')}`);
  process.exit(2);
}
for (const recipe of chosen) {
  const t0 = Date.now();
  await buildImage(recipe, { log: (line) => console.log(line) });
  console.log(`${recipe.tag}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
