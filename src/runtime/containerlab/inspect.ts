/**
 * Reading `containerlab inspect --format json`. Two shapes exist: up to 0.6x,
 * `{"containers": [ … ]}`; since then an object keyed by lab name, `{"<lab>": [ … ]}`. Each
 * entry has lab_name, name (the container, `clab-<lab>-<node>`), container_id, image, kind,
 * state, ipv4_address, ipv6_address (and newer: labPath, absLabPath, status, owner). A lab with
 * no containers prints `{}`, nothing, or a "no containers found" log line.
 */
import { RuntimeError } from '../errors.js';

export interface ClabContainer {
  labName: string;
  /** Container name. */
  name: string;
  /** The lab node it runs (container name without the `clab-<lab>-` prefix). */
  node: string;
  containerId: string;
  image: string;
  kind: string;
  state: string;
}

interface RawEntry {
  lab_name?: string;
  name?: string;
  container_id?: string;
  image?: string;
  kind?: string;
  state?: string;
}

export function containerPrefix(lab: string): string {
  return `clab-${lab}-`;
}

export function parseInspect(text: string, lab: string): ClabContainer[] {
  const trimmed = text.trim();
  if (trimmed === '' || !trimmed.startsWith('{')) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (err) {
    throw new RuntimeError('containerlab.inspect', `containerlab inspect printed JSON flatlab cannot read: ${(err as Error).message}`, { hint: 'run containerlab inspect --format json -t <clab.yml> yourself to see it' });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const record = doc as Record<string, unknown>;
  const entries = Array.isArray(record.containers) ? record.containers : Array.isArray(record[lab]) ? record[lab] : [];
  const prefix = containerPrefix(lab);
  return (entries as RawEntry[])
    .filter((e) => typeof e === 'object' && e !== null && (e.lab_name === undefined || e.lab_name === lab))
    .map((e) => {
      const name = (e.name ?? '').replace(/^\//, '');
      return {
        labName: e.lab_name ?? lab,
        name,
        node: name.startsWith(prefix) ? name.slice(prefix.length) : name,
        containerId: e.container_id ?? '',
        image: e.image ?? '',
        kind: e.kind ?? '',
        state: (e.state ?? '').toLowerCase(),
      };
    });
}
