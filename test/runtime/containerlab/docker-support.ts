/** Shared by the containerlab runtime's real-Docker tests: skip reason, the stand-in, polling. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Lab } from '../../../src/topology/lab.js';
import { needDockerEngine } from '../../support/need-tools.js';
import { compiledLab } from '../../support/compiled-lab.js';
export { eventually } from '../../support/eventually.js';

export const FAKE_CONTAINERLAB = join(import.meta.dirname, '../../support/fake-containerlab/containerlab');

/** Undefined when root, the tools and a Docker engine are there; in CI a gap fails instead. */
export function dockerReason(): string | undefined {
  return needDockerEngine(['docker', 'ip', 'nsenter', 'ldd', 'busybox', 'bird', 'birdc', 'gobgpd', 'tc', 'dig', 'nft'], { root: true });
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

