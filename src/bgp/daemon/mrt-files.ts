/**
 * The two ways MRT output reaches the disk: a whole file written beside its target and renamed
 * over it (RIB dumps: a reader never sees half a dump), and a log appended to record by record
 * whose file changes at every period boundary (update logs). A name ending in `.gz` is
 * gzip-compressed. Missing directories are made.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGzip, type Gzip } from 'node:zlib';

let tmpSeq = 0;

/** Counts bytes passing through. */
async function* counted(source: Iterable<Uint8Array>, total: { bytes: number }): AsyncGenerator<Uint8Array> {
  for (const chunk of source) {
    total.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * Writes `chunks` (pulled as the disk takes them) to `target` atomically: into
 * `target.tmp-PID-N`, renamed over `target` when complete, removed when anything failed.
 * Resolves with the bytes written before compression.
 */
export async function writeFileAtomically(target: string, chunks: Iterable<Uint8Array>): Promise<{ bytes: number }> {
  const tmp = `${target}.tmp-${process.pid}-${++tmpSeq}`;
  const total = { bytes: 0 };
  try {
    await mkdir(dirname(target), { recursive: true });
    const records = Readable.from(counted(chunks, total));
    if (target.endsWith('.gz')) await pipeline(records, createGzip(), createWriteStream(tmp));
    else await pipeline(records, createWriteStream(tmp));
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  return total;
}

/** One open file of a rotating log. */
interface LogFile {
  period: number;
  stream: WriteStream;
  gzip: Gzip | undefined;
  failed: boolean;
  closed: Promise<void>;
  /** The timer of the pending sync flush of `gzip`, if one is armed. */
  flushTimer: unknown;
}

/** Timers a RotatingLog arms (injectable, as MrtOutput's). */
export interface LogTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface RotatingLogEvents {
  /** A file could not be opened or written (once per file). */
  failed(path: string, error: Error): void;
}

/**
 * How long a record may wait in a `.gz` log's compressor before it is flushed to the file
 * (Z_SYNC_FLUSH: what is in the file so far decompresses, though the gzip stream is not finished).
 */
export interface GzipFlush {
  ms: number;
  timers: LogTimers;
}

/**
 * A log whose records for the period starting at `period` go to `pathOf(period)`, appended (a
 * restart within a period continues its file; a `.gz` then gets a second gzip member, which
 * gunzip and MRT readers read on). Writes never throw: a failed file drops its records
 * (`write` returns false) until the next period opens a new one. With `gzipFlush`, a `.gz`
 * file's records reach the file within `gzipFlush.ms` of being written, so the log of a running
 * daemon can be read (`flatlab mrt dump`); otherwise only once the file is closed.
 */
export class RotatingLog {
  private file: LogFile | undefined;
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly pathOf: (period: number) => string,
    private readonly events: RotatingLogEvents,
    private readonly gzipFlush?: GzipFlush,
  ) {}

  /** Appends to the file of `period`; false when that file has failed. */
  write(period: number, record: Uint8Array): boolean {
    if (this.file && this.file.period !== period) this.close();
    this.file ??= this.open(period);
    const file = this.file;
    if (file.failed) return false;
    if (file.gzip) {
      file.gzip.write(record);
      this.armFlush(file, file.gzip);
    } else file.stream.write(record);
    return true;
  }

  private armFlush(file: LogFile, gzip: Gzip): void {
    const flush = this.gzipFlush;
    if (!flush || file.flushTimer !== undefined) return;
    file.flushTimer = flush.timers.set(() => {
      file.flushTimer = undefined;
      if (this.file === file && !file.failed) gzip.flush(zlibConstants.Z_SYNC_FLUSH);
    }, flush.ms);
  }

  /** Closes the open file if it belongs to a period before `period`. */
  closeBefore(period: number): void {
    if (this.file && this.file.period < period) this.close();
  }

  /** Closes the open file (finishing its gzip stream). */
  close(): void {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    if (file.flushTimer !== undefined) this.gzipFlush?.timers.clear(file.flushTimer);
    file.flushTimer = undefined;
    if (file.failed) file.stream.destroy();
    else if (file.gzip) file.gzip.end();
    else file.stream.end();
    this.closing.add(file.closed);
    void file.closed.then(() => this.closing.delete(file.closed));
  }

  /** Resolves when every closed file is flushed and closed. */
  async flushed(): Promise<void> {
    await Promise.all([...this.closing]);
  }

  private open(period: number): LogFile {
    const path = this.pathOf(period);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch {
      // Opening the file fails too, and reports it.
    }
    const stream = createWriteStream(path, { flags: 'a' });
    const file: LogFile = { period, stream, gzip: undefined, failed: false, flushTimer: undefined, closed: new Promise((r) => stream.once('close', () => r())) };
    const fail = (err: Error): void => {
      if (file.failed) return;
      file.failed = true;
      this.events.failed(path, err);
    };
    stream.on('error', fail);
    if (path.endsWith('.gz')) {
      file.gzip = createGzip();
      file.gzip.on('error', fail);
      file.gzip.pipe(stream);
    }
    return file;
  }
}
