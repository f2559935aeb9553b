/**
 * The OCI image layout of a FlatRacoon OS build: every blob is named by its digest and the
 * manifest ties config and layer together; Docker imports the layer and runs busybox from it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build.js';
import { needDockerEngine, needTools } from '../support/need-tools.js';

const reason = needTools(['mksquashfs', 'mke2fs', 'dpkg', 'ldd', 'busybox'], { root: true });
// The layout is checked without Docker; running the image needs an engine (.ci/run starts dockerd).
const noEngine = reason ?? needDockerEngine([]);

describe.skipIf(reason)('FlatRacoon OS OCI layout', () => {
  let dir = '';
  const tag = `flatlab-fros-oci-test:${process.pid}`;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flatlab-oci-'));
    await buildImage({ out: join(dir, 'img'), version: '9.9.9', packages: [], services: [], slotMiB: 16, dataMiB: 8 });
  }, 120_000);
  afterAll(async () => {
    try { execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' }); } catch { /* not imported */ }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names every blob by its sha256 and links index → manifest → config and layer', async () => {
    const oci = join(dir, 'img', 'oci');
    expect(JSON.parse(await readFile(join(oci, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    for (const name of await readdir(join(oci, 'blobs', 'sha256'))) {
      expect(createHash('sha256').update(await readFile(join(oci, 'blobs', 'sha256', name))).digest('hex')).toBe(name);
    }
    const index = JSON.parse(await readFile(join(oci, 'index.json'), 'utf8'));
    const blob = async (d: string) => readFile(join(oci, 'blobs', 'sha256', d.replace('sha256:', '')));
    const manifest = JSON.parse((await blob(index.manifests[0].digest)).toString());
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('9.9.9');
    const config = JSON.parse((await blob(manifest.config.digest)).toString());
    expect(config.rootfs.diff_ids).toEqual([manifest.layers[0].digest]);
    expect((await blob(manifest.layers[0].digest)).length).toBe(manifest.layers[0].size);
  });

  it.skipIf(noEngine)('docker imports the layer and runs the image\'s busybox', async () => {
    const oci = join(dir, 'img', 'oci');
    const index = JSON.parse(await readFile(join(oci, 'index.json'), 'utf8'));
    const manifest = JSON.parse((await readFile(join(oci, 'blobs', 'sha256', index.manifests[0].digest.replace('sha256:', '')))).toString());
    execFileSync('docker', ['import', join(oci, 'blobs', 'sha256', manifest.layers[0].digest.replace('sha256:', '')), tag], { timeout: 120_000 });
    const out = execFileSync('docker', ['run', '--rm', '--network', 'none', tag, '/bin/sh', '-c', 'cat /etc/flatracoon/version; ls /etc/flatracoon/services.d'], { encoding: 'utf8', timeout: 120_000 });
    expect(out.split('\n')).toEqual(['9.9.9', 'health-http', '']);
  }, 200_000);
});
