// Opening an MRT file or stdin as a stream of chunks, gunzipped when it starts with the gzip
// magic (route collectors publish .gz and .bz2). node:zlib has no bzip2, so a bzip2 file is a
// clear error telling how to decompress it instead of a confusing "not MRT".
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FlatlabError } from '../../config/diagnostics.js';

export class MrtInputError extends FlatlabError {
  constructor(code: string, message: string, hint: string) {
    super(code, message, { hint });
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];
const BZIP2_MAGIC = [0x42, 0x5a, 0x68]; // "BZh"

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function checkNotBzip2(first: Uint8Array, name: string): void {
  if (startsWith(first, BZIP2_MAGIC)) {
    throw new MrtInputError('mrt.bzip2', `${name} is bzip2-compressed, which flatlab cannot read`, `decompress it first: bunzip2 -k ${name === 'stdin' ? 'FILE' : name}, or bzcat FILE | flatlab mrt dump -`);
  }
}

/** Chunks of the (decompressed) MRT bytes of `path`. */
export async function openMrtFile(path: string, name = path): Promise<AsyncIterable<Uint8Array>> {
  let first: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      const buf = new Uint8Array(3);
      const { bytesRead } = await handle.read(buf, 0, 3, 0);
      first = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw new MrtInputError('mrt.unreadable', `cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path (use - for stdin)');
  }
  checkNotBzip2(first, name);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return startsWith(first, GZIP_MAGIC) ? raw.pipe(createGunzip()) : raw;
}

/** The same for a stream (stdin): the first chunk is looked at, then put back in front. */
export async function openMrtStream(input: AsyncIterable<Uint8Array>, name = 'stdin'): Promise<AsyncIterable<Uint8Array>> {
  const iterator = input[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (head.done) return (async function* () {})();
  const first = head.value;
  checkNotBzip2(first, name);
  async function* whole(): AsyncGenerator<Uint8Array> {
    yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return startsWith(first, GZIP_MAGIC) ? Readable.from(whole()).pipe(createGunzip()) : whole();
}
