/**
 * Lab → Clabernetes resources (`clabernetes.yml`): containerlab at scale on Kubernetes.
 *
 * A Clabernetes `Topology` (apiVersion clabernetes.containerlab.dev/v1alpha1) carries the
 * containerlab topology as text in `spec.definition.containerlab`; the controller splits it
 * into one launcher pod per node. Files the topology binds from the host do not exist in a
 * cluster, so every generated file of a node (configs/<node>/…, qemu/<node>.sh) goes into one
 * ConfigMap per node, and `spec.deployment.filesFromConfigMap.<node>` mounts each key at the
 * same relative path the clab.yml binds (launchers run containerlab from the directory the
 * paths are relative to). `mode: execute` marks files that must stay executable.
 *
 * Clabernetes connects nodes with VXLAN tunnels between launcher pods; containerlab `bridge`
 * nodes (flatlab's multi-access LANs) need a bridge on one host and are refused with a typed
 * error. Output is deterministic: resources in lab order, keys sorted as listed.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { FlatlabError } from '../config/diagnostics.js';
import type { Lab } from '../topology/lab.js';
import { generatedHeader } from './header.js';
import type { LabFile } from './lab-files.js';

export const CLABERNETES_FILE = 'clabernetes.yml';
export const CLABERNETES_API_VERSION = 'clabernetes.containerlab.dev/v1alpha1';
/** etcd's object limit; a ConfigMap above it is refused by the API server. */
const CONFIGMAP_MAX_BYTES = 1_000_000;

export class ClabernetesEmitError extends FlatlabError {}

interface FileFromConfigMap {
  filePath: string;
  configMapName: string;
  configMapPath: string;
  mode: 'read' | 'execute';
}

/** `files`: the lab directory as `labFiles(lab)` produces it (clab.yml included). */
export function clabernetesResources(lab: Lab, files: readonly LabFile[]): Array<Record<string, unknown>> {
  const lans = lab.links.filter((l) => l.type === 'lan');
  if (lans.length) {
    throw new ClabernetesEmitError('emit.clabernetes-lan', `lab ${lab.name} has multi-access links (link ${lans.map((l) => l.index + 1).join(', ')}), which Clabernetes cannot place: containerlab bridge nodes need one host`, {
      hint: 'use point-to-point links (a linux node with forwarding: true as the switch) for labs meant for Kubernetes',
    });
  }
  const clab = files.find((f) => f.path === 'clab.yml');
  if (!clab) throw new ClabernetesEmitError('emit.clabernetes-no-clab', 'no clab.yml among the lab files', { hint: 'this is a bug in flatlab' });
  const labName = dnsLabel(lab.name);
  const configMaps: Array<Record<string, unknown>> = [];
  const mounts: Record<string, FileFromConfigMap[]> = {};
  for (const node of lab.nodes) {
    const own = files.filter((f) => f.path.startsWith(`configs/${node.name}/`) || f.path === `qemu/${node.name}.sh`);
    if (own.length === 0) continue;
    const configMapName = dnsLabel(`${lab.name}-${node.name}`);
    const data: Record<string, string> = {};
    const entries: FileFromConfigMap[] = [];
    for (const f of own) {
      const key = configMapKey(f.path.startsWith('configs/') ? f.path.slice(`configs/${node.name}/`.length) : f.path);
      if (key in data) throw new ClabernetesEmitError('emit.clabernetes-key', `two files of node ${node.name} map to ConfigMap key ${key}`, { hint: 'rename one of the files' });
      data[key] = f.content;
      entries.push({ filePath: f.path, configMapName, configMapPath: key, mode: f.mode & 0o111 ? 'execute' : 'read' });
    }
    const size = Object.values(data).reduce((n, s) => n + Buffer.byteLength(s), 0);
    if (size > CONFIGMAP_MAX_BYTES) {
      throw new ClabernetesEmitError('emit.clabernetes-too-large', `node ${node.name}'s files take ${size} bytes, more than a ConfigMap holds (${CONFIGMAP_MAX_BYTES})`, { hint: 'serve large files over HTTP and list them under spec.deployment.filesFromURL yourself' });
    }
    configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configMapName, labels: { 'flatlab.lab': labName, 'flatlab.node': dnsLabel(node.name) } }, data });
    mounts[node.name] = entries;
  }
  const topology = {
    apiVersion: CLABERNETES_API_VERSION,
    kind: 'Topology',
    metadata: { name: labName, labels: { 'flatlab.lab': labName } },
    spec: {
      definition: { containerlab: clab.content },
      ...(Object.keys(mounts).length ? { deployment: { filesFromConfigMap: mounts } } : {}),
    },
  };
  return [...configMaps, topology];
}

export function clabernetesYaml(lab: Lab, files: readonly LabFile[]): string {
  const docs = clabernetesResources(lab, files).map((r) => stringify(r, { lineWidth: 0, blockQuote: 'literal' }));
  return `${generatedHeader('#', lab)}${docs.map((d) => `---\n${d}`).join('')}`;
}

/**
 * Kubernetes object names are DNS labels (RFC 1123: lower-case alphanumerics and '-', at most
 * 63, alphanumeric at both ends). A name that had to change gets a short hash of the original,
 * so `R1` and `r1` stay apart.
 */
export function dnsLabel(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (clean === name && clean.length <= 63) return clean;
  const tag = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${clean.slice(0, 56).replace(/-+$/, '') || 'x'}-${tag}`;
}

/** ConfigMap keys allow [-._a-zA-Z0-9]: a nested path's slashes become '__'. */
export function configMapKey(path: string): string {
  return path.replace(/\//g, '__').replace(/[^-._a-zA-Z0-9]/g, '_');
}
