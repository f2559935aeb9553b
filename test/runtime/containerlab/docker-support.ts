/** Shared by the containerlab runtime's real-Docker tests: skip reason, the stand-in, polling. */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Lab } from '../../../src/topology/lab.js';
import { needTools } from '../../support/need-tools.js';
import { compiledLab } from '../../support/compiled-lab.js';
export { eventually } from '../../support/eventually.js';

export const FAKE_CONTAINERLAB = join(import.meta.dirname, '../../support/fake-containerlab/containerlab');

/** Undefined when root, the tools and a Docker engine are there; in CI a gap fails instead. */
export function dockerReason(): string | undefined {
  const tools = needTools(['docker', 'ip', 'nsenter', 'ldd', 'busybox', 'bird', 'birdc', 'gobgpd', 'tc', 'dig', 'nft'], { root: true });
  if (tools) return tools;
  const info = spawnSync('docker', ['info'], { encoding: 'utf8' });
  if (info.status === 0) return undefined;
  const reason = `no Docker engine answers (${(info.stderr || '').trim().split('\n')[0]})`;
  if (process.env.CI) throw new Error(`CI must run this test but ${reason}; .ci/run starts dockerd`);
  console.warn(`skipping: ${reason}`);
  return reason;
}

export function labFrom(file: string): Promise<Lab> {
  return compiledLab(join(import.meta.dirname, file));
}

/** IDs of the containers containerlab labelled as `lab`'s. */
export function labContainers(lab: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=containerlab=${lab}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

export function removeLabContainers(lab: string): void {
  for (const id of labContainers(lab)) execFileSync('docker', ['rm', '-f', id]);
}

