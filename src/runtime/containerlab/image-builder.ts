/**
 * Building a node image from the host: stage a root filesystem for an `ImageRecipe` (binaries
 * with their `ldd` closure, busybox applets, copied trees, generated files), then
 * `tar | docker import` it under the recipe's tag. The tar is written with sorted names, zero
 * mtimes and numeric root ownership, so the same host packages give the same layer.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, copyFile, cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { RuntimeError } from '../errors.js';
import { BUSYBOX, IMAGE_PATH, parseLdd, type ImageRecipe } from './image-recipes.js';

export interface BuildOptions {
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Parent of the temporary staging directory. */
  tmpRoot?: string;
  /** The recipe's stamp when the caller has already computed it (see recipeStamp). */
  stamp?: string;
}

/** Building an image failed: a host file is missing, or tar/docker import failed. */
export class ImageBuildError extends RuntimeError {}

export async function buildImage(recipe: ImageRecipe, opts: BuildOptions = {}): Promise<void> {
  const log = opts.log ?? (() => {});
  const stage = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), 'flatlab-image-'));
  try {
    const stamp = opts.stamp ?? (await recipeStamp(recipe));
    log(`building ${recipe.tag}: staging a root filesystem in ${stage}`);
    await stageRootfs(recipe, stage, opts);
    log(`building ${recipe.tag}: docker import`);
    const previous = await imageId(recipe.tag);
    await importRootfs(stage, recipe, stamp, opts);
    // A rebuild leaves the old image untagged: remove it (docker refuses while a container uses it).
    if (previous && previous !== (await imageId(recipe.tag))) await execa('docker', ['rmi', previous], { reject: false });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

export async function stageRootfs(recipe: ImageRecipe, stage: string, opts: Pick<BuildOptions, 'signal'> = {}): Promise<void> {
  const missing = [];
  for (const f of [BUSYBOX, ...recipe.binaries, ...recipe.trees.map((t) => t.from)]) {
    if (!(await exists(f))) missing.push(f);
  }
  if (missing.length) {
    throw new ImageBuildError('containerlab.image-source', `cannot build ${recipe.tag}: ${missing.join(', ')} missing on this host`, {
      hint: `install the packages it is built from: apt-get install ${recipe.packages.join(' ')}${recipe.trees.length ? ' (and run npm run build for flatlab\'s dist/)' : ''}`,
    });
  }
  // Same top-level layout as the host (Debian's merged /usr: /bin -> usr/bin …), so paths ldd prints resolve.
  for (const top of ['/bin', '/sbin', '/lib', '/lib64']) {
    const st = await lstat(top).catch(() => undefined);
    if (!st?.isSymbolicLink()) continue;
    const target = await readlink(top);
    await mkdir(join(stage, dirname(top), target), { recursive: true });
    await symlink(target, join(stage, top));
  }
  for (const dir of ['/usr/bin', '/usr/sbin', ...recipe.dirs]) await mkdir(join(stage, dir), { recursive: true });
  await chmod(join(stage, 'tmp'), 0o1777).catch(() => undefined);

  const libraries = new Set<string>();
  for (const bin of recipe.binaries) {
    for (const lib of await sharedLibraries(bin, opts.signal)) libraries.add(lib);
  }
  for (const path of [BUSYBOX, ...recipe.binaries, ...[...libraries].sort()]) await copyHostFile(path, stage);
  // busybox's sh runs its own applets before PATH (ip, ping, tc would be the busybox ones in
  // `sh -c` lines): sh is bash, and busybox provides only the commands no real binary does.
  await symlink('bash', join(stage, 'usr/bin/sh'));
  const applets = (await execa(BUSYBOX, ['--list'], { ...(opts.signal ? { cancelSignal: opts.signal } : {}) })).stdout.split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet === 'busybox') continue;
    if ((await lexists(join(stage, 'usr/bin', applet))) || (await lexists(join(stage, 'usr/sbin', applet)))) continue;
    await symlink(BUSYBOX, join(stage, 'usr/bin', applet));
  }
  for (const t of recipe.trees) {
    await mkdir(dirname(join(stage, t.to)), { recursive: true });
    const excluded = (t.exclude ?? []).map((e) => join(t.from, e));
    await cp(t.from, join(stage, t.to), { recursive: true, dereference: false, filter: (src) => !excluded.some((e) => src === e || src.startsWith(`${e}/`)) });
    if (!t.libraries) continue;
    const objects = await sharedObjectsIn(t.from, excluded);
    const closure = new Set<string>();
    for (const so of objects) for (const lib of await sharedLibraries(so, opts.signal)) closure.add(lib);
    for (const lib of [...closure].sort()) await copyHostFile(lib, stage);
  }
  if (recipe.nodeModules) await copyProductionModules(recipe.nodeModules.project, join(stage, recipe.nodeModules.to), opts.signal);
  for (const f of recipe.files) {
    await mkdir(dirname(join(stage, f.path)), { recursive: true });
    await writeFile(join(stage, f.path), f.content, { mode: f.mode });
    await chmod(join(stage, f.path), f.mode);
  }
}

/** Regular files named like shared objects (`x.so`, `x.so.1`, `_ssl.cpython-311-x86_64-linux-gnu.so`) under `dir`. */
async function sharedObjectsIn(dir: string, excluded: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.so(\.\d+)*$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    if (!excluded.some((e) => path === e || path.startsWith(`${e}/`))) out.push(path);
  }
  return out.sort();
}

async function sharedLibraries(binary: string, signal: AbortSignal | undefined): Promise<string[]> {
  const r = await execa('ldd', [binary], { reject: false, ...(signal ? { cancelSignal: signal } : {}) });
  // A static binary: "not a dynamic executable", nothing to copy.
  if (r.exitCode !== 0) return [];
  const { libraries, missing } = parseLdd(r.stdout);
  if (missing.length) throw new ImageBuildError('containerlab.image-source', `${binary} needs ${missing.join(', ')}, which ldd cannot find on this host`, { hint: 'reinstall the package that provides the binary' });
  return libraries;
}

/**
 * Copy a host file to the same real path in the stage, and recreate the name it was asked by
 * when that is a symlink (`libx.so.1` -> `libx.so.1.2.3`), in the directory the name really lives in.
 */
async function copyHostFile(path: string, stage: string): Promise<void> {
  const real = await realpath(path);
  const dest = join(stage, real);
  if (!(await lexists(dest))) {
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(real, dest);
    await chmod(dest, (await stat(real)).mode & 0o7777);
  }
  const linkDir = await realpath(dirname(path));
  const link = join(linkDir, basename(path));
  if (link === real) return;
  await mkdir(join(stage, linkDir), { recursive: true });
  if (!(await lexists(join(stage, link)))) await symlink(real, join(stage, link));
}

async function copyProductionModules(project: string, to: string, signal: AbortSignal | undefined): Promise<void> {
  const r = await execa('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: project, reject: false, ...(signal ? { cancelSignal: signal } : {}) });
  const dirs = r.stdout.split('\n').filter((d) => d.startsWith(`${project}/node_modules/`));
  if (dirs.length === 0) throw new ImageBuildError('containerlab.image-source', `npm ls found no production dependencies under ${project}/node_modules`, { hint: 'run npm ci in the flatlab checkout first' });
  // Shortest first: a package's own nested node_modules is copied with it.
  for (const dir of dirs.sort((a, b) => a.length - b.length)) {
    const dest = join(to, dir.slice(project.length + 1));
    if (await lexists(dest)) continue;
    await mkdir(dirname(dest), { recursive: true });
    await cp(dir, dest, { recursive: true, dereference: false });
  }
}

async function importRootfs(stage: string, recipe: ImageRecipe, stamp: string, opts: BuildOptions): Promise<void> {
  const cancel = opts.signal ? { cancelSignal: opts.signal } : {};
  const changes = [`ENV PATH=${IMAGE_PATH}`, `CMD ${JSON.stringify(recipe.cmd)}`, `LABEL flatlab.image=${JSON.stringify(recipe.description)}`, `LABEL ${STAMP_LABEL}=${stamp}`];
  const tar = execa('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', stage, '-cf', '-', '.'], { reject: false, ...cancel, buffer: false });
  const imported = tar.pipe('docker', ['import', ...changes.flatMap((c) => ['--change', c]), '-', recipe.tag], { reject: false, ...cancel });
  const r = await imported;
  const t = await tar;
  if (t.exitCode !== 0 || r.exitCode !== 0) {
    const why = r.exitCode === undefined ? r.shortMessage : (r.stderr || t.stderr || `exit ${r.exitCode ?? t.exitCode}`).toString().trim();
    throw new ImageBuildError('containerlab.image-import', `docker import of ${recipe.tag} failed: ${why}`, { hint: 'is dockerd running? (apt-get install docker.io, then start dockerd)' });
  }
}

/** The image label holding the stamp of the host files it was built from. */
export const STAMP_LABEL = 'flatlab.source';

/**
 * A fingerprint of what an image is built from: the recipe itself, the size and mtime of every
 * host binary it copies and of the lockfile behind node_modules, and the contents of its trees
 * (flatlab's dist/).
 * An image whose label differs was built from other files (an older flatlab build, an upgraded
 * package) and is rebuilt, so a lab never runs yesterday's flatlab in today's image.
 */
export async function recipeStamp(recipe: ImageRecipe): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ ...recipe, trees: recipe.trees.map((t) => ({ ...t })) }));
  const note = async (path: string) => {
    const st = await stat(path).catch(() => undefined);
    hash.update(`\n${path} ${st ? `${st.size} ${Math.trunc(st.mtimeMs)}` : 'absent'}`);
  };
  for (const bin of [BUSYBOX, ...recipe.binaries]) await note(bin);
  for (const t of recipe.trees) {
    const st = await stat(t.from).catch(() => undefined);
    if (!st?.isDirectory()) {
      await note(t.from);
      continue;
    }
    const entries = await readdir(t.from, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
    // Contents, not times: a rebuild of dist/ that changes nothing keeps the image.
    for (const f of files) hash.update(`\n${f} `).update(await readFile(f));
  }
  if (recipe.nodeModules) await note(join(recipe.nodeModules.project, 'package-lock.json'));
  return hash.digest('hex').slice(0, 32);
}

/** The stamp label of a local image, or undefined when the image or the label is absent. */
export async function imageStamp(tag: string): Promise<string | undefined> {
  const r = await execa('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${STAMP_LABEL}"}}`, tag], { reject: false });
  const v = r.exitCode === 0 ? String(r.stdout).trim() : '';
  return v && v !== '<no value>' ? v : undefined;
}

async function imageId(tag: string): Promise<string | undefined> {
  const r = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { reject: false });
  return r.exitCode === 0 ? String(r.stdout).trim() : undefined;
}

/** Exists in the stage: symlinks there point at absolute paths of the image, not of the host. */
async function lexists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
