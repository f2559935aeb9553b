import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';

describe('flatlab image status/update: input errors', () => {
  it('a --disk that is a directory (the build directory, not its disk.img) is a usage error with the file to give', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-image-cli-'));
    mkdirSync(join(dir, 'img'));
    try {
      for (const argv of [['image', 'status', '--disk', 'img'], ['image', 'update', '--disk', 'img', '--root', 'root.squashfs']]) {
        const io = memoryIO(dir);
        expect(await main(argv, io)).toBe(2);
        expect(io.text().stderr).toContain('--disk img is a directory [image.disk-directory]');
        expect(io.text().stderr).toContain('hint: give the disk image file, e.g. img/disk.img');
        expect(io.text().stderr).not.toContain('internal error');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
