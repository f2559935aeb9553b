/**
 * An OCI image layout (image-spec v1.1 image-layout.md) for a root given as one uncompressed
 * tar layer: `oci-layout`, `index.json`, and `blobs/sha256/` holding the layer, the config and
 * the manifest, each named by its digest.
 */
import { createHash } from 'node:crypto';

export interface OciFile {
  path: string;
  content: Uint8Array;
}

export interface OciImage {
  files: OciFile[];
  manifestDigest: string;
  layerDigest: string;
}

function digest(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function json(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v));
}

export function ociLayout(layerTar: Uint8Array, opts: { version: string; refName: string; cmd: readonly string[]; env: readonly string[]; created?: string }): OciImage {
  const layerDigest = digest(layerTar);
  const config = json({
    ...(opts.created ? { created: opts.created } : {}),
    architecture: 'amd64',
    os: 'linux',
    config: { Env: opts.env, Cmd: opts.cmd, Labels: { 'org.opencontainers.image.version': opts.version, 'org.opencontainers.image.title': 'FlatRacoon OS' } },
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
    history: [{ created_by: 'flatlab image build' }],
  });
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layerTar.length }],
    annotations: { 'org.opencontainers.image.version': opts.version },
  });
  const manifestDigest = digest(manifest);
  const index = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: manifestDigest,
      size: manifest.length,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'org.opencontainers.image.ref.name': opts.refName },
    }],
  });
  const blob = (b: Uint8Array): OciFile => ({ path: `blobs/sha256/${digest(b).slice('sha256:'.length)}`, content: b });
  return {
    files: [{ path: 'oci-layout', content: json({ imageLayoutVersion: '1.0.0' }) }, { path: 'index.json', content: index }, blob(layerTar), blob(config), blob(manifest)],
    manifestDigest,
    layerDigest,
  };
}
