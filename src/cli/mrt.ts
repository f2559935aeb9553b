/**
 * `flatlab mrt dump FILE|-`: reads an MRT file (RFC 6396; gzip is undone on the fly, bzip2 is
 * refused with a hint) record by record, so a full-table dump never sits in memory whole.
 * --json prints one JSON object per line (RIB entry, BGP4MP message or state change, peer
 * table, unknown record); without it, bgpdump -m style text lines (src/bgp/mrt/text.ts).
 *
 * Exit codes: 0 read to the end; 2 unreadable input, or a truncated/corrupt record (the
 * error names its byte offset). With --keep-going a corrupt record body is reported as a
 * JSON line with "error" and reading goes on; the exit code is then 1. A truncated last
 * record still ends the run (nothing follows it to go on with).
 */
import type { Command } from 'commander';
import { MrtDecodeError } from '../bgp/mrt/record.js';
import { openMrtFile, openMrtStream, MrtInputError } from '../bgp/mrt/input.js';
import { streamMrtRecords } from '../bgp/mrt/stream.js';
import { textLines } from '../bgp/mrt/text.js';
import { MrtJsonDecoder, type JsonObject } from '../bgp/mrt/to-json.js';
import { resolve } from 'node:path';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import type { Verb } from './verb.js';

export interface MrtDumpOptions {
  json?: boolean;
  keepGoing?: boolean;
}

export interface MrtDumpDeps {
  stdin: AsyncIterable<Uint8Array>;
}

/** zlib reports a damaged .gz as a plain Error with a Z_* code. */
function asInputError(e: unknown, file: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'Z_BUF_ERROR') {
    // The deflate stream stops short: a cut download, or an update log flatlab bgpd is still
    // writing (it completes a .gz when the file rotates or the daemon stops, and flushes it within a second of each record). What came before was printed.
    return new MrtInputError('mrt.gzip-truncated', `${file} ends inside its gzip stream (${(e as Error).message}); the records before the cut were printed`, 'a file still being written (a running bgpd\'s current update log) is complete once it rotates or the daemon stops, and holds every record logged until a second ago; a download may be cut short: gzip -t FILE tests it');
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new MrtInputError('mrt.gzip', `${file} is not valid gzip: ${(e as Error).message}`, 'check the download; gzip -t FILE tests it');
  }
  return e;
}

export async function runMrtDump(file: string, o: MrtDumpOptions, io: CliIO, deps: MrtDumpDeps = { stdin: process.stdin }): Promise<number> {
  const name = file === '-' ? 'stdin' : file;
  const decoder = new MrtJsonDecoder();
  let failures = 0;
  const print = (line: JsonObject): void => {
    if (o.json) io.stdout(`${JSON.stringify(line)}\n`);
    else for (const text of textLines(line)) io.stdout(`${text}\n`);
  };
  try {
    const chunks = file === '-' ? await openMrtStream(deps.stdin) : await openMrtFile(resolve(io.cwd, file), file);
    for await (const record of streamMrtRecords(chunks)) {
      let lines: JsonObject[];
      try {
        lines = decoder.decode(record);
      } catch (e) {
        if (!(e instanceof MrtDecodeError) || !o.keepGoing) throw e;
        failures++;
        io.stderr(`flatlab: ${e.message} [${e.code}]; skipped\n`);
        lines = [{ offset: record.offset, mrtType: record.type, subtype: record.subtype, error: e.message, hex: Buffer.from(record.message).toString('hex') }];
      }
      for (const line of lines) print(line);
    }
  } catch (e) {
    reportError(io, asInputError(e, name));
    return EXIT_USAGE;
  }
  return failures > 0 ? EXIT_FAILED : EXIT_OK;
}

export const mrtVerb: Verb = {
  name: 'mrt',
  register(program: Command, io: CliIO, done: (code: number) => void): void {
    const mrt = program.command('mrt').description('MRT (RFC 6396) route dumps and update logs');
    mrt
      .command('dump')
      .description('print an MRT file (TABLE_DUMP_V2, BGP4MP, BGP4MP_ET; .gz read directly) one route or message per line')
      .argument('<file>', 'the MRT file, or - for stdin')
      .option('--json', 'JSON lines with every field (default: bgpdump -m style text)')
      .option('--keep-going', 'report a corrupt record and go on (exit 1) instead of stopping (exit 2)')
      .action(async (file: string, o: MrtDumpOptions) => {
        done(await runMrtDump(file, o, io));
      });
  },
};
