/**
 * The daemon's MRT output (RFC 6396), configured by bgpd.yml `mrt:`: a TABLE_DUMP_V2 RIB dump
 * at every multiple of `table-dump.interval` (and on demand: POST /mrt-dump), and BGP4MP update
 * logs that start a new file at every multiple of `updates.rotate`. Names come from strftime
 * templates (UTC); a `.gz` name is gzip-compressed.
 *
 * This module decides what is written when (timers, framing, records); mrt-files.ts writes
 * (RIB dumps atomically, logs appended). A failed write is logged and counted (/metrics),
 * never thrown into the daemon. Wall clock and timers come in through `MrtEnvironment`, so
 * tests drive them.
 */
import { isAbsolute, resolve } from 'node:path';
import { MrtOutputError } from './mrt-errors.js';
import { BgpFramer } from '../wire/framer.js';
import { codecContext } from '../wire/index.js';
import { bgp4mpMessageRecord, bgp4mpStateChangeRecord, type Bgp4mpSession } from '../mrt/bgp4mp-writer.js';
import { expandTemplate, periodStart } from '../mrt/filename-template.js';
import { ribDumpRecords } from '../mrt/rib-dump-writer.js';
import type { MrtConfig } from './mrt-config.js';
import { ribSnapshot, type RibSource } from './rib-snapshot.js';
import { RotatingLog, writeFileAtomically } from './mrt-files.js';
import { emptyMrtCounters, type MrtCounters } from './metrics.js';

export interface MrtTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface MrtEnvironment {
  /** Unix milliseconds. */
  wallMs(): number;
  timers: MrtTimers;
  /** Relative file templates are resolved from here (the config file's directory). */
  baseDir: string;
  log(event: Record<string, unknown>): void;
}

export const realTimers: MrtTimers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface TableDumpResult {
  file: string;
  prefixes: number;
  entries: number;
  bytes: number;
}

/** The session ends of a peer, as BGP4MP records them. */
export type SessionEnds = (peer: string) => Bgp4mpSession | undefined;

/** Longest timer we arm; a longer wait re-arms (setTimeout overflows past 2^31 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A `.gz` update log's records reach the file within this time (readable while the daemon runs). */
const GZIP_FLUSH_MS = 1000;
/** A BGP header is 19 bytes; the framer checks lengths against the largest message (RFC 8654). */
const FRAMER_CTX = codecContext({ extendedMessage: true });

export { MrtOutputError };

export class MrtOutput {
  readonly counters: MrtCounters = emptyMrtCounters();
  private dumpTimer: unknown;
  private rotateTimer: unknown;
  private readonly log: RotatingLog | undefined;
  /** Periodic dumps under way (stop waits for them). */
  private readonly dumping = new Set<Promise<void>>();
  private readonly framers = new Map<string, BgpFramer>();
  private stopped = false;

  constructor(
    private readonly config: MrtConfig | undefined,
    private readonly source: () => RibSource,
    private readonly sessionEnds: SessionEnds,
    private readonly env: MrtEnvironment,
  ) {
    const up = config?.updates;
    if (up) {
      this.log = new RotatingLog(
        (period) => this.path(up.file, period),
        {
          failed: (file, error) => {
            this.counters.updateWriteErrors += 1;
            env.log({ msg: 'mrt update log write failed', file, error: error.message });
          },
        },
        { ms: GZIP_FLUSH_MS, timers: env.timers },
      );
    }
  }

  /** Arms the dump and rotation timers. */
  start(): void {
    this.scheduleDump();
    this.scheduleRotation();
  }

  /** Clears the timers, closes the update log (finishing its gzip stream) and waits for periodic dumps under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.dumpTimer !== undefined) this.env.timers.clear(this.dumpTimer);
    if (this.rotateTimer !== undefined) this.env.timers.clear(this.rotateTimer);
    this.dumpTimer = this.rotateTimer = undefined;
    this.log?.close();
    await this.idle();
  }

  /** Resolves when the periodic dumps and log closes under way have finished. */
  async idle(): Promise<void> {
    for (let i = 0; i < 100 && this.dumping.size > 0; i++) await Promise.all([...this.dumping]);
    await this.log?.flushed();
  }

  /** Whether the timers are armed (for tests: none after stop). */
  get armed(): boolean {
    return this.dumpTimer !== undefined || this.rotateTimer !== undefined;
  }

  path(template: string, epochMs: number): string {
    const name = expandTemplate(template, epochMs);
    return isAbsolute(name) ? name : resolve(this.env.baseDir, name);
  }

  // ---------------------------------------------------------------- RIB dumps

  private scheduleDump(): void {
    const td = this.config?.['table-dump'];
    if (!td || this.stopped) return;
    const now = this.env.wallMs();
    const due = periodStart(now, td.interval * 1000) + td.interval * 1000;
    this.dumpTimer = this.env.timers.set(() => this.dumpDue(due), Math.min(MAX_TIMER_MS, due - now));
  }

  private dumpDue(due: number): void {
    this.dumpTimer = undefined;
    const td = this.config?.['table-dump'];
    if (!td || this.stopped) return;
    if (this.env.wallMs() < due) return this.scheduleDump(); // a long wait re-armed in steps, or an early timer
    // The file is named after the period boundary, even when the timer fired late.
    const done = this.tableDump(this.path(td.file, due)).then(() => undefined, () => undefined);
    this.dumping.add(done);
    void done.then(() => this.dumping.delete(done));
    this.scheduleDump();
  }

  /**
   * Writes a RIB dump now: to `file` (absolute, or from the base directory), or to the
   * configured template's name for this instant. Rejects with the reason when it failed (also
   * logged and counted).
   */
  async tableDump(file?: string): Promise<TableDumpResult> {
    const td = this.config?.['table-dump'];
    if (file === undefined && !td) throw new MrtOutputError('mrt.no-table-dump', 'no file given and bgpd.yml has no mrt.table-dump', { hint: 'give a file (flatlab bgp mrt-dump --file rib.mrt), or configure mrt.table-dump.file' });
    const now = this.env.wallMs();
    const target = file === undefined ? this.path(td!.file, now) : isAbsolute(file) ? file : resolve(this.env.baseDir, file);
    const dump = ribSnapshot(this.source(), td?.routes ?? 'all', Math.floor(now / 1000), '');
    const entries = dump.routes.reduce((n, r) => n + r.entries.length, 0);
    let bytes: number;
    try {
      ({ bytes } = await writeFileAtomically(target, ribDumpRecords({ ...dump, mpReach: td?.['mp-reach'] ?? 'rfc6396' })));
    } catch (err) {
      this.counters.tableDumps.failed += 1;
      const message = (err as Error).message;
      this.env.log({ msg: 'mrt table dump failed', file: target, error: message });
      throw new MrtOutputError('mrt.write-failed', `writing ${target} failed: ${message}`, { hint: 'check that the directory exists or can be made, and is writable', cause: err });
    }
    this.counters.tableDumps.ok += 1;
    const result = { file: target, prefixes: dump.routes.length, entries, bytes };
    this.env.log({ msg: 'mrt table dump', ...result });
    return result;
  }

  // ---------------------------------------------------------------- update logs

  private scheduleRotation(): void {
    const up = this.config?.updates;
    if (!up || this.stopped) return;
    const now = this.env.wallMs();
    const due = periodStart(now, up.rotate * 1000) + up.rotate * 1000;
    this.rotateTimer = this.env.timers.set(() => {
      this.rotateTimer = undefined;
      // Close the finished period's file even when nothing arrives after the boundary.
      this.log?.closeBefore(periodStart(this.env.wallMs(), up.rotate * 1000));
      this.scheduleRotation();
    }, Math.min(MAX_TIMER_MS, Math.max(0, due - now)));
  }

  /** Bytes read from a peer's socket (any split), before the speaker sees them. */
  received(peer: string, chunk: Uint8Array): void {
    if (!this.config?.updates || this.stopped) return;
    let framer = this.framers.get(peer);
    if (!framer) this.framers.set(peer, (framer = new BgpFramer(() => FRAMER_CTX)));
    let messages: Uint8Array[];
    try {
      messages = framer.push(chunk);
    } catch {
      // A bad header: the speaker resets the session; start over at the next transport.
      this.framers.delete(peer);
      return;
    }
    for (const m of messages) this.message(peer, m, 'received');
  }

  /** Whole messages written to a peer's socket (one or several back to back). */
  sent(peer: string, bytes: Uint8Array): void {
    if (!this.config?.updates?.sent || this.stopped) return;
    let at = 0;
    while (bytes.length - at >= 19) {
      const length = (bytes[at + 16]! << 8) | bytes[at + 17]!;
      if (length < 19 || at + length > bytes.length) break;
      this.message(peer, bytes.subarray(at, at + length), 'sent');
      at += length;
    }
  }

  /** A session state change (FSM state names). */
  stateChange(peer: string, from: string, to: string): void {
    // A new transport starts at a message boundary.
    if (to === 'Idle' || to === 'Connect' || to === 'Active') this.framers.delete(peer);
    if (!this.config?.updates || this.stopped) return;
    const session = this.sessionEnds(peer);
    if (!session) return;
    this.append(bgp4mpStateChangeRecord(this.time(), session, from, to));
  }

  private message(peer: string, bytes: Uint8Array, direction: 'received' | 'sent'): void {
    const session = this.sessionEnds(peer);
    if (!session) return;
    this.append(bgp4mpMessageRecord(this.time(), session, bytes, direction));
  }

  private time(): { epochMs: number; extended: boolean } {
    return { epochMs: this.env.wallMs(), extended: this.config?.['extended-timestamp'] ?? false };
  }

  private append(record: Uint8Array): void {
    const period = periodStart(this.env.wallMs(), this.config!.updates!.rotate * 1000);
    if (this.log!.write(period, record)) this.counters.updateRecords.written += 1;
    else this.counters.updateRecords.dropped += 1;
  }
}
