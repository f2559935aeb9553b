/**
 * What a netns run created, on disk, so cleanup works after a crash: the namespaces and the
 * processes (PID plus the kernel's start time, so a recycled PID is never signalled).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../../files/write-file.js';

export interface StartedProcess {
  node: string;
  name: string;
  pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks since boot when the process started. */
  startTime: string;
  argv: string[];
  log: string;
  /** Size of the log (appended to across runs) when this process started: its own output follows. */
  logStart?: number;
}

export interface NetnsState {
  lab: string;
  runtime: 'netns';
  createdAt: string;
  labDir: string;
  /** sha256 of the lab model: `up` of a changed topology over a running lab is refused. */
  labHash: string;
  namespaces: string[];
  processes: StartedProcess[];
  /**
   * The flatlab process that last brought the lab up or attached to it to run scenarios (PID and
   * start time). While it lives, `up` from another process is refused: two runs of one lab share
   * its namespaces and would tear each other's lab down. `flatlab up` exits, so its lab is free.
   */
  owner?: { pid: number; startTime: string };
}

export async function readState(file: string): Promise<NetnsState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as NetnsState;
  } catch {
    return undefined;
  }
}

export async function writeState(file: string, state: NetnsState): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** The start time of a live process, or undefined when there is no such process (or only its zombie). */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
    return rest[19];
  } catch {
    return undefined;
  }
}

/** True when `p` is still the process we started (same PID and start time). */
export async function isOurs(p: StartedProcess): Promise<boolean> {
  return (await processStartTime(p.pid)) === p.startTime;
}

export function labHash(lab: { sourceFile: string }): string {
  return createHash('sha256').update(JSON.stringify({ ...lab, sourceFile: '' })).digest('hex');
}
